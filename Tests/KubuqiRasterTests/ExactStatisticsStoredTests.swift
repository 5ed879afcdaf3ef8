import KubuqiRaster
import XCTest

/// `ExactStatistics.add(stored:scale:offset:counts:)`: stored integer codes counted per code and each code converted
/// once give the hand-worked figures and the same accumulator, to the bit, as the converted values added one by one.
final class ExactStatisticsStoredTests: XCTestCase {
    func withCounts(_ body: (UnsafeMutableBufferPointer<Int32>) -> Void) {
        let counts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: ExactStatistics.storedCodes.count)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        body(counts)
        XCTAssertTrue(counts.allSatisfy { $0 == 0 }, "the counts are left zero")
    }

    func testHandWorkedCodes() {
        // Codes 1, 2, 2, NaN, 3, -inf at x 0.5 + 0: values 0.5, 1, 1, 1.5; Σ = 4, Σx² = 0.25 + 1 + 1 + 2.25 = 4.5.
        let stored: [Float] = [1, 2, 2, .nan, 3, -.infinity]
        var s = ExactStatistics()
        withCounts { c in stored.withUnsafeBufferPointer { s.add(stored: $0, scale: 0.5, offset: 0, counts: c) } }
        XCTAssertEqual(s.count, 4)
        XCTAssertEqual(s.nodataCount, 2)
        XCTAssertEqual(s.sum, 4)
        XCTAssertEqual(s.sumOfSquares, 4.5)
        XCTAssertEqual(s.minimum, 0.5)
        XCTAssertEqual(s.maximum, 1.5)
        // Codes -3 and 65,535 at x -2 + 1: values 7 and -131,069; Σ = -131,062, Σx² = 49 + 131,069².
        var t = ExactStatistics()
        withCounts { c in [Float(-3), 65_535].withUnsafeBufferPointer { t.add(stored: $0, scale: -2, offset: 1, counts: c) } }
        XCTAssertEqual(t.sum, -131_062)
        XCTAssertEqual(t.sumOfSquares, 49 + 131_069 * 131_069)
        XCTAssertEqual(t.minimum, -131_069)
        XCTAssertEqual(t.maximum, 7)
    }

    /// The converted values, one by one (the path without counts).
    func converted(_ stored: [Float], _ a: Float, _ b: Float, into s: inout ExactStatistics) {
        for x in stored { s.add(x * a + b) }
    }

    func testSameAccumulatorAsTheConvertedValues() {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let scalings: [(Float, Float)] = [(0.0001, 0), (1, 0), (-0.5, 3), (0.0001, -0.2), (3e38, 0)]   // the last overflows
        for (n, (a, b)) in zip([5_000, 1_000, 777, 20_001, 3_000], scalings) {
            // NDVI-like codes, the Int16 and UInt16 extremes, zero, NaN.
            var stored: [Float] = (0..<n).map { _ in Float(Int(next() % 14_001) - 3_000) }
            stored += [-32_768, 32_767, 65_535, 0, .nan, .nan, 0, 10_000]
            // A previous add in the same accumulator (its extremes and buckets carried on).
            var s = ExactStatistics(), r = ExactStatistics()
            s.add(0.125); r.add(0.125)
            withCounts { c in stored.withUnsafeBufferPointer { s.add(stored: $0, scale: a, offset: b, counts: c) } }
            converted(stored, a, b, into: &r)
            XCTAssertEqual(s, r, "scale \(a) offset \(b)")
            XCTAssertEqual(s.minimum.bitPattern, r.minimum.bitPattern)
            XCTAssertEqual(s.maximum.bitPattern, r.maximum.bitPattern)
        }
    }

    func testValuesThatAreNotCodesTakeTheConvertedPath() {
        // A fraction, -0 and a value beyond UInt16 after codes already counted: the same accumulator, counts left zero.
        for odd: Float in [0.5, -0.0, 70_000, -40_000] {
            let stored: [Float] = Array(repeating: 7, count: 2_000) + [odd, 3, .nan, 1]
            var s = ExactStatistics(), r = ExactStatistics()
            withCounts { c in stored.withUnsafeBufferPointer { s.add(stored: $0, scale: 0.25, offset: -0.0, counts: c) } }
            converted(stored, 0.25, -0.0, into: &r)
            XCTAssertEqual(s, r, "\(odd)")
            XCTAssertEqual(s.minimum.bitPattern, r.minimum.bitPattern, "\(odd)")
        }
    }
}
