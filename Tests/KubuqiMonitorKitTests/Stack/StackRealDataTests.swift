import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `stack` on the real MODIS series of `../shared/data/real/04_modis_ndvi_multiyear_timeseries/`.
final class StackRealDataTests: XCTestCase {
    static let folder = "04_modis_ndvi_multiyear_timeseries"

    private func bandMeans(_ path: String) throws -> [(String, Double)] {
        let ds = try Dataset.open(path)
        let all = Window(column: 0, row: 0, width: ds.width, height: ds.height)
        return try (1...ds.bandCount).map { b in
            let v = try ds.band(b).read(all).filter { !$0.isNaN }
            return (try ds.band(b).bandDescription, v.reduce(0.0) { $0 + Double($1) } / Double(v.count))
        }
    }

    /// Somalia MOD13C1 (04 a): the yearly means 2001-2011 of the MANIFEST
    /// (NDVI x 10000, mean over the 5 x 5 pixels of the per-pixel annual
    /// means); 2000 (from 18 February) and 2012 (one January) flagged incomplete and left out.
    func testSomaliaYearlyMeansMatchTheManifest() throws {
        let input = try RealData.path("\(Self.folder)/bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif")
        let tmp = try TemporaryFolder()
        let r = try StackJob.run(StackOptions(inputs: [input], output: tmp.file("somalia.tif")))
        let means = try bandMeans(r.path)
        XCTAssertEqual(means.map(\.0), (2001...2011).map(String.init))
        XCTAssertEqual(means.map { Int($0.1.rounded()) }, [5397, 5762, 5915, 5867, 5385, 5535, 6321, 5466, 5368, 5018, 4824])
        let dropped = r.manifest.periods.filter { $0.band == nil }
        XCTAssertEqual(dropped.map(\.label), ["2000", "2012"])
        XCTAssertTrue(dropped.allSatisfy { $0.status == "dropped" && ($0.reason ?? "").hasPrefix("incomplete") })
        XCTAssertEqual(dropped.map(\.observations.count), [20, 2])
        let y2001 = r.manifest.periods.first { $0.label == "2001" }!
        XCTAssertEqual(y2001.observations.count, 23)
        XCTAssertEqual(y2001.observations.first?.date, "2001-01-01")
        XCTAssertEqual(y2001.observations.first?.sha256, try SHA256.file(input))
        XCTAssertEqual(y2001.shareMeetingRule, 1)
        // Int16 x 10000 with --scale 0.0001 stores the same means within the rounding of each pixel.
        var o = StackOptions(inputs: [input], output: tmp.file("somalia16.tif"), scale: 0.0001, encoding: .int16)
        o.quiet = true
        let r16 = try StackJob.run(o)
        let ds = try Dataset.open(r16.path)
        XCTAssertEqual(try ds.band(1).declaredScaling?.scale ?? 0, 0.0001, accuracy: 1e-12)
        XCTAssertEqual(try ds.band(1).dataType, .int16)
        for (a, b) in zip(try bandMeans(r16.path), means) { XCTAssertEqual(a.1, b.1, accuracy: 0.5) }
    }

