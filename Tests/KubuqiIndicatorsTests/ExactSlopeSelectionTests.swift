import XCTest
@testable import KubuqiIndicators

/// `TheilSen.exactSlope` selects the middle slopes instead of sorting them all: the same median as a
/// full sort of the pairwise slopes, over random series with many ties, odd and even pair counts.
final class ExactSlopeSelectionTests: XCTestCase {
    func testSelectionEqualsSortedMedian() {
        var state: UInt64 = 12345
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for trial in 0..<400 {
            let n = 2 + trial % 17
            let x = (0..<n).map { 2000 + $0 }
            let y = (0..<n).map { _ in next() % (trial % 3 == 0 ? 4 : 5000) - 2000 }
            var slopes: [Rational] = []
            for i in 0..<n { for j in (i + 1)..<n { slopes.append(Rational(Int128(y[j] - y[i]), Int128(x[j] - x[i]))) } }
            slopes.sort()
            let m = slopes.count
            let expected = m % 2 == 1 ? slopes[m / 2] : (slopes[m / 2 - 1] + slopes[m / 2]) / Rational(2)
            XCTAssertEqual(TheilSen.exactSlope(x: x, y: y), expected, "trial \(trial), n \(n)")
        }
    }

    func testSelectOrdersAroundK() {
        var v = [5, 1, 4, 1, 5, 9, 2, 6, 5, 3].map { Rational(Int128($0), 1) }
        for k in 0..<v.count {
            var w = v
            let s = TheilSen.select(&w, k)
            XCTAssertEqual(s, v.sorted()[k])
            XCTAssertTrue(w[..<k].allSatisfy { $0 <= s } && w[(k + 1)...].allSatisfy { s <= $0 })
        }
        v.removeAll()
    }
}
