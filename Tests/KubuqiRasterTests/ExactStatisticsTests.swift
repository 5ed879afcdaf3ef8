import KubuqiRaster
import XCTest

/// `ExactStatistics.add`: the four sets of buckets that a long buffer goes through give the hand-worked count, sum,
/// sum of squares and extremes, and the same accumulator as the same values added a few at a time (each into the
/// accumulator's own buckets), whatever the remainder of the buffer modulo four.
final class ExactStatisticsTests: XCTestCase {
    /// k/4 for k = 1...n (exact in Float), each third one followed by a NaN or an infinity.
    func quarters(_ n: Int) -> [Float] {
        var v: [Float] = []
        for k in 1...n {
            v.append(Float(k) * 0.25)
            if k % 3 == 0 { v.append(k % 2 == 0 ? .nan : -.infinity) }
        }
        return v
    }

    func testLongBuffersGiveTheHandWorkedFigures() {
        for n in [4_000, 4_001, 4_002, 4_003, 20_000] {
            let values = quarters(n)
            var s = ExactStatistics()
            values.withUnsafeBufferPointer { s.add($0) }
            // Σ k/4 = n(n+1)/8, Σ (k/4)^2 = n(n+1)(2n+1)/96: both exact in Double here.
            XCTAssertEqual(s.count, n)
            XCTAssertEqual(s.nodataCount, n / 3)
            XCTAssertEqual(s.sum, Double(n * (n + 1)) / 8, "n \(n)")
            XCTAssertEqual(s.sumOfSquares, Double(n * (n + 1) * (2 * n + 1)) / 96, "n \(n)")
            XCTAssertEqual(s.minimum, 0.25)
            XCTAssertEqual(s.maximum, Float(n) * 0.25)
            // The same values 100 at a time (below the four sets' threshold): the same buckets exactly.
            var few = ExactStatistics()
            for start in stride(from: 0, to: values.count, by: 100) {
                values[start..<min(values.count, start + 100)].withUnsafeBufferPointer { few.add($0) }
            }
            XCTAssertEqual(few, s, "n \(n)")
        }
    }

    func testSignsSubnormalsAndSignedZerosInALongBuffer() {
        // 1,500 copies of (−3, 2^-149, −0, +0, 1.5): Σ = 1500·(−1.5 + 2^-149), Σx² = 1500·(11.25 + 2^-298).
        var values: [Float] = []
        for _ in 0..<1_500 { values += [-3, .leastNonzeroMagnitude, -0.0, 0, 1.5] }
        var s = ExactStatistics()
        values.withUnsafeBufferPointer { s.add($0) }
        XCTAssertEqual(s.count, 7_500)
        XCTAssertEqual(s.sum, 1_500 * -1.5 + 1_500 * 0x1p-149)
        XCTAssertEqual(s.sumOfSquares, 1_500 * 11.25)   // 1500·2^-298 is far below the last bit
        XCTAssertEqual(s.minimum, -3)
        XCTAssertEqual(s.maximum, 1.5)
        var one = ExactStatistics()
        for v in values { one.add(v) }
        XCTAssertEqual(one, s)
    }
}
