import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `stack` on a synthetic collection with planted values, gaps and nodata,
/// every reducer against numpy (periods, completeness and reducers written
/// again in the script, from the rules of docs/stack.md), run in a Python subprocess.
final class StackSyntheticTests: XCTestCase {
    static let width = 6, height = 4

    static let script = #"""
import json, sys, datetime as dt
import numpy as np
cfg = json.load(open(sys.argv[1]))
dates = [dt.date.fromisoformat(d) for d in cfg["dates"]]
t = np.array([(d - dt.date(1970, 1, 1)).days for d in dates], dtype=float)
v = np.array([[np.nan if x is None else x for x in row] for row in cfg["values"]], dtype=float)
u = np.unique(t)
step = float(np.median(np.diff(u))) if len(u) > 1 else 1.0
def periods():
    out = []
    if cfg["season"] is None:
        for y in range(dates[0].year, dates[-1].year + 1):
            out.append((str(y), dt.date(y, 1, 1), dt.date(y, 12, 31)))
    else:
        a, b = cfg["season"].split("..")
        sm, sd = map(int, a.split("-")); em, ed = map(int, b.split("-"))
        wrap = (em, ed) < (sm, sd)
        for y in range(dates[0].year - 1, dates[-1].year + 1):
            f = dt.date(y, sm, sd); l = dt.date(y + 1 if wrap else y, em, ed)
            if l >= dates[0] and f <= dates[-1]:
                out.append((f"{f}..{l}", f, l))
    return out
def whittaker(y, w, lam):
    from scipy import sparse
    from scipy.sparse.linalg import spsolve
    n = len(y)
    D = sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
    return spsolve((sparse.diags(w) + lam * (D.T @ D)).tocsc(), w * y)
def covers(first, last, n_days):
    return min(1.0, (last - first + step) / n_days)
res = []
for label, f, l in periods():
    sel = np.array([f <= d <= l for d in dates])
    if not sel.any():
        continue
    n_days = (l - f).days + 1
    ts = t[sel]
    if sel.sum() < cfg["min_obs"] or covers(ts[0], ts[-1], n_days) < cfg["min_cov"] - 1e-9:
        res.append({"label": label, "dropped": True}); continue
    vals, counts = [], []
    for p in range(v.shape[1]):
        x = v[sel, p]; ok = ~np.isnan(x); full = x; x = x[ok]; tt = ts[ok]; n = len(x)
        counts.append(n)
        r = cfg["reducer"]
        if n < cfg["min_obs"] or n == 0 or covers(tt[0], tt[-1], n_days) < cfg["min_cov"] - 1e-9 or (r == "integral" and n < 2):
            vals.append(None); continue
        if cfg.get("smooth") and n >= 2 and len(full) >= 3 and r != "count":
            x = whittaker(np.where(ok, full, 0.0), ok.astype(float), cfg["smooth"]); tt = ts
        if r == "mean": y = np.mean(x)
        elif r == "median": y = np.median(x)
        elif r == "max": y = np.max(x)
        elif r == "min": y = np.min(x)
        elif r == "count": y = n
        elif r == "integral": y = np.trapz(x, tt) if hasattr(np, "trapz") else np.trapezoid(x, tt)
        else: y = np.percentile(x, float(r[1:]))
        vals.append(float(y))
    res.append({"label": label, "dropped": False, "values": vals, "counts": counts})
json.dump(res, open(sys.argv[2], "w"))
"""#

    /// Dates from September 2000 to March 2002, gaps in winter 2001; values
    /// random with a fifth nodata, pixel 0 never valid, pixel 1 valid on three dates only.
    static func writeCollection(in folder: TemporaryFolder) throws -> (dates: [String], values: [[Float?]]) {
        var rng = SplitMix64(seed: 16)
        var dates: [String] = []
        var day = CalendarDate(year: 2000, month: 9, day: 3)!.dayNumber
        let end = CalendarDate(year: 2002, month: 3, day: 20)!.dayNumber
        while day <= end {
            let d = CalendarDate(dayNumber: day)
            // A gap from mid-December 2001 to mid-January 2002.
            if !(d >= CalendarDate(year: 2001, month: 12, day: 15)! && d <= CalendarDate(year: 2002, month: 1, day: 14)!) { dates.append(d.description) }
            day += 9 + Int(rng.next() % 12)
        }
        var values: [[Float?]] = []
        for (k, d) in dates.enumerated() {
            var row: [Float?] = []
            for p in 0..<(width * height) {
                let u = Float(rng.next() % 100_000) / 100_000
                let valid = p != 0 && (p != 1 || k % 20 == 3) && rng.next() % 5 != 0
                row.append(valid ? -0.2 + 1.1 * u : nil)
            }
            values.append(row)
            try TestRaster.write(folder.file("syn_\(d).tif"), width: width, height: height, values: row.map { $0 ?? -9999 }, nodata: -9999)
        }
        return (dates, values)
    }

    func testEveryReducerMatchesNumpy() throws {
        guard let python = ScipyReference.python() else { throw ScipyReference.skipOrFail("python3 with numpy") }
        let tmp = try TemporaryFolder()
        let inputs = try TemporaryFolder()
        let (dates, values) = try Self.writeCollection(in: inputs)
        let cases: [(String, String?, Int, Double)] = [
            ("mean", "11-01..02-28", 3, 0.5), ("median", "11-01..02-28", 3, 0.5), ("max", nil, 1, 0.9), ("min", nil, 1, 0.9),
            ("p90", "11-01..02-28", 2, 0.6), ("p10", nil, 4, 0.8), ("integral", "11-01..02-28", 2, 0.5), ("count", nil, 1, 0.0),
            ("median", "04-01..10-31", 5, 0.9),
        ]
        for (reducer, season, minObs, minCov) in cases {
            try check(reducer, season, minObs, minCov, smoothing: nil, inputs: inputs, dates: dates, values: values, tmp: tmp, python: python)
        }
    }

    /// Whittaker smoothing (gaps filled) before the reducer, against SciPy's sparse solver in the script.
    func testSmoothedSeriesMatchScipy() throws {
        guard let python = ScipyReferenceTests_python() else { throw ScipyReference.skipOrFail("python3 with numpy and scipy") }
        let tmp = try TemporaryFolder()
        let inputs = try TemporaryFolder()
        let (dates, values) = try Self.writeCollection(in: inputs)
        for (reducer, lambda) in [("max", 10.0), ("integral", 2.0), ("mean", 1000.0), ("count", 5.0)] {
            try check(reducer, "11-01..02-28", 2, 0.5, smoothing: lambda, inputs: inputs, dates: dates, values: values, tmp: tmp, python: python)
        }
    }

    private func ScipyReferenceTests_python() -> String? {
        guard let p = ScipyReference.python(), ScipyReference.run(p, ["-c", "import scipy.sparse"]) == 0 else { return nil }
        return p
    }

    private func check(_ reducer: String, _ season: String?, _ minObs: Int, _ minCov: Double, smoothing: Double?, inputs: TemporaryFolder,
                       dates: [String], values: [[Float?]], tmp: TemporaryFolder, python: String) throws {
        do {
            let label = "\(reducer) \(season ?? "year") min-obs \(minObs) min-coverage \(minCov) smoothing \(smoothing ?? 0)"
            let out = tmp.file("\(reducer)-\(season?.replacingOccurrences(of: ".", with: "") ?? "year")-\(minObs)-\(smoothing ?? 0).tif")
            var o = StackOptions(inputs: [inputs.path], output: out, reducer: SeriesReducer(name: reducer)!, minimumObservations: minObs, minimumCoverage: minCov)
            if let season { o.scheme = PeriodScheme.season(parsing: season)! }
            o.smoothing = smoothing
            let result = try StackJob.run(o)
            let config: [String: Any] = ["dates": dates, "values": values.map { $0.map { $0.map { Double($0) } ?? NSNull() } as [Any] },
                                         "season": season ?? NSNull(), "min_obs": minObs, "min_cov": minCov, "reducer": reducer,
                                         "smooth": smoothing ?? 0]
            let reference = try ScipyReference.run(python, script: Self.script, input: config, in: tmp)
            let expected = try XCTUnwrap(reference as? [[String: Any]])
            let written = result.manifest.periods
            XCTAssertEqual(written.map(\.label), expected.map { $0["label"] as! String }, label)
            XCTAssertEqual(written.map { $0.band == nil }, expected.map { $0["dropped"] as! Bool }, label)
            let ds = try Dataset.open(out), counts = try Dataset.open(result.countPath)
            let all = Window(column: 0, row: 0, width: Self.width, height: Self.height)
            for (p, e) in zip(written, expected) {
                guard let band = p.band else { continue }
                let got = try ds.band(band).read(all), gotCounts = try counts.band(band).read(all)
                XCTAssertEqual(try ds.band(band).bandDescription, p.label)
                let want = e["values"] as! [Any], wantCounts = e["counts"] as! [Int]
                XCTAssertEqual(gotCounts.map { Int($0) }, wantCounts, "\(label) \(p.label) counts")
                for i in got.indices {
                    if let w = want[i] as? Double {
                        XCTAssertEqual(Double(got[i]), w, accuracy: 1e-5 * max(1, abs(w)), "\(label) \(p.label) pixel \(i)")
                    } else {
                        XCTAssertTrue(got[i].isNaN, "\(label) \(p.label) pixel \(i): nodata expected, got \(got[i])")
                    }
                }
                let metCount = want.filter { $0 is Double }.count
                XCTAssertEqual(p.pixelsMeetingRule, metCount, "\(label) \(p.label)")
            }
            XCTAssertTrue(written.contains { $0.band != nil }, label)
        }
    }
}

/// The window pass gives the same stack whatever the memory budget: a
/// budget of a few blocks walks many windows, the default one window.
final class StackWindowingTests: XCTestCase {
    func testSmallBudgetGivesTheSameStack() throws {
        let inputs = try TemporaryFolder(), tmp = try TemporaryFolder()
        var rng = SplitMix64(seed: 7)
        let (w, h) = (300, 200)
        for k in 0..<14 {
            let d = CalendarDate(dayNumber: CalendarDate(year: 2001, month: 1, day: 3)!.dayNumber + 26 * k + Int(rng.next() % 5))
            let values = (0..<(w * h)).map { _ in rng.next() % 7 == 0 ? Float(-9999) : Float(rng.next() % 10_000) / 10_000 }
            try TestRaster.write(inputs.file("s_\(d).tif"), width: w, height: h, values: values, nodata: -9999,
                                 options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        }
        var small = StackOptions(inputs: [inputs.path], output: tmp.file("small.tif"), reducer: .median, minimumCoverage: 0.8,
                                 creationOptions: try CreationOptions(parsing: ["BLOCKXSIZE=64", "BLOCKYSIZE=64", "COG=NO"]))   // COG blocks are at least 128
        small.memoryBudget = 64 * 64 * (4 * 14 + 12) * 3
        var large = small
        large.output = tmp.file("large.tif")
        large.memoryBudget = WindowLayout.defaultBudget
        let a = try StackJob.run(small), b = try StackJob.run(large)
        let all = Window(column: 0, row: 0, width: w, height: h)
        for (x, y) in [(a.path, b.path), (a.countPath, b.countPath)] {
            let p = try Dataset.open(x).band(1).read(all), q = try Dataset.open(y).band(1).read(all)
            XCTAssertTrue(zip(p, q).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, x)
            XCTAssertGreaterThan(p.filter { !$0.isNaN }.count, w * h / 2)
        }
        XCTAssertEqual(a.manifest.periods.first?.pixelsMeetingRule, b.manifest.periods.first?.pixelsMeetingRule)
        XCTAssertGreaterThan(WindowLayout(width: w, height: h, outputBlock: (64, 64), inputBlocks: [(64, 64)], bytesPerPixel: 4 * 14 + 12,
                                          budget: small.memoryBudget).windows().count, 5)
    }
}

/// `--append` (the yearly cron run): the stack of 2001-2002 extended with
/// 2003 equals, byte for byte, the stack built from 2001-2003 at once.
final class StackAppendTests: XCTestCase {
    private func monthly(_ year: Int, in folder: TemporaryFolder, rng: inout SplitMix64) throws {
        for m in 1...12 {
            let values = (0..<(40 * 30)).map { _ in rng.next() % 6 == 0 ? Float(-9999) : Float(rng.next() % 10_000) / 10_000 }
            try TestRaster.write(folder.file("ndvi_\(year)-\(m < 10 ? "0" : "")\(m)-1\(m % 3).tif"), width: 40, height: 30, values: values, nodata: -9999)
        }
    }

    func testAppendEqualsAFullRebuild() throws {
        let scenes = try TemporaryFolder(), a = try TemporaryFolder(), b = try TemporaryFolder()
        var rng = SplitMix64(seed: 2003)
        try monthly(2001, in: scenes, rng: &rng)
        try monthly(2002, in: scenes, rng: &rng)
        try monthly(2003, in: scenes, rng: &rng)
        let files = try scenes.contents().map(scenes.file)
        for encoding in [IndexEncoding.int16, .float32] {
            var o = StackOptions(inputs: files.filter { !$0.contains("_2003-") }, output: a.file("stack-\(encoding.rawValue).tif"),
                                 reducer: .median, encoding: encoding)
            o.append = true
            let first = try StackJob.run(o)
            XCTAssertEqual(first.reused, [])
            XCTAssertEqual(first.manifest.periods.compactMap(\.band).count, 2)
            o.inputs = files
            let appended = try StackJob.run(o)
            XCTAssertEqual(appended.reused, ["2001", "2002"])
            var full = o
            full.append = false
            full.output = b.file("stack-\(encoding.rawValue).tif")
            let rebuilt = try StackJob.run(full)
            XCTAssertEqual(rebuilt.manifest.periods.compactMap(\.band).count, 3)
            for (x, y) in [(appended.path, rebuilt.path), (appended.countPath, rebuilt.countPath)] {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: x)), try Data(contentsOf: URL(fileURLWithPath: y)), "\(x) vs \(y)")
            }
            let j1 = try String(contentsOfFile: appended.manifestPath, encoding: .utf8).replacingOccurrences(of: a.path, with: b.path)
            XCTAssertEqual(j1, try String(contentsOfFile: rebuilt.manifestPath, encoding: .utf8))
            // A changed output is not trusted.
            try Data([0]).write(to: URL(fileURLWithPath: appended.countPath))
            XCTAssertThrowsError(try StackJob.run(o)) { XCTAssertTrue("\($0)".contains("changed since"), "\($0)") }
        }
    }
}
