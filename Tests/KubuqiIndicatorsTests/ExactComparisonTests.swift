import KubuqiIndicators
import XCTest

/// The comparisons of the rules at their exact edges, both sides of each, with
/// the expected values worked by hand from the rule (docs/ldn-method.md,
/// "Exact comparisons"): integer stacks with a decimal scale, where Float
/// arithmetic used to put the edge on the wrong side.
final class ExactComparisonTests: XCTestCase {
    let scale = Rational(decimalString: "0.0001")!

    func testRationalFromDecimals() {
        XCTAssertEqual(Rational(decimal: 0.0001), Rational(1, 10_000))
        XCTAssertEqual(Rational(decimal: 0.002), Rational(1, 500))
        XCTAssertEqual(Rational(decimal: 1e-5), Rational(1, 100_000))
        XCTAssertEqual(Rational(decimal: -12.5), Rational(-25, 2))
        XCTAssertEqual(Rational(decimal: 0.71).map { Rational(1) / $0 }, Rational(100, 71))
        XCTAssertNil(Rational(decimal: .nan))
    }

    /// Issue 13 reproducer 2: 11 years of 3000 + 20 k (scale 1e-4), minimum slope 0.002.
    /// Every pair increases: S = 55, Var(S) = 11 x 10 x 27 / 18 = 165, Z = 54 / sqrt(165) = 4.20
    /// (99 %). The Theil-Sen slope is 20 x 1e-4 = 0.002 = the minimum: no trend (class 0).
    /// 3000 + 21 k: 0.0021 > 0.002: class 3. 3000 - 20 k: -0.002: class 0; 3000 - 21 k: class -3.
    func testSlopeExactlyTheMinimumIsNoTrend() {
        let classifier = TrajectoryClass(minimumAbsoluteSlope: 0.002)
        let years = Array(2001...2011)
        func classOf(step: Int) -> Int16 {
            let values = (0..<11).map { 3000 + step * $0 }
            let z = Float(MannKendall.test(values.map(Double.init)).z)
            XCTAssertEqual(Double(z), (54 / 165.0.squareRoot()) * (step < 0 ? -1 : 1), accuracy: 1e-5)
            let slope = TheilSen.exactSlope(x: years, y: values)!
            XCTAssertEqual(slope, Rational(step))
            return classifier.classify(exactSlope: slope, z: z, scale: scale)
        }
        XCTAssertEqual(classOf(step: 20), 0)
        XCTAssertEqual(classOf(step: 21), 3)
        XCTAssertEqual(classOf(step: -20), 0)
        XCTAssertEqual(classOf(step: -21), -3)
        // Even number of pairwise slopes: the mean of the two middle ones (1, 2, 4 over 0..2: slopes 1, 1.5, 3 -> 1.5;
        // y = 0, 1, 4, 4 over 0..3: slopes 1, 2, 4/3, 3, 3/2, 0 -> sorted 0, 1, 4/3, 3/2, 2, 3 -> (4/3 + 3/2) / 2 = 17/12).
        XCTAssertEqual(TheilSen.exactSlope(x: [0, 1, 2], y: [1, 2, 4]), Rational(3, 2))
        XCTAssertEqual(TheilSen.exactSlope(x: [0, 1, 2, 3], y: [0, 1, 4, 4]), Rational(17, 12))
    }

    /// Issue 13 reproducer 3a: 3000 x 8 baseline years, 3100 x 3 recent (scale 1e-4). The extended
    /// baseline is all 3000, so the recent mean is class 10 and the baseline mean class 1, but the
    /// means differ by exactly 0.0100 <= 0.01 (Trends.Earth abs().lte(100)): change 0, stable.
    /// 3101 x 3: 0.0101 > 0.01: change 9, improved.
    func testMeanDifferenceOfExactlyTheMinimumIsNoChange() {
        let state = ProductivityState(minimumMeanDifference: 0.01)
        let baseline = Array(repeating: 3000, count: 8)
        let atEdge = state.evaluateExact(baseline: baseline, recent: [3100, 3100, 3100], scale: scale)
        XCTAssertEqual(atEdge.metric, 0)
        XCTAssertEqual(atEdge.status, 0)
        let beyond = state.evaluateExact(baseline: baseline, recent: [3101, 3101, 3101], scale: scale)
        XCTAssertEqual(beyond.metric, 9)
        XCTAssertEqual(beyond.status, 1)
    }

