import KubuqiIndicators
import KubuqiRaster
import XCTest

/// Theil-Sen and Mann-Kendall against series worked by hand.
final class TrendStatisticsTests: XCTestCase {
    func testNormalDistributionKnownValues() {
        XCTAssertEqual(NormalDistribution.cdf(0), 0.5, accuracy: 1e-15)
        XCTAssertEqual(NormalDistribution.cdf(1.96), 0.9750021048517795, accuracy: 1e-12)
        XCTAssertEqual(NormalDistribution.cdf(-1.645), 0.04998490553912138, accuracy: 1e-12)
        XCTAssertEqual(NormalDistribution.twoSidedPValue(1.96), 0.04999579029644097, accuracy: 1e-12)
        XCTAssertEqual(NormalDistribution.twoSidedPValue(-2.576), 0.009995, accuracy: 1e-6)
        // Far tail: erfc keeps relative precision where 1 - erf would give 0.
        XCTAssertEqual(NormalDistribution.twoSidedPValue(10) / 1.523970604832105e-23, 1, accuracy: 1e-9)
    }

    /// 1, 2, 3, 4, 5 over five consecutive years.
    ///
    /// - Theil-Sen: every pairwise slope is (j - i)/(j - i) = 1, so the median is 1.
    /// - S: all 10 pairs increase, S = +10.
    /// - Var(S) = n(n-1)(2n+5)/18 = 5 * 4 * 15 / 18 = 300/18 = 16.666...
    /// - Z = (S - 1)/sqrt(Var) = 9 / 4.0824829 = 2.2045408
    /// - p = 2(1 - Phi(2.2045408)) = 0.0274863
    func testStrictlyIncreasingSeries() {
        let years = [2001.0, 2002, 2003, 2004, 2005]
        XCTAssertEqual(TheilSen.slope(years: years, values: [1, 2, 3, 4, 5]), 1)
        let mk = MannKendall.test([1, 2, 3, 4, 5])
        XCTAssertEqual(mk.count, 5)
        XCTAssertEqual(mk.s, 10)
        XCTAssertEqual(mk.variance, 300.0 / 18, accuracy: 1e-12)
        XCTAssertEqual(mk.z, 9 / (300.0 / 18).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(mk.z, 2.2045408, accuracy: 1e-6)
        XCTAssertEqual(mk.pValue, 0.0274863, accuracy: 1e-6)
    }

    /// 5, 4, 3, 2, 1: the mirror image, S = -10, Z = (S + 1)/sqrt(Var) = -2.2045408, slope -1.
    func testStrictlyDecreasingSeries() {
        XCTAssertEqual(TheilSen.slope(years: [0, 1, 2, 3, 4], values: [5, 4, 3, 2, 1]), -1)
        let mk = MannKendall.test([5, 4, 3, 2, 1])
        XCTAssertEqual(mk.s, -10)
        XCTAssertEqual(mk.z, -2.2045408, accuracy: 1e-6)
        XCTAssertEqual(mk.pValue, 0.0274863, accuracy: 1e-6)
    }

    /// 1, 2, 2, 3 over years 0...3 (one tie group of 2).
    ///
    /// - Pairwise slopes (i, j): (0,1) 1, (0,2) 1/2, (0,3) 2/3, (1,2) 0, (1,3) 1/2, (2,3) 1;
    ///   sorted 0, 1/2, 1/2, 2/3, 1, 1; median (1/2 + 2/3)/2 = 7/12.
    /// - S: five increasing pairs, one tie: S = 5.
    /// - Var = [4*3*13 - 2*1*9]/18 = (156 - 18)/18 = 138/18 = 7.6667.
    /// - Z = (5 - 1)/sqrt(7.6667) = 1.4446302.
    func testTies() {
        XCTAssertEqual(TheilSen.slope(years: [0, 1, 2, 3], values: [1, 2, 2, 3]), 7.0 / 12, accuracy: 1e-15)
        let mk = MannKendall.test([1, 2, 2, 3])
        XCTAssertEqual(mk.s, 5)
        XCTAssertEqual(mk.variance, 138.0 / 18, accuracy: 1e-12)
        XCTAssertEqual(mk.z, 4 / (138.0 / 18).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(mk.z, 1.4446302, accuracy: 1e-6)
    }

    /// 3, 3, 3, 1, 1 (groups of 3 and 2):
    /// S: pairs (3,3) x3 = 0, (3,1) x6 = -6, (1,1) = 0, so S = -6.
    /// Var = [5*4*15 - 3*2*11 - 2*1*9]/18 = (300 - 66 - 18)/18 = 216/18 = 12.
    /// Z = (-6 + 1)/sqrt(12) = -1.4433757.
    /// Theil-Sen over years 0...4, pairs (i, j): (0,1) 0, (0,2) 0, (0,3) -2/3, (0,4) -2/4,
    /// (1,2) 0, (1,3) -2/2, (1,4) -2/3, (2,3) -2, (2,4) -1, (3,4) 0 -> sorted
    /// -2, -1, -1, -2/3, -2/3, -1/2, 0, 0, 0, 0: median (-2/3 - 1/2)/2 = -7/12.
    func testTwoTieGroups() {
        let mk = MannKendall.test([3, 3, 3, 1, 1])
        XCTAssertEqual(mk.s, -6)
        XCTAssertEqual(mk.variance, 12, accuracy: 1e-12)
        XCTAssertEqual(mk.z, -5 / 12.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(TheilSen.slope(years: [0, 1, 2, 3, 4], values: [3, 3, 3, 1, 1]), -7.0 / 12, accuracy: 1e-15)
    }

    /// All equal: S = 0, Var = [n(n-1)(2n+5) - the same]/18 = 0, Z = 0, p = 1, slope 0.
    func testConstantSeries() {
        let mk = MannKendall.test([2, 2, 2, 2])
        XCTAssertEqual(mk.s, 0)
        XCTAssertEqual(mk.variance, 0)
        XCTAssertEqual(mk.z, 0)
        XCTAssertEqual(mk.pValue, 1)
        XCTAssertEqual(TheilSen.slope(years: [0, 1, 2, 3], values: [2, 2, 2, 2]), 0)
    }

    /// Years 2000...2003 with 2001 missing: 1, NaN, 3, 4.
    /// Valid pairs (2000,1), (2002,3), (2003,4): slopes 2/2, 3/3, 1/1 = 1, so the slope is 1
    /// (with 2001 wrongly kept as a year of value 0 it would differ).
    /// S = 3, Var = 3*2*11/18 = 66/18, Z = 2/sqrt(66/18) = 1.0444659.
    func testMissingYearsAreDropped() {
        XCTAssertEqual(TheilSen.slope(years: [2000, 2001, 2002, 2003], values: [1, .nan, 3, 4]), 1)
        let mk = MannKendall.test([1, .nan, 3, 4])
        XCTAssertEqual(mk.count, 3)
        XCTAssertEqual(mk.s, 3)
        XCTAssertEqual(mk.variance, 66.0 / 18, accuracy: 1e-12)
        XCTAssertEqual(mk.z, 1.0444659, accuracy: 1e-6)
        // Uneven spacing matters to Theil-Sen: 1 at 2000 and 3 at 2003 is 2/3 per year.
        XCTAssertEqual(TheilSen.slope(years: [2000, 2003], values: [1, 3]), 2.0 / 3, accuracy: 1e-15)
    }

    /// An outlier moves OLS but not Theil-Sen: 1, 2, 3, 4, 100 still has median slope 1.
    /// Pairwise slopes: 1,1,1,99/4 | 1,1,98/3 | 1,97/2 | 96: sorted 1 x6, 24.75, 32.67, 48.5, 96; median 1.
    func testOutlierResistance() {
        XCTAssertEqual(TheilSen.slope(years: [0, 1, 2, 3, 4], values: [1, 2, 3, 4, 100]), 1)
    }

    func testBatchMatchesSingleSeriesAndHandlesNodata() {
        // 3 years x 4 pixels, layer-major.
        let years = [2000.0, 2001, 2002, 2003]
        let stack: [Float] = [
            1, 5, 7, -9999,   // 2000
            2, 4, .nan, 1,    // 2001
            3, 3, 7, -9999,   // 2002
            4, 2, 7, 2,       // 2003
        ]
        let kernel = TrendBatch(years: years, minimumYears: 3)
        let out = withOutputs(4, pixels: 4, fill: Float(0)) { b in
            stack.withUnsafeBufferPointer { st in
                kernel.run(stack: st, pixelCount: 4, pixels: 0..<4, nodata: -9999,
                           slope: b[0], z: b[1], pValue: b[2], s: b[3])
            }
        }
        let (slope, z, p, s) = (out[0], out[1], out[2], out[3])
        XCTAssertEqual(slope[0], 1)
        XCTAssertEqual(slope[1], -1)
        XCTAssertEqual(s[0], 6)
        XCTAssertEqual(s[1], -6)
        // Pixel 2: 7, NaN, 7, 7 -> three equal values: slope 0, S 0, Z 0.
        XCTAssertEqual(slope[2], 0)
        XCTAssertEqual(z[2], 0)
        XCTAssertEqual(p[2], 1)
        // Pixel 3: two valid years only (< minimumYears): NaN everywhere.
        XCTAssertTrue(slope[3].isNaN && z[3].isNaN && p[3].isNaN && s[3].isNaN)
        let mk = MannKendall.test([1, 2, 3, 4])
        XCTAssertEqual(Double(z[0]), mk.z, accuracy: 1e-6)
        XCTAssertEqual(Double(p[0]), mk.pValue, accuracy: 1e-6)
    }

    func testConcurrentRunEqualsSerialRun() {
        var rng = TestRandom(seed: 11)
        let years = (2001...2020).map(Double.init)
        let pixels = 3000
        var stack = [Float](repeating: 0, count: years.count * pixels)
        for p in 0..<pixels {
            let trend = Float(rng.unit() - 0.5) * 0.02
            for l in 0..<years.count {
                let v = 0.3 + trend * Float(l) + Float(rng.unit() - 0.5) * 0.05
                stack[l * pixels + p] = rng.unit() < 0.1 ? .nan : (v * 100).rounded() / 100
            }
        }
        let kernel = TrendBatch(years: years)
        var serial = [Float](repeating: 0, count: pixels), serialZ = serial
        var parallel = serial, parallelZ = serial
        stack.withUnsafeBufferPointer { st in
            serial.withUnsafeMutableBufferPointer { a in
                serialZ.withUnsafeMutableBufferPointer { b in
                    kernel.run(stack: st, pixelCount: pixels, pixels: 0..<pixels, slope: a, z: b)
                }
            }
            parallel.withUnsafeMutableBufferPointer { a in
                parallelZ.withUnsafeMutableBufferPointer { b in
                    kernel.runConcurrently(stack: st, pixelCount: pixels, chunks: 7, slope: a, z: b)
                }
            }
        }
        XCTAssertEqual(serial.map(\.bitPattern), parallel.map(\.bitPattern))
        XCTAssertEqual(serialZ.map(\.bitPattern), parallelZ.map(\.bitPattern))
        // Spot check against the array forms.
        for p in [0, 17, 2999] {
            let series = (0..<years.count).map { Double(stack[$0 * pixels + p]) }
            XCTAssertEqual(Double(serial[p]), TheilSen.slope(years: years, values: series), accuracy: 1e-6)
            XCTAssertEqual(Double(serialZ[p]), MannKendall.test(series).z, accuracy: 1e-5)
        }
    }
}

/// The tests' deterministic generator.
typealias TestRandom = SplitMix64

/// Runs `body` with `count` fresh output buffers of `pixels` elements each
/// and returns their contents.
func withOutputs<T>(_ count: Int, pixels: Int, fill: T, _ body: ([UnsafeMutableBufferPointer<T>]) -> Void) -> [[T]] {
    let buffers = (0..<count).map { _ in UnsafeMutableBufferPointer<T>.allocate(capacity: pixels) }
    defer { buffers.forEach { $0.deallocate() } }
    for b in buffers { b.initialize(repeating: fill) }
    body(buffers)
    return buffers.map { Array($0) }
}
