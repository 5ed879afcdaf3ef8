import Foundation
import KubuqiIndicators
import TestSupport
import XCTest

/// Theil-Sen and Mann-Kendall against SciPy on random series (with ties and
/// missing years), run in a Python subprocess.
///
/// SciPy gives the Theil-Sen slope (`scipy.stats.theilslopes`) and Kendall's
/// tau-b (`scipy.stats.kendalltau`); with distinct years, S = tau_b *
/// sqrt(n0 (n0 - n2)), n0 = n(n-1)/2 and n2 the tied pairs of the values.
/// Z and p come from a Mann-Kendall written in numpy in the script, with
/// `scipy.stats.norm.sf` for the tail.
///
/// Without python3 + SciPy the test skips, except under CI=true where it
/// fails: SciPy is installable there (`apt-get install python3-scipy` or
/// `pip install scipy`).
final class ScipyReferenceTests: XCTestCase {
    /// Mann-Kendall in numpy (S, tie-corrected variance, continuity-corrected Z, two-sided p),
    /// for the reference scripts of this target (needs numpy as np and scipy's stats).
    static let mannKendall = #"""
def mann_kendall(y):
    n = len(y)
    s = 0
    for i in range(n - 1):
        s += int(np.sign(y[i + 1:] - y[i]).sum())
    _, counts = np.unique(y, return_counts=True)
    ties = sum(t * (t - 1) * (2 * t + 5) for t in counts if t > 1)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    if s > 0:
        z = (s - 1) / np.sqrt(var)
    elif s < 0:
        z = (s + 1) / np.sqrt(var)
    else:
        z = 0.0
    return s, var, z, 2 * stats.norm.sf(abs(z))
"""#

    static let script = #"""
import json, sys
import numpy as np
from scipy import stats

\#(mannKendall)

series = json.load(open(sys.argv[1]))
out = []
for item in series:
    x = np.array(item["years"], dtype=float)
    y = np.array([np.nan if v is None else v for v in item["values"]], dtype=float)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    slope = stats.theilslopes(y, x)[0]
    tau = stats.kendalltau(x, y)[0]
    n = len(y)
    n0 = n * (n - 1) / 2
    _, counts = np.unique(y, return_counts=True)
    n2 = sum(t * (t - 1) / 2 for t in counts)
    s_from_tau = tau * np.sqrt(n0 * (n0 - n2))
    s, var, z, p = mann_kendall(y)
    row = {"slope": slope, "s_from_tau": s_from_tau, "s": s, "var": var, "z": z, "p": p}
    out.append({k: (float(v) if np.isfinite(v) else None) for k, v in row.items()})
json.dump(out, open(sys.argv[2], "w"))
"""#

    /// The first interpreter among the usual places that imports SciPy.
    static func pythonWithScipy() -> String? { PythonReference.find("numpy, scipy") }

    @discardableResult
    static func run(_ python: String, _ arguments: [String]) -> Int32 { PythonReference.status(python, arguments) }

    func testAgainstScipy() throws {
        guard let python = Self.pythonWithScipy() else {
            let message = "python3 with numpy and SciPy not found (apt-get install python3-scipy, or pip install scipy)"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail(message + "; SciPy is installable, so CI requires it")
                return
            }
            throw XCTSkip(message)
        }

        // Random series: lengths 4...25, a trend, noise, values rounded to
        // one or two decimals (ties), about 15 % missing years.
        var rng = TestRandom(seed: 20_210_329)
        var cases: [(years: [Double], values: [Double])] = []
        for k in 0..<40 {
            let n = 4 + Int(rng.unit() * 22)
            let first = 2000 + Int(rng.unit() * 5)
            let years = (0..<n).map { Double(first + $0) }
            let trend = (rng.unit() - 0.5) * 0.04
            let decimals = k % 2 == 0 ? 10.0 : 100.0
            var values = years.enumerated().map { i, _ in
                ((0.4 + trend * Double(i) + (rng.unit() - 0.5) * 0.1) * decimals).rounded() / decimals
            }
            for i in values.indices where rng.unit() < 0.15 { values[i] = .nan }
            if values.filter({ !$0.isNaN }).count < 3 {
                values = values.enumerated().map { i, v in v.isNaN ? 0.3 + Double(i) / 100 : v }
            }
            cases.append((years, values))
        }
        // A hand-made one with heavy ties and a gap.
        cases.append(([2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007], [0.2, 0.2, .nan, 0.3, 0.2, 0.3, 0.3, 0.3]))
        // Complete 25-year series of integer NDVI x 10000 (the batch kernel's
        // fast path: every year present), noise wide or narrow so that the
        // values and the pairwise slopes tie often; two years apart in one.
        for k in 0..<30 {
            let years = (0..<25).map { Double(2000 + (k == 0 ? 2 * $0 : $0)) }
            let trend = (rng.unit() - 0.5) * 200
            let noise = k % 3 == 0 ? 3.0 : 300.0
            cases.append((years, (0..<25).map { i in (3000 + trend * Double(i) + (rng.unit() - 0.5) * noise).rounded() }))
        }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubuqi-scipy-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("reference.py")
        let inputURL = dir.appendingPathComponent("series.json")
        let outputURL = dir.appendingPathComponent("result.json")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let json: [[String: Any]] = cases.map { c in
            ["years": c.years, "values": c.values.map { $0.isNaN ? NSNull() as Any : $0 as Any }]
        }
        try JSONSerialization.data(withJSONObject: json).write(to: inputURL)

        let status = Self.run(python, [scriptURL.path, inputURL.path, outputURL.path])
        XCTAssertEqual(status, 0, "the reference script failed")
        let results = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: outputURL)) as? [[String: Any]]
        )
        XCTAssertEqual(results.count, cases.count)

        for (c, row) in zip(cases, results) {
            let r = row.compactMapValues { $0 as? Double }
            let slope = TheilSen.slope(years: c.years, values: c.values)
            let mk = MannKendall.test(c.values)
            let label = "series \(c.values)"
            XCTAssertEqual(slope, r["slope"]!, accuracy: 1e-12 * max(1, abs(slope)), label)
            if let sFromTau = r["s_from_tau"] {
                XCTAssertEqual(Double(mk.s), sFromTau.rounded(), label)
            } else {
                // Kendall's tau is undefined (null) for a constant series; S is 0 there.
                XCTAssertEqual(Set(c.values.filter { !$0.isNaN }).count, 1, label)
                XCTAssertEqual(mk.s, 0, label)
            }
            XCTAssertEqual(Double(mk.s), r["s"]!, label)
            XCTAssertEqual(mk.variance, r["var"]!, accuracy: 1e-9, label)
            XCTAssertEqual(mk.z, r["z"]!, accuracy: 1e-12, label)
            XCTAssertEqual(mk.pValue, r["p"]!, accuracy: 1e-12, label)

            // The batch kernel on the series as a one-pixel Float stack.
            let stack = c.values.map(Float.init)
            let out = withOutputs(4, pixels: 1, fill: Float(0)) { b in
                stack.withUnsafeBufferPointer { st in
                    TrendBatch(years: c.years).run(stack: st, pixelCount: 1, pixels: 0..<1,
                                                   slope: b[0], z: b[1], pValue: b[2], s: b[3])
                }
            }
            // The stack is Float: decimal values move by up to half a Float ulp.
            let exact = c.values.allSatisfy { $0.isNaN || Double(Float($0)) == $0 }
            let slopeTolerance = exact ? Double(Float(r["slope"]!).ulp) : 1e-6
            XCTAssertEqual(Double(out[0][0]), r["slope"]!, accuracy: slopeTolerance, "batch: " + label)
            XCTAssertEqual(Double(out[1][0]), r["z"]!, accuracy: 1e-5, "batch: " + label)
            XCTAssertEqual(Double(out[2][0]), r["p"]!, accuracy: 1e-6, "batch: " + label)
            XCTAssertEqual(Double(out[3][0]), r["s"]!, "batch: " + label)
        }
    }
}
