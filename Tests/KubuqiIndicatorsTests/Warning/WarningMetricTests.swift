import KubuqiIndicators
import KubuqiRaster
import TestSupport
import XCTest

/// Every warning metric against numpy/SciPy on random baselines with ties and
/// missing years, and the kernel's accumulation and persistence against a
/// second implementation in Python.
final class WarningMetricTests: XCTestCase {

    static let metricsScript = """
    import json, sys, numpy as np
    from scipy import stats
    cases = json.load(open(sys.argv[1]))
    out = []
    for c in cases:
        b = np.array([np.nan if v is None else v for v in c["baseline"]], dtype=float)
        b = b[~np.isnan(b)]
        x = c["x"]
        lo, hi = np.percentile(b, 10), np.percentile(b, 90)
        vci = float(np.clip(100 * (x - lo) / (hi - lo), 0, 100)) if hi > lo else None
        sd = np.std(b, ddof=1)
        z = float((x - np.mean(b)) / sd) if sd > 0 else None
        med = np.median(b)
        pom = float(100 * x / med) if med > 0 else None
        rank = float(stats.percentileofscore(b, x, kind="mean"))
        out.append({"vci": vci, "z": z, "pom": pom, "rank": rank, "p10": float(lo), "p90": float(hi), "n": int(len(b))})
    json.dump(out, open(sys.argv[2], "w"))
    """

    func testEveryMetricAgainstNumpyWithTiesAndMissingYears() throws {
        guard let python = PythonReference.interpreter(needing: "numpy, scipy") else { return }
        var rng = SplitMix64(seed: 17)
        var cases: [[String: Any]] = []
        var swiftCases: [(x: Double, baseline: [Double])] = []
        for _ in 0..<300 {
            let n = 5 + rng.int(16)
            // Values on a coarse grid (ties), about one year in six missing.
            var baseline: [Double] = (0..<n).map { _ in Double(rng.int(12)) / 20 }
            for i in baseline.indices where rng.int(6) == 0 { baseline[i] = .nan }
            if baseline.filter({ !$0.isNaN }).count < 3 { baseline[0] = 0.3; baseline[1] = 0.35; baseline[2] = 0.3 }
            // x often equal to a baseline value (ties in the rank), sometimes outside the range.
            let x = rng.int(3) == 0 ? baseline.first { !$0.isNaN }! : Double(rng.int(16)) / 20 - 0.1
            swiftCases.append((x, baseline))
            cases.append(["x": x, "baseline": baseline.map { $0.isNaN ? NSNull() as Any : $0 as Any }])
        }
        let reference = try PythonReference.run(python, script: Self.metricsScript, input: cases) as! [[String: Any]]
        let rule = WarningRule(metric: .vci, minimumBaselineValue: -.infinity, noise: -1, minimumYears: 1)
        for (i, c) in swiftCases.enumerated() {
            let r = reference[i], stats = BaselineStatistics(c.baseline)
            XCTAssertEqual(stats.count, r["n"] as! Int)
            XCTAssertEqual(stats.percentile(10), r["p10"] as! Double, accuracy: 1e-12, "case \(i)")
            XCTAssertEqual(stats.percentile(90), r["p90"] as! Double, accuracy: 1e-12, "case \(i)")
            let w = rule.evaluate(c.x, baseline: stats)
            for (name, value) in [("vci", w.vci), ("z", w.zscore), ("pom", w.percentOfMedian), ("rank", w.percentileRank)] {
                if let expected = r[name] as? Double {
                    XCTAssertEqual(value, expected, accuracy: 1e-9, "case \(i) \(name): x \(c.x) baseline \(c.baseline)")
                } else {
                    XCTAssertTrue(value.isNaN, "case \(i) \(name) should be undefined, got \(value)")
                }
            }
        }
    }

