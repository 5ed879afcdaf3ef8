import KubuqiRaster
import XCTest

final class StatisticsTests: XCTestCase {
    func testSummaryOfKnownValues() {
        var s = SummaryStatistics()
        let v: [Float] = [1, 2, 3, 4, .nan, .infinity]
        v.withUnsafeBufferPointer { s.add($0) }
        XCTAssertEqual(s.count, 4)
        XCTAssertEqual(s.nodataCount, 2)
        XCTAssertEqual(s.mean, 2.5)
        XCTAssertEqual(s.minimum, 1)
        XCTAssertEqual(s.maximum, 4)
        // Population variance of 1..4 is 1.25.
        XCTAssertEqual(s.standardDeviation!, 1.25.squareRoot(), accuracy: 1e-12)
    }

    func testMergingPartsEqualsTheWhole() {
        var rng = SplitMix64(seed: 7)
        let values = (0..<10_000).map { _ in Float(rng.unit() * 2 - 1) }
        var whole = SummaryStatistics(), merged = SummaryStatistics()
        var wholeH = Histogram(lowerBound: -1, upperBound: 1, bins: 200)
        var mergedH = Histogram(lowerBound: -1, upperBound: 1, bins: 200)
        values.withUnsafeBufferPointer { whole.add($0); wholeH.add($0) }
        for chunk in stride(from: 0, to: values.count, by: 777) {
            var part = SummaryStatistics()
            var partH = Histogram(lowerBound: -1, upperBound: 1, bins: 200)
            values[chunk..<min(chunk + 777, values.count)].withUnsafeBufferPointer { part.add($0); partH.add($0) }
            merged.merge(part)
            mergedH.merge(partH)
        }
        XCTAssertEqual(whole.count, merged.count)
        XCTAssertEqual(whole.minimum, merged.minimum)
        XCTAssertEqual(whole.maximum, merged.maximum)
        XCTAssertEqual(whole.sum, merged.sum, accuracy: 1e-3)
        XCTAssertEqual(wholeH.counts, mergedH.counts)
    }

    func testHistogramQuantileWithinOneBin() {
        // 1..1000: the median is 500.5; one bin is 1.0 wide.
        var h = Histogram(lowerBound: 0, upperBound: 1000, bins: 1000)
        for v in 1...1000 { h.add(Double(v) - 0.5) }
        XCTAssertEqual(h.quantile(0.5)!, 500, accuracy: 1.0)
        XCTAssertEqual(h.quantile(0.95)!, 950, accuracy: 1.0)
        XCTAssertNil(Histogram(lowerBound: 0, upperBound: 1, bins: 4).quantile(0.5))
    }
}
