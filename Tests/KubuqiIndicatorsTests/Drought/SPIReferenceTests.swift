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
    skipped = 0
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
                s[yr, m] = np.nan; skipped += 1; continue
            g = (stats.norm.cdf(s[yr, m]) - q_ref) / (1 - q_ref)
            s[yr, m] = np.clip(stats.norm.ppf(q + (1 - q) * g), -3.09, 3.09)
    out.append({"spi": [None if np.isnan(v) else float(v) for v in s.flatten()], "skipped": skipped,
                "zero_sums": int((sums == 0).sum())})
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

    func testSPIEqualsClimateIndices() throws {
        guard let python = PythonReference.interpreter(needing: "climate_indices, scipy") else { return }
        var cases: [(values: [Float], scale: Int)] = []
        for scale in [1, 3, 12] {
            cases.append((Self.randomSeries(years: 40, seed: 11 + UInt64(scale)), scale))
            cases.append((Self.realisticSeries(years: 35, seed: 101 + UInt64(scale)), scale))
        }
        let input = cases.map { ["values": $0.values.map(Double.init), "scale": $0.scale, "start_year": 1981] as [String: Any] }
        let out = try XCTUnwrap(PythonReference.run(python, script: Self.script, input: input) as? [[String: Any]])
        var worst = 0.0, compared = 0, skipped = 0, zeroSums = 0
        for (c, ref) in zip(cases, out) {
            let months = c.values.count
            let spi = Self.spi(c.values, scale: c.scale, calibration: 0..<months)
            let expected = try XCTUnwrap(ref["spi"] as? [Any])
            skipped += ref["skipped"] as! Int
            zeroSums += ref["zero_sums"] as! Int
            for t in 0..<months {
                guard let e = expected[t] as? Double else {
                    // Undefined in the reference: the first k - 1 months (or a skipped clipped value).
                    if t < c.scale - 1 { XCTAssertTrue(spi[t].isNaN, "month \(t) scale \(c.scale): \(spi[t])") }
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
        print("SPI vs climate-indices: \(compared) values, largest difference \(worst), \(zeroSums) zero sums, \(skipped) clipped values skipped")
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
