import Foundation
import KubuqiIndicators
import KubuqiRaster
import TestSupport
import XCTest

/// The SPI against NOAA's `climate-indices` package (pinned in
/// Scripts/requirements-test.txt, run in a Python subprocess) at scales 1, 3
/// and 12, on random series with zero months and on a semi-arid seasonal
/// series with dry winters, calibrated on the whole record; tolerance 1e-3 in
/// SPI (docs/climate.md). climate-indices fits the gamma with Thom's
/// approximation, as ``GammaFit/Estimator/thom`` does.
///
/// One documented difference: climate-indices 2.0.1 divides a calendar
/// month's zero count by the number of years of the record, counting the
/// first year whose first k − 1 months have no k-month sum; kubuqi-monitor
/// divides by the sums that exist (q = m / n, McKee et al. 1993, Guttman 1999).
/// The script converts the reference's H = q' + (1 − q') G back to G and
/// applies q = m / n for those k − 1 calendar months (values climate-indices
/// clipped at ±3.09 cannot be converted back and are skipped there; the test
/// counts them).
///
/// climate-indices 2.0.1 returns NaN at every zero k-month sum
/// (monocongo/climate_indices#533). Those cells are compared with an
/// independent expectation in the script: the mixed distribution's
/// Φ⁻¹(q), q = m / n of the calendar month's defined sums over the
/// calibration (docs/climate.md; for calendar months 1..k − 1, n excludes the
/// first year, which has no sum), bounded to ±3.09, and SPI 0 where the
/// calibration holds fewer than two distinct positive sums (documented special
/// case, e.g. a month that never rains, q = 1). Every NaN of the reference must
/// be accounted for: a leading month, a zero sum, or a counted clipped value.
final class SPIReferenceTests: XCTestCase {
    static let script = #"""
import json, sys, warnings
import numpy as np
from scipy import stats
from climate_indices import indices, compute
warnings.simplefilter("ignore")
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    x = np.array(c["values"], dtype=float)
    k, y0 = c["scale"], c["start_year"]
    years = len(x) // 12
    spi = indices.spi(x.copy(), k, indices.Distribution.gamma, y0, y0, y0 + years - 1, compute.Periodicity.monthly)
    spi = np.array(spi, dtype=float)
    sums = compute.sum_to_scale(x.copy(), k).reshape(years, 12)
    s = spi.reshape(years, 12)
    skipped, skipped_at = 0, []
    for m in range(min(k - 1, 12)):
        col = sums[:, m]
        z = int((col == 0).sum())
        if z == 0:
            continue
        n = int((~np.isnan(col)).sum())
        q_ref, q = z / years, z / n
        for yr in range(years):
            if np.isnan(s[yr, m]):
                continue
            if abs(s[yr, m]) >= 3.09:
                s[yr, m] = np.nan; skipped += 1; skipped_at.append(yr * 12 + m); continue
            g = (stats.norm.cdf(s[yr, m]) - q_ref) / (1 - q_ref)
            s[yr, m] = np.clip(stats.norm.ppf(q + (1 - q) * g), -3.09, 3.09)
    # Independent of climate-indices: the k-month sums by NumPy (float64 of the Float32 inputs), and
    # at each zero sum the mixed distribution's SPI, clip(Φ⁻¹(q), ±3.09), q = m / n over the calendar
    # month's defined sums (the calibration is the whole record; calendar months 1..k - 1 have no sum
    # in the first year, so n = years - 1 there), or 0 where fewer than two distinct positive sums
    # leave no gamma fit (docs/climate.md); NaN (no fit) where n < 10.
    own = np.full(len(x), np.nan)
    for t in range(k - 1, len(x)):
        own[t] = x[t - k + 1:t + 1].sum()
    own = own.reshape(years, 12)
    zero_spi = np.full((years, 12), np.nan)
    kinds = {"all": 0, "partial": 0, "partial_head": 0}
    for m in range(12):
        col = own[:, m]
        d = col[~np.isnan(col)]
        n, z = len(d), int((d == 0).sum())
        if z == 0 or n < 10:
            continue
        if len(np.unique(d[d > 0])) < 2:
            e = 0.0
            kinds["all" if z == n else "partial"] += z
        else:
            e = float(np.clip(stats.norm.ppf(z / n), -3.09, 3.09))
            kinds["partial_head" if m < k - 1 else "partial"] += z
        zero_spi[:, m][col == 0] = e
    out.append({"spi": [None if np.isnan(v) else float(v) for v in s.flatten()], "skipped": skipped, "skipped_at": skipped_at,
                "zero_sums": int((sums == 0).sum()),
                "zero_spi": [None if np.isnan(v) else float(v) for v in zero_spi.flatten()],
                "zero_kinds": kinds})
json.dump(out, open(sys.argv[2], "w"))
"""#

    /// A random series: exponential amounts times a random monthly mean, 15 % zero months.
    static func randomSeries(years: Int, seed: UInt64) -> [Float] {
        var r = SplitMix64(seed: seed)
        let means = (0..<12).map { _ in 5 + 80 * r.unit() }
        return (0..<(years * 12)).map { t in
            r.unit() < 0.15 ? 0 : Float(-log(max(1e-12, r.unit())) * means[t % 12])
        }
    }

    /// A semi-arid monsoon series like the Ordos plateau's: rain from May to
    /// September (peak in July-August), winters mostly dry (Dec-Feb zero 60 %
    /// of the time), a few dry years.
    static func realisticSeries(years: Int, seed: UInt64) -> [Float] {
        var r = SplitMix64(seed: seed)
        let normal: [Double] = [1.5, 2.5, 7, 12, 25, 45, 90, 85, 40, 15, 4, 1.5]
        return (0..<years).flatMap { _ -> [Float] in
            let yearFactor = r.unit() < 0.15 ? 0.4 : 0.7 + 0.6 * r.unit()
            return (0..<12).map { m -> Float in
                let dry = [0, 1, 11].contains(m) ? 0.6 : [2, 10].contains(m) ? 0.3 : 0.02
                if r.unit() < dry { return 0 }
                // Gamma-like: the sum of two exponentials.
                let e = -log(max(1e-12, r.unit())) - log(max(1e-12, r.unit()))
                return Float((normal[m] * yearFactor * e / 2 * 10).rounded() / 10)
            }
        }
    }

    /// A desert series with dry seasons: November, December and January are
    /// 0 in every year, February in about half the years, October in about a
    /// third, and four whole years are dry (two of them consecutive). So the
    /// calendar months' zero shares are 1 (no gamma: SPI 0) and partial at
    /// scale 1; at scale 3 the sums ending in January are all zero, those
    /// ending in February (a calendar month without a sum in the first year)
    /// and December partly; at scale 12 the dry years give partial shares,
    /// also in January-November. Amounts in 0.1 mm, never rounded to 0.
    static func drySeasonSeries(years: Int, seed: UInt64) -> [Float] {
        var r = SplitMix64(seed: seed)
        let normal: [Double] = [0, 3, 7, 12, 25, 45, 90, 85, 40, 15, 0, 0]
        let dryYears: Set<Int> = [5, 6, 17, 29]
        return (0..<years).flatMap { y -> [Float] in
            (0..<12).map { m -> Float in
                if dryYears.contains(y) || [10, 11, 0].contains(m) { return 0 }
                if m == 1 && r.unit() < 0.5 { return 0 }
                if m == 9 && r.unit() < 0.3 { return 0 }
                let e = -log(max(1e-12, r.unit())) - log(max(1e-12, r.unit()))
                return Float(max(1, (normal[m] * e / 2 * 10).rounded()) / 10)
            }
        }
    }

    func testSPIEqualsClimateIndices() throws {
        guard let python = PythonReference.interpreter(needing: "climate_indices, scipy") else { return }
        var cases: [(values: [Float], scale: Int)] = []
        for scale in [1, 3, 12] {
            cases.append((Self.randomSeries(years: 40, seed: 11 + UInt64(scale)), scale))
            cases.append((Self.realisticSeries(years: 35, seed: 101 + UInt64(scale)), scale))
            cases.append((Self.drySeasonSeries(years: 35, seed: 201), scale))
            // A pixel where it never rains: every share is 1 at every scale.
            cases.append(([Float](repeating: 0, count: 35 * 12), scale))
        }
        let input = cases.map { ["values": $0.values.map(Double.init), "scale": $0.scale, "start_year": 1981] as [String: Any] }
        let out = try XCTUnwrap(PythonReference.run(python, script: Self.script, input: input) as? [[String: Any]])
        var worst = 0.0, compared = 0, skipped = 0, zeroSums = 0
        var worstZero = 0.0, zeroCompared = 0, referenceNaN = 0, leading = 0, nanAtZero = 0
        var kinds: [Int: [String: Int]] = [:]  // scale -> zero-share kind -> zero sums
        for (c, ref) in zip(cases, out) {
            let months = c.values.count
            let spi = Self.spi(c.values, scale: c.scale, calibration: 0..<months)
            let expected = try XCTUnwrap(ref["spi"] as? [Any])
            let zeroSPI = try XCTUnwrap(ref["zero_spi"] as? [Any])
            let skippedAt = Set(try XCTUnwrap(ref["skipped_at"] as? [Int]))
            skipped += ref["skipped"] as! Int
            zeroSums += ref["zero_sums"] as! Int
            for (kind, count) in try XCTUnwrap(ref["zero_kinds"] as? [String: Int]) { kinds[c.scale, default: [:]][kind, default: 0] += count }
            for t in 0..<months {
                // At a zero sum: the mixed distribution's SPI (computed independently in the script).
                if let z = zeroSPI[t] as? Double {
                    let d = abs(Double(spi[t]) - z)
                    worstZero = spi[t].isNaN ? .infinity : max(worstZero, d)
                    zeroCompared += 1
                    XCTAssertLessThan(d, 1e-3, "scale \(c.scale), month \(t), zero sum: \(spi[t]) vs Φ⁻¹(q) \(z)")
                }
                guard let e = expected[t] as? Double else {
                    // Undefined in the reference: each such cell must be accounted for.
                    referenceNaN += 1
                    if t < c.scale - 1 {
                        leading += 1
                        XCTAssertTrue(spi[t].isNaN, "month \(t) scale \(c.scale): \(spi[t])")
                    } else if zeroSPI[t] is Double {
                        nanAtZero += 1  // climate-indices#533, compared above
                    } else if !skippedAt.contains(t) {
                        XCTFail("scale \(c.scale), month \(t): NaN in climate-indices, not a leading month, a zero sum or a counted clipped value; drought \(spi[t])")
                    }
                    continue
                }
                let d = abs(Double(spi[t]) - e)
                worst = max(worst, d)
                compared += 1
                XCTAssertLessThan(d, 1e-3, "scale \(c.scale), month \(t): \(spi[t]) vs climate-indices \(e)")
            }
        }
        XCTAssertGreaterThan(zeroSums, 100, "the series must exercise the zero-precipitation probability")
        XCTAssertLessThan(skipped, 3)
        XCTAssertEqual(referenceNaN, leading + nanAtZero + skipped, "every NaN of climate-indices is accounted for")
        // Both shares occur at every scale; at scales 3 and 12 also partial shares in calendar
        // months 1..k - 1, where drought's n (the defined sums) differs from climate-indices' (the years).
        for scale in [1, 3, 12] {
            let k = kinds[scale] ?? [:]
            XCTAssertGreaterThan(k["all"] ?? 0, 0, "scale \(scale): no calendar month with only zero sums")
            XCTAssertGreaterThan(k["partial"] ?? 0, 0, "scale \(scale): no partial zero share")
            if scale > 1 { XCTAssertGreaterThan(k["partial_head"] ?? 0, 0, "scale \(scale): no partial zero share in months 1..\(scale - 1)") }
        }
        print("SPI vs climate-indices: \(compared) values, largest difference \(worst), \(zeroSums) zero sums, \(skipped) clipped values skipped")
        print("SPI at zero sums vs Φ⁻¹(q): \(zeroCompared) values, largest difference \(worstZero); reference NaN \(referenceNaN) = \(leading) leading + \(nanAtZero) zero sums + \(skipped) clipped; zero sums by share \(kinds.sorted { $0.key < $1.key })")
    }

    /// The SPI of one series (one pixel).
    static func spi(_ values: [Float], scale: Int, calibration: Range<Int>, estimator: GammaFit.Estimator = .thom) -> [Float] {
        let calc = SPICalculator(scale: scale, months: values.count, firstMonth: 1, calibration: calibration, estimator: estimator)
        var out = [Float](repeating: -99, count: values.count)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in _ = calc.run(values: v, stride: 1, pixels: 0..<1, output: o) }
        }
        return out
    }
}
