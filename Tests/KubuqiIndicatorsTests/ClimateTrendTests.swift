import Foundation
import KubuqiIndicators
import TestSupport
import XCTest

/// RESTREND and RUE (`ClimateTrend`) against numpy/SciPy on random series with missing years,
/// and the fit's t test (`StudentT`) against `scipy.stats.t.sf`.
///
/// The script fits with `scipy.stats.linregress` (slope, r, two-sided p), takes the residuals
/// (or productivity / precipitation) and gives their Theil-Sen slope (`scipy.stats.theilslopes`)
/// and a numpy Mann-Kendall Z; where the fit is not significant or its slope not positive it
/// uses the plain series and says so.
final class ClimateTrendTests: XCTestCase {
    static let script = #"""
import json, sys
import numpy as np
from scipy import stats

\#(ScipyReferenceTests.mannKendall)

def mann_kendall_z(y):
    return mann_kendall(y)[2]

data = json.load(open(sys.argv[1]))
out = []
for item in data["series"]:
    x = np.array(item["years"], dtype=float)
    y = np.array([np.nan if v is None else v for v in item["productivity"]], dtype=float)
    p = np.array([np.nan if v is None else v for v in item["precipitation"]], dtype=float)
    keep = ~np.isnan(y) & ~np.isnan(p)
    x, y, p = x[keep], y[keep], p[keep]
    fit = stats.linregress(p, y)
    applies = fit.pvalue < data["level"] and fit.slope > 0
    row = {"r2": fit.rvalue ** 2, "fit_slope": fit.slope, "p": fit.pvalue, "fell_back": 0 if applies else 1}
    for method in ["restrend", "rue"]:
        if method == "restrend":
            series = y - (fit.intercept + fit.slope * p) if applies else y
        else:
            series = y / p
        series = series.astype(np.float32).astype(float)
        row[method + "_slope"] = stats.theilslopes(series, x)[0]
        row[method + "_z"] = mann_kendall_z(series)
    out.append(row)
ts = [[t, df, 2 * stats.t.sf(abs(t), df)] for t, df in data["t"]]
json.dump({"series": out, "t": ts}, open(sys.argv[2], "w"))
"""#

    func testRestrendAndRUEAgainstNumpy() throws {
        guard let python = PythonReference.interpreter(needing: "numpy, scipy") else { return }
        var rng = SystemRandomNumberGenerator()
        let years = (2001...2016).map(Double.init)
        let pixels = 60
        var productivity = [Float](repeating: .nan, count: years.count * pixels)
        var precipitation = [Float](repeating: .nan, count: years.count * pixels)
        var items: [[String: Any]] = []
        for p in 0..<pixels {
            // A third strongly rain-driven, a third weakly, a third not at all; trends of either sign; some years missing.
            let coupling = [0.002, 0.0004, 0.0][p % 3], trend = Double.random(in: -0.01...0.01, using: &rng)
            var ys: [Any] = [], ps: [Any] = []
            for (l, _) in years.enumerated() {
                let rain = Double.random(in: 150...450, using: &rng)
                let ndvi = 0.1 + coupling * rain + trend * Double(l) + Double.random(in: -0.03...0.03, using: &rng)
                let missing = p % 5 == 0 && l % 4 == 1
                productivity[l * pixels + p] = missing ? .nan : Float(ndvi)
                precipitation[l * pixels + p] = Float(rain)
                ys.append(missing ? NSNull() : Double(Float(ndvi)) as Any)
                ps.append(Double(Float(rain)))
            }
            items.append(["years": years, "productivity": ys, "precipitation": ps])
        }
        let tCases: [[Double]] = [[0.5, 1], [2.1, 3], [-2.7, 14], [1.96, 100], [8, 5], [0, 7], [3.3, 2.5]]
        let ref = try PythonReference.run(python, script: Self.script, input: ["series": items, "level": 0.05, "t": tCases]) as! [String: Any]
        for row in ref["t"] as! [[Double]] {
            XCTAssertEqual(StudentT.twoSidedPValue(row[0], degreesOfFreedom: row[1]), row[2], accuracy: 1e-12, "t \(row[0]) df \(row[1])")
        }
        let rows = ref["series"] as! [[String: Any]]
        var fellBack = 0
        for method in [ClimateTrend.Method.restrend, .rue] {
            let kernel = ClimateTrend(years: years, method: method, significance: 0.05)
            let r2 = Buffer<Float>(pixels), fit = Buffer<Float>(pixels), pv = Buffer<Float>(pixels), slope = Buffer<Float>(pixels)
            let z = Buffer<Float>(pixels), flag = Buffer<Int16>(pixels)
            defer { [r2, fit, pv, slope, z].forEach { $0.free() }; flag.free() }
            productivity.withUnsafeBufferPointer { y in
                precipitation.withUnsafeBufferPointer { x in
                    kernel.run(productivity: y, precipitation: x, pixelCount: pixels, pixels: 0..<pixels, r2: r2.b, fitSlope: fit.b,
                               fitPValue: pv.b, slope: slope.b, z: z.b, flag: flag.b)
                }
            }
            for p in 0..<pixels {
                let want = rows[p]
                XCTAssertEqual(Double(r2.b[p]), want["r2"] as! Double, accuracy: 1e-5, "R2 pixel \(p)")
                XCTAssertEqual(Double(fit.b[p]), want["fit_slope"] as! Double, accuracy: 1e-7 + 1e-5 * abs(want["fit_slope"] as! Double), "fit slope pixel \(p)")
                XCTAssertEqual(Double(pv.b[p]), want["p"] as! Double, accuracy: 1e-5, "p pixel \(p)")
                let name = method.rawValue
                let s = want["\(name)_slope"] as! Double, zz = want["\(name)_z"] as! Double
                XCTAssertEqual(Double(slope.b[p]), s, accuracy: 1e-6 * max(1, abs(s)) + 1e-9, "\(name) slope pixel \(p)")
                XCTAssertEqual(Double(z.b[p]), zz, accuracy: 1e-5, "\(name) Z pixel \(p)")
                if method == .restrend {
                    XCTAssertEqual(Int(flag.b[p]), want["fell_back"] as! Int, "fallback flag pixel \(p)")
                    fellBack += Int(flag.b[p])
                } else {
                    XCTAssertEqual(flag.b[p], 0)
                }
            }
        }
        XCTAssertGreaterThan(fellBack, 5, "some pixels fall back (the uncoupled third)")
        XCTAssertLessThan(fellBack, pixels - 5, "some pixels are corrected")
    }

    /// A series with fewer than 3 valid years is nodata; a constant precipitation cannot be fitted (fallback).
    func testTooFewYearsAndConstantRain() {
        let years = [2001.0, 2002, 2003, 2004]
        // Pixel 0: two valid years. Pixel 1: constant rain, falling productivity.
        let y: [Float] = [0.5, 0.5, .nan, 0.4, .nan, 0.3, 0.4, 0.2]
        let x: [Float] = [100, 300, 100, 300, 100, 300, 100, 300]
        let slope = Buffer<Float>(2), z = Buffer<Float>(2), r2 = Buffer<Float>(2), flag = Buffer<Int16>(2)
        defer { slope.free(); z.free(); r2.free(); flag.free() }
        y.withUnsafeBufferPointer { yb in
            x.withUnsafeBufferPointer { xb in
                ClimateTrend(years: years, method: .restrend).run(productivity: yb, precipitation: xb, pixelCount: 2, pixels: 0..<2,
                                                                  r2: r2.b, slope: slope.b, z: z.b, flag: flag.b)
            }
        }
        XCTAssertTrue(slope.b[0].isNaN && z.b[0].isNaN && r2.b[0].isNaN)
        XCTAssertEqual(flag.b[0], -32768)
        // Pixel 1: rain 300 every year (constant): no fit, plain trend of 0.5, 0.4, 0.3, 0.2: -0.1 a year.
        XCTAssertEqual(flag.b[1], ClimateTrend.fellBack)
        XCTAssertEqual(slope.b[1], -0.1, accuracy: 1e-6)
    }
}

/// A buffer the kernel writes into (allocated, so no pointer escapes an array's closure).
final class Buffer<T> {
    let b: UnsafeMutableBufferPointer<T>
    init(_ n: Int) { b = .allocate(capacity: n) }
    func free() { b.deallocate() }
}