    /// Issue 13 reproducer 3b: baseline 6126, 6296, 6347, 5986, (missing), 6335, 6434, extended by
    /// 5986 - 22.4 and 6434 + 22.4: sorted 5963.6, 5986, 6126, 6296, 6335, 6347, 6434, 6456.4 (m = 8,
    /// h = 7k/10). P20 = 5986 + 0.4 x 140 = 6042, P30 = 6126 + 0.1 x 170 = 6143, P40 = 6126 + 0.8 x 170
    /// = 6262. Baseline mean 37524 / 6 = 6254: class 4. Recent 6056, 6028: mean 6042 = P20, x <= P20 is
    /// class 2 (Trends.Earth lte(p10) / gt(p20)): change -2, degraded. Recent 6057, 6029 (6043 > P20):
    /// class 3, change -1, stable.
    func testRecentMeanExactlyOnADecileEdge() {
        let state = ProductivityState(minimumMeanDifference: 0.01)
        let baseline = [6126, 6296, 6347, 5986, 6335, 6434]
        let onEdge = state.evaluateExact(baseline: baseline, recent: [6056, 6028], scale: scale)
        XCTAssertEqual(onEdge.metric, -2)
        XCTAssertEqual(onEdge.status, -1)
        let above = state.evaluateExact(baseline: baseline, recent: [6057, 6029], scale: scale)
        XCTAssertEqual(above.metric, -1)
        XCTAssertEqual(above.status, 0)
        // The class change thresholds themselves: -2 degraded, -1 stable (above), +2 improved: a baseline
        // mean of class 4 against a recent mean of class 6 (P50 = 6296 + 0.5 x 39 = 6315.5 < x <= P60 =
        // 6335 + 0.2 x 12 = 6337.4), without the minimum mean difference (83 x 1e-4 < 0.01).
        let plain = ProductivityState()
        let improved = plain.evaluateExact(baseline: baseline, recent: [6337], scale: scale)
        XCTAssertEqual(improved.metric, 2)
        XCTAssertEqual(improved.status, 1)
        let notImproved = plain.evaluateExact(baseline: baseline, recent: [6315], scale: scale)
        XCTAssertEqual(notImproved.metric, 1)
        XCTAssertEqual(notImproved.status, 0)
    }

    /// Issue 13 reproducer 4: grassland (130 -> class 2) to cropland (class 3), temperate dry (F = 0.8),
    /// maps 10 years apart: change = 100 x 10/20 x (0.8 - 1) = -10 % exactly: degraded for every stock.
    /// 9 years: -9 %, stable; 11 years: -11 %, degraded. Cropland to grassland (F = 1/0.8 = 1.25),
    /// 8 years: +10 % exactly, improved; 7 years: +8.75 %, stable.
    func testSOCChangeOfExactlyTenPercent() {
        let soc = SoilOrganicCarbon.trendsEarth
        func statuses(from: Int16, to: Int16, years: Double) -> Set<Int16> {
            let stocks = (1...299).map(Float.init)
            let n = stocks.count
            let initial = [Int16](repeating: from, count: n), final = [Int16](repeating: to, count: n)
            var status = [Int16](repeating: 9, count: n)
            stocks.withUnsafeBufferPointer { s in
                initial.withUnsafeBufferPointer { i in
                    final.withUnsafeBufferPointer { f in
                        status.withUnsafeMutableBufferPointer {
                            soc.run(initialStock: s, initialLandCover: i, finalLandCover: f, years: years, climate: .temperateDry, status: $0)
                        }
                    }
                }
            }
            return Set(status)
        }
        XCTAssertEqual(statuses(from: 2, to: 3, years: 10), [-1])
        XCTAssertEqual(statuses(from: 2, to: 3, years: 9), [0])
        XCTAssertEqual(statuses(from: 2, to: 3, years: 11), [-1])
        XCTAssertEqual(statuses(from: 3, to: 2, years: 8), [1])
        XCTAssertEqual(statuses(from: 3, to: 2, years: 7), [0])
    }
}