    /// Central Chile (04 c): per-year valid observations and means against
    /// numpy on a plain copy made by `gdal_translate` (band names from its
    /// ENVI header); 2021 (January-June) and 2000 (from 18 February) flagged incomplete.
    func testCentralChileCountsPerYear() throws {
        guard let python = ScipyReference.python() else { throw ScipyReference.skipOrFail("python3 with numpy") }
        let input = try RealData.path("\(Self.folder)/npphen_MegaDrought_MOD13Q1_NDVI_2000_2021.tif")
        let tmp = try TemporaryFolder()
        let r = try StackJob.run(StackOptions(inputs: [input], output: tmp.file("chile.tif")))
        let raw = tmp.file("chile.raw")
        XCTAssertEqual(try Self.shell(["gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BSQ", input, raw]), 0)
        let script = #"""
import json, sys, re
import numpy as np
cfg = json.load(open(sys.argv[1]))
hdr = open(cfg["raw"].rsplit(".", 1)[0] + ".hdr").read()
names = [n.strip() for n in re.search(r"band names = \{([^}]*)\}", hdr).group(1).split(",")]
a = np.fromfile(cfg["raw"], dtype=np.int16).reshape(len(names), -1).astype(float)
a[a == -32768] = np.nan
years = np.array([int(n[1:5]) for n in names])
out = {}
for y in sorted(set(years)):
    s = a[years == y]
    out[str(y)] = {"counts": (~np.isnan(s)).sum(axis=0).tolist(), "means": np.nanmean(s, axis=0).tolist(), "dates": int(s.shape[0])}
json.dump(out, open(sys.argv[2], "w"))
"""#
        let ref = try XCTUnwrap(try ScipyReference.run(python, script: script, input: ["raw": raw], in: tmp) as? [String: [String: Any]])
        let periods = r.manifest.periods
        XCTAssertEqual(periods.map(\.label), (2000...2021).map(String.init))
        XCTAssertEqual(periods.filter { $0.band == nil }.map(\.label), ["2000", "2021"])
        XCTAssertTrue(periods.last!.reason!.contains("incomplete"), periods.last!.reason!)
        let stack = try Dataset.open(r.path), counts = try Dataset.open(r.countPath)
        let all = Window(column: 0, row: 0, width: 8, height: 8)
        for p in periods {
            let want = try XCTUnwrap(ref[p.label])
            XCTAssertEqual(p.observations.count, want["dates"] as? Int, p.label)
            guard let band = p.band else { continue }
            XCTAssertEqual(try counts.band(band).read(all).map { Int($0) }, want["counts"] as? [Int], p.label)
            let means = want["means"] as! [Double]
            for (g, w) in zip(try stack.band(band).read(all), means) { XCTAssertEqual(Double(g), w, accuracy: 0.01, p.label) }
        }
    }

    /// Slovenia (04 d): the per-date files dated by their MODIS names and by
    /// Slovenia_dates.csv give byte-identical stacks. The CSV dates both
    /// A2015001 and A2015017 "01/01/2015" (A2015017 is 17 January): with the
    /// 2015 files that is two files with one date, refused naming both rows;
    /// the comparison therefore stops at 2014.
    func testSloveniaByNameEqualsByCSV() throws {
        let folder = try RealData.path("\(Self.folder)/npphen_v1.1.1_slovenia_MOD13Q1_EVI_per_date")
        let csv = folder + "/Slovenia_dates.csv"
        let tmp = try TemporaryFolder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertEqual(files.count, 365)
        let upTo2014 = files.filter { !$0.contains(".A2015") }.map { folder + "/" + $0 }
        let byName = try StackJob.run(StackOptions(inputs: upTo2014, output: tmp.file("name.tif")))
        let byCSV = try StackJob.run(StackOptions(inputs: upTo2014, output: tmp.file("csv.tif"), datesCSV: csv, csvColumns: ("Id", "date")))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: byName.path)), try Data(contentsOf: URL(fileURLWithPath: byCSV.path)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: byName.countPath)), try Data(contentsOf: URL(fileURLWithPath: byCSV.countPath)))
        XCTAssertEqual(byName.manifest.periods.map(\.label), (2000...2014).map(String.init))
        XCTAssertEqual(byCSV.manifest.periods.flatMap(\.observations).first?.dateFrom, "\(csv) row 1")
        XCTAssertEqual(byName.manifest.periods.flatMap(\.observations).count, 365 - 23)
        // The whole folder by name is fine; with the CSV, A2015017 collides with A2015001.
        XCTAssertNoThrow(try StackJob.run(StackOptions(inputs: [folder], output: tmp.file("all.tif"))))
        XCTAssertThrowsError(try StackJob.run(StackOptions(inputs: [folder], output: tmp.file("bad.tif"), datesCSV: csv, csvColumns: ("Id", "date")))) { e in
            let m = (e as? KubuqiError)?.message ?? "\(e)"
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3)
            for part in ["A2015017", "A2015001", "same date 2015-01-01", "row 344", "row 343"] { XCTAssertTrue(m.contains(part), m) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("bad.tif")))
        XCTAssertEqual(try tmp.contents().filter { $0.hasPrefix(".") }, [], "no temporary file left behind")
    }

    @discardableResult
    static func shell(_ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