    /// Levels and the not-assessable rule, hand-worked.
    func testLevelsAndNotAssessable() {
        let t = WarningMetric.vci.defaultThresholds
        XCTAssertEqual(t.level(9.99), .extreme)
        XCTAssertEqual(t.level(10), .severe)
        XCTAssertEqual(t.level(19.9), .severe)
        XCTAssertEqual(t.level(20), .moderate)
        XCTAssertEqual(t.level(34.9), .moderate)
        XCTAssertEqual(t.level(35), AlertLevel.none)
        let rule = WarningRule(metric: .vci)
        // Bare ground: baseline 0.05..0.09, upper bound (P90) below 0.10.
        let bare = BaselineStatistics([0.05, 0.06, 0.07, 0.08, 0.09])
        XCTAssertEqual(rule.evaluate(0.01, baseline: bare).level, .notAssessable)
        // Within noise: a range of 0.01.
        let flat = BaselineStatistics([0.30, 0.305, 0.31, 0.30, 0.31])
        XCTAssertEqual(rule.evaluate(0.2, baseline: flat).level, .notAssessable)
        // Four years: fewer than VCI's five.
        XCTAssertEqual(rule.evaluate(0.2, baseline: BaselineStatistics([0.3, 0.4, 0.5, 0.6])).level, .notAssessable)
        // Five years 0.3..0.7: P10 = 0.34, P90 = 0.66; x = 0.4 -> VCI 100 x 0.06 / 0.32 = 18.75, severe.
        let ok = rule.evaluate(0.4, baseline: BaselineStatistics([0.3, 0.4, 0.5, 0.6, 0.7]))
        XCTAssertEqual(ok.vci, 18.75, accuracy: 1e-9)
        XCTAssertEqual(ok.level, .severe)
        // A bloom year in the baseline does not set the maximum: ten ordinary years 0.08..0.10 and one 0.30;
        // P90 = 0.10 + 0.0 (position 9 of 0..10), x = 0.09 is mid-range, not a drought as raw min-max would say.
        let bloom = BaselineStatistics([0.08, 0.08, 0.085, 0.09, 0.09, 0.095, 0.1, 0.1, 0.1, 0.1, 0.3].map { $0 + 0.1 })
        let robust = WarningRule(metric: .vci, minimumBaselineValue: 0, noise: 0).evaluate(0.19, baseline: bloom)
        XCTAssertEqual(robust.level, AlertLevel.none)
        let raw = WarningRule(metric: .vci, lowerPercentile: 0, upperPercentile: 100, minimumBaselineValue: 0, noise: 0).evaluate(0.19, baseline: bloom)
        XCTAssertEqual(raw.level, .extreme, "raw min-max: VCI 100 x 0.01 / 0.22 = 4.5")
        // TCI and VHI (Kogan 1995, 1997): temperatures 300..310 K over five years, P10 = 300.8, P90 = 309.2;
        // t = 305 -> TCI = 100 x 4.2 / 8.4 = 50; with VCI 18.75 (above) VHI = 34.375, moderate.
        let hot = BaselineStatistics([300, 302, 305, 308, 310])
        let vhi = WarningRule(metric: .vhi).evaluate(0.4, baseline: BaselineStatistics([0.3, 0.4, 0.5, 0.6, 0.7]), t: 305, temperature: hot)
        XCTAssertEqual(vhi.tci, 50, accuracy: 1e-9)
        XCTAssertEqual(vhi.vhi, 34.375, accuracy: 1e-9)
        XCTAssertEqual(vhi.level, .moderate)
        XCTAssertEqual(WarningRule.tci(311, lower: 300.4, upper: 309.6), 0, "clamped")
    }

