@testable import KubuqiIndicators
import KubuqiRaster
import XCTest

/// The branch-free quickselect median against the median of a sorted copy.
final class OrderStatisticsTests: XCTestCase {
    /// The reference: sort, then the middle value or the mean of the two.
    private func sortedMedian(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    private func median(_ v: [Double]) -> Double {
        var b = v
        var scratch = [Double](repeating: .nan, count: 2 * max(1, v.count))
        return b.withUnsafeMutableBufferPointer { bb in
            scratch.withUnsafeMutableBufferPointer { OrderStatistics.median(bb, count: v.count, scratch: $0) }
        }
    }

    func testHandWorked() {
        XCTAssertEqual(median([3]), 3)
        XCTAssertEqual(median([4, 1]), 2.5)
        XCTAssertEqual(median([5, 1, 3]), 3)
        XCTAssertEqual(median([7, 7, 7, 7, 1, 9, 9, 9, 9, 9, 7, 1]), 7)
        XCTAssertTrue(median([]).isNaN)
    }

    /// Every length 1...400 with values drawn from pools of 2, 7 and 10^6
    /// distinct values (ties everywhere, or almost none), and the orders
    /// that trouble simple pivots: sorted, reversed, organ pipe, all equal.
    func testRandomAndAdversarialInputs() {
        var rng = SplitMix64(seed: 99)
        for count in 1...400 {
            for pool in [2.0, 7, 1e6] {
                let v = (0..<count).map { _ in (rng.unit() * pool).rounded(.down) - pool / 3 }
                XCTAssertEqual(median(v), sortedMedian(v), "count \(count), pool \(pool)")
            }
            let ramp = (0..<count).map(Double.init)
            let organ = (0..<count).map { Double(min($0, count - 1 - $0)) }
            for v in [ramp, Array(ramp.reversed()), organ, [Double](repeating: 0.25, count: count)] {
                XCTAssertEqual(median(v), sortedMedian(v), "count \(count)")
            }
        }
    }
}
