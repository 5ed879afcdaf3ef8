import KubuqiIndicators
import KubuqiRaster
import XCTest

/// Sample size, allocation and the draw, against hand-worked figures and simple properties.
final class SampleDesignTests: XCTestCase {
    /// Olofsson et al. 2014, section 5.1.2: W = 0.020, 0.015, 0.320, 0.645, expected user's
    /// accuracies 0.70, 0.60, 0.90, 0.95, target S(O) = 0.01. By hand: S_i = 0.4583, 0.4899,
    /// 0.3000, 0.2179; sum W_i S_i = 0.009165 + 0.007348 + 0.096 + 0.140580 = 0.253094;
    /// n = 0.253094^2 / 0.01^2 = 640.6 -> 641 (the finite-population term changes nothing at
    /// N = 10^7: sum W_i S_i^2 / N = 6.5e-9).
    func testCochranOverallAccuracy() {
        let n = SampleSize.forOverallAccuracy(weights: [0.02, 0.015, 0.32, 0.645], expectedUsersAccuracy: [0.7, 0.6, 0.9, 0.95],
                                              targetSE: 0.01, population: 10_000_000)
        XCTAssertEqual(n, 641)
        // Two equal strata, U = 0.5 each, SE 0.05, N = 100: S_i = 0.5, (0.5)^2 / (0.0025 + 0.25/100) = 50.
        XCTAssertEqual(SampleSize.forOverallAccuracy(weights: [0.5, 0.5], expectedUsersAccuracy: [0.5, 0.5], targetSE: 0.05, population: 100), 50)
    }

    /// Cochran 1977 eq. 4.2: p = 0.1, SE = 0.01 -> n0 = 900; with N = 10,000: 900 / (1 + 899/10000) = 825.8 -> 826.
    func testCochranClassProportion() {
        XCTAssertEqual(SampleSize.forClassProportion(0.1, targetSE: 0.01, population: 10_000), 826)
        XCTAssertEqual(SampleSize.forClassProportion(0.1, targetSE: 0.01, population: 1_000_000_000), 900)
    }

    func testAllocations() {
        let w = [0.02, 0.015, 0.32, 0.645], big = [200_000, 150_000, 3_200_000, 6_450_000]
        // Proportional, 641: 12.82, 9.615, 205.12, 413.445 -> 12, 9, 205, 413 (+2 by remainders: 0.82, 0.615) = 13, 10, 205, 413.
        XCTAssertEqual(SampleAllocation.proportional.allocate(total: 641, weights: w, available: big), [13, 10, 205, 413])
        // Equal: 160 each, one left over to the first.
        XCTAssertEqual(SampleAllocation.equal.allocate(total: 641, weights: w, available: big), [161, 160, 160, 160])
        // Compromise, minimum 75: 75 + 75, the 491 left in proportion 0.32 : 0.645 -> 162.83, 328.17 -> 163, 328.
        XCTAssertEqual(SampleAllocation.compromise(minimum: 75).allocate(total: 641, weights: w, available: big), [75, 75, 163, 328])
        // A stratum smaller than its share gives everything it has; the rest goes to the others.
        XCTAssertEqual(SampleAllocation.equal.allocate(total: 30, weights: [0.5, 0.5, 0], available: [4, 100, 0]), [4, 26, 0])
        XCTAssertEqual(SampleAllocation.compromise(minimum: 50).allocate(total: 200, weights: [0.01, 0.99], available: [20, 5000]), [20, 180])
        XCTAssertEqual(SampleAllocation.proportional.allocate(total: 10, weights: [0.5, 0.5], available: [3, 3]), [3, 3])
    }

    /// Every rank drawn once at most, within range, sorted; each unit equally likely (a chi-square
    /// check on 4,000 draws of 5 of 20, 99.9 % critical value of chi2(19) = 43.8).
    func testDrawIsUniformAndDistinct() {
        var hits = [Int](repeating: 0, count: 20)
        for seed in 0..<4000 {
            let d = StratumDraw(sizes: [5, 0, 3], available: [20, 7, 3], seed: UInt64(seed))
            XCTAssertEqual(d.ranks[0].count, 5)
            XCTAssertEqual(Set(d.ranks[0]).count, 5)
            XCTAssertEqual(d.ranks[0], d.ranks[0].sorted())
            XCTAssertTrue(d.ranks[0].allSatisfy { (0..<20).contains($0) })
            XCTAssertEqual(d.ranks[1], [])
            XCTAssertEqual(d.ranks[2], [0, 1, 2])
            for r in d.ranks[0] { hits[r] += 1 }
        }
        let expected = 4000.0 * 5 / 20
        let chi2 = hits.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        XCTAssertLessThan(chi2, 43.8)
        XCTAssertEqual(StratumDraw(sizes: [3], available: [1000], seed: 7).ranks, StratumDraw(sizes: [3], available: [1000], seed: 7).ranks)
    }
}