    static let kernelScript = """
    import json, sys, numpy as np
    results = []
    for d in json.load(open(sys.argv[1])):
      k, H = d["k"], d["history"]
      cur = [np.nan if v is None else v for v in d["current"]]          # per offset
      base = [[np.nan if v is None else v for v in row] for row in d["baseline"]]  # per offset, per year
      out = {"history": [], "persistence": 0}
      running = True
      for h in range(H):
          x = np.mean(cur[h:h + k]) if not np.isnan(cur[h:h + k]).any() else np.nan
          years = []
          for y in range(len(base[0])):
              col = [base[q][y] for q in range(h, h + k)]
              years.append(np.nan if np.isnan(col).any() else np.mean(col))
          b = np.array(years); b = b[~np.isnan(b)]
          lo, hi = np.percentile(b, 10), np.percentile(b, 90)
          vci = float(np.clip(100 * (x - lo) / (hi - lo), 0, 100)) if (len(b) >= 5 and not np.isnan(x) and hi > lo) else None
          out["history"].append(vci)
          if running and vci is not None and vci < 35: out["persistence"] += 1
          else: running = False
      results.append(out)
    json.dump(results, open(sys.argv[2], "w"))
    """

    /// The kernel: periods averaged over k = 2, baseline years with missing periods, persistence over 4 steps.
    func testKernelAccumulationAndPersistenceAgainstPython() throws {
        guard let python = PythonReference.interpreter(needing: "numpy") else { return }
        var rng = SplitMix64(seed: 99)
        let k = 2, history = 4, offsets = history + k - 1, years = 8
        var inputs: [[String: Any]] = [], results: [PixelWarning] = []
        for _ in 0..<40 {
            // One row per (offset, year) and per offset for the current year; one pixel.
            var rows: [Float] = []
            var current: [[Int]] = [], baseline: [[[Int]]] = []
            var curValues: [Double] = [], baseValues: [[Double]] = []
            for _ in 0..<offsets {
                let v: Double = rng.int(7) == 0 ? .nan : Double(rng.int(10)) / 20
                rows.append(Float(v)); current.append([rows.count - 1]); curValues.append(Double(Float(v)))
                var per: [[Int]] = [], perValues: [Double] = []
                for _ in 0..<years {
                    let b: Double = rng.int(8) == 0 ? .nan : Double(rng.int(10)) / 20 + 0.2
                    rows.append(Float(b)); per.append([rows.count - 1]); perValues.append(Double(Float(b)))
                }
                baseline.append(per); baseValues.append(perValues)
            }
            let layout = WarningLayout(current: current, baseline: baseline, accumulation: k, history: history)
            var kernel = WarningKernel(layout: layout, rule: WarningRule(metric: .vci, minimumBaselineValue: -.infinity, noise: -1))
            let buffers = rows.map { [$0] }
            let w = buffers.withUnsafeBufferPointers { kernel.evaluate($0, pixel: 0) }
            let input: [String: Any] = ["k": k, "history": history,
                                        "current": curValues.map { $0.isNaN ? NSNull() as Any : $0 as Any },
                                        "baseline": baseValues.map { $0.map { $0.isNaN ? NSNull() as Any : $0 as Any } }]
            inputs.append(input)
            results.append(w)
        }
        let reference = try PythonReference.run(python, script: Self.kernelScript, input: inputs) as! [[String: Any]]
        for (trial, w) in results.enumerated() {
            let r = reference[trial]
            let expected = r["history"] as! [Any]
            for h in 0..<history {
                if let e = expected[h] as? Double { XCTAssertEqual(w.history[h], e, accuracy: 1e-6, "trial \(trial) step \(h)") }
                else { XCTAssertTrue(w.history[h].isNaN, "trial \(trial) step \(h): expected undefined, got \(w.history[h])") }
            }
            XCTAssertEqual(w.persistence, r["persistence"] as! Int, "trial \(trial)")
        }
    }
}

extension Array where Element == [Float] {
    /// Runs `body` with one buffer per inner array.
    func withUnsafeBufferPointers<R>(_ body: ([UnsafeBufferPointer<Float>]) -> R) -> R {
        let copies = map { a -> UnsafeMutableBufferPointer<Float> in
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: a.count)
            _ = p.initialize(from: a)
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        return body(copies.map { UnsafeBufferPointer($0) })
    }
}

extension SplitMix64 {
    /// A uniform integer in `0..<n`.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
