import KubuqiIndicators
import XCTest

/// `SeriesReduction`'s observation-by-observation path (mean, sum, count, max, min) against the
/// reducers' per-pixel definition (``SeriesReducer/reduce(_:days:count:)`` on each pixel's valid
/// values in date order, then the completeness rule): the same bits, pixel by pixel.
final class SeriesReductionTests: XCTestCase {
    func testAccumulatingReducersEqualThePerPixelDefinition() {
        let k = 23, stride = 2600, pixels = 100..<2600   // more than two accumulator blocks, not starting at 0
        let days = (0..<k).map { Int32(1 + $0 * 16) }
        var rng = SystemRandomNumberGenerator()
        var values = [Float](repeating: .nan, count: k * stride)
        for p in 0..<stride {
            // Per pixel a share of gaps from none to all; ties and signed zeros for max and min.
            let gaps = Double(p % 11) / 10
            for i in 0..<k where Double.random(in: 0..<1, using: &rng) >= gaps {
                values[i * stride + p] = p % 7 == 0 ? [0, -0.0, 0.25][Int.random(in: 0..<3, using: &rng)] : Float.random(in: -0.2...0.9, using: &rng)
            }
        }
        let rule = CompletenessRule(minimumObservations: 3, minimumCoverage: 0.6, stepDays: 16)
        for reducer in [SeriesReducer.mean, .sum, .count, .max, .min] {
            XCTAssertTrue(reducer.accumulates)
            var out = [Float](repeating: 7, count: stride), counts = out
            let met = values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    counts.withUnsafeMutableBufferPointer { c in
                        SeriesReduction(reducer: reducer, rule: rule).run(values: v, stride: stride, days: days, periodDays: 365,
                                                                          pixels: pixels, output: o, counts: c)
                    }
                }
            }
            var expectedMet = 0
            for p in pixels {
                var series: [Float] = [], when: [Int32] = []
                for i in 0..<k where !values[i * stride + p].isNaN { series.append(values[i * stride + p]); when.append(days[i]) }
                XCTAssertEqual(counts[p], Float(series.count), "\(reducer) pixel \(p)")
                var want = Float.nan
                if !series.isEmpty, rule.isMet(count: series.count, first: Int(when[0]), last: Int(when.last!), periodDays: 365) {
                    let n = series.count
                    want = series.withUnsafeMutableBufferPointer { s in when.withUnsafeBufferPointer { reducer.reduce(s, days: $0, count: n) } }
                }
                if !want.isNaN { expectedMet += 1 }
                XCTAssertTrue(out[p].bitPattern == want.bitPattern || (out[p].isNaN && want.isNaN), "\(reducer) pixel \(p): \(out[p]) != \(want)")
            }
            XCTAssertEqual(met, expectedMet, "\(reducer)")
            XCTAssertGreaterThan(met, 0); XCTAssertLessThan(met, pixels.count)
            XCTAssertTrue(out[0..<100].allSatisfy { $0 == 7 }, "pixels outside the range are left alone")
        }
        XCTAssertFalse(SeriesReducer.median.accumulates)
        XCTAssertFalse(SeriesReducer.integral.accumulates)
    }
}
