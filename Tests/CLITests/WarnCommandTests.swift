import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `warn` on the fixtures' monthly series with its planted drought: the
/// hotspot's true area (pyproj, independently), onset and persistence, the
/// zone table, a second run against the first (`--previous`), and bad input.
final class WarnCommandTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    static let series = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/warn/ndvi_monthly_2010_2021.tif").path

    /// Two zones: columns 0-31 ("west", holding patch A) and 32-63 ("east", holding the bare strip and patch B).
    func zones() throws -> String { try Self.zones(in: tmp) }

    /// The two zones as a GeoJSON file in `tmp` (also used by WarnScaleOutTests).
    static func zones(in tmp: TemporaryFolder) throws -> String {
        let x0 = 296_040.0, y0 = 4_463_820.0, mid = x0 + 32 * 30, x1 = x0 + 64 * 30, y1 = y0 - 64 * 30
        func ring(_ a: Double, _ b: Double) -> String { "[[[\(a),\(y0)],[\(b),\(y0)],[\(b),\(y1)],[\(a),\(y1)],[\(a),\(y0)]]]" }
        let json = """
        {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[
        {"type":"Feature","properties":{"name":"west"},"geometry":{"type":"Polygon","coordinates":\(ring(x0, mid))}},
        {"type":"Feature","properties":{"name":"east"},"geometry":{"type":"Polygon","coordinates":\(ring(mid, x1))}}]}
        """
        let path = tmp.file("zones.geojson")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The true area (m2) of a block of pixels, from pyproj: the outline through every pixel corner on
    /// its edge, transformed to WGS 84 and measured by Geod.polygon_area_perimeter (Karney).
    func pyprojArea(rows: ClosedRange<Int>, columns: ClosedRange<Int>) throws -> Double? {
        guard let python = PythonReference.interpreter(needing: "pyproj") else { return nil }
        let script = """
        import json, sys
        from pyproj import Transformer, Geod
        d = json.load(open(sys.argv[1]))
        r0, r1, c0, c1 = d["r0"], d["r1"] + 1, d["c0"], d["c1"] + 1
        pts = [(c, r0) for c in range(c0, c1)] + [(c1, r) for r in range(r0, r1)] + [(c, r1) for c in range(c1, c0, -1)] + [(c0, r) for r in range(r1, r0, -1)]
        t = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)
        lon, lat = zip(*[t.transform(296040.0 + 30 * c, 4463820.0 - 30 * r) for c, r in pts])
        area, _ = Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)
        json.dump({"area": abs(area)}, open(sys.argv[2], "w"))
        """
        return (try PythonReference.run(python, script: script, input: ["r0": rows.lowerBound, "r1": rows.upperBound,
                                                                         "c0": columns.lowerBound, "c1": columns.upperBound]) as? [String: Double])?["area"]
    }

    func bulletin(_ folder: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/bulletin.json"))) as! [String: Any]
    }

    func testPlantedDroughtThenAPreviousRun() throws {
        let zones = try zones()
        let first = tmp.file("may"), second = tmp.file("june")
        let r1 = try run(["warn", Self.series, "--baseline", "2010-2019", "--at", "2021-05-15", "--zones", zones, "--zone-field", "name",
                          "--mmu", "5ha", "-o", first, "-q"])
        XCTAssertEqual(r1.stdout.split(separator: "\n").count, 1, "one summary line: \(r1.stdout)")
        XCTAssertTrue(r1.stdout.contains("1 hotspot"), r1.stdout)
        for f in ["alert-level.tif", "alert-level.qml", "vci.tif", "zscore.tif", "pct-median.tif", "pct-rank.tif", "persistence.tif",
                  "hotspots.gpkg", "hotspots.geojson", "zones.csv", "bulletin.json", "bulletin.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: first + "/" + f), f)
        }
        // The folder is a STAC catalogue of COGs (docs/publishing.md), checked by pystac and GDAL's COG validator.
        if let check = try PublishedFolderCheck.run(first) {
            XCTAssertEqual(check.errors, [], "warn's folder is a valid STAC catalogue of COGs")
            XCTAssertTrue(check.items.contains("warn-alert-level") && check.items.contains("warn-vci"), "\(check.items)")
            XCTAssertTrue(check.cogs.contains { $0.hasSuffix("alert-level.tif") }, "\(check.cogs)")
        }
        // The hotspot is patch A: 120 pixels, extreme, 3 months in alert since 2021-03-15, in the west zone.
        let b1 = try bulletin(first)
        let hotspots = b1["hotspots"] as! [[String: Any]]
        XCTAssertEqual(hotspots.count, 1)
        let a = hotspots[0]
        XCTAssertEqual(a["pixels"] as? Int, 120)
        XCTAssertEqual(a["level"] as? String, "extreme")
        XCTAssertEqual(a["persistence"] as? Int, 3)
        XCTAssertEqual(a["onset"] as? String, "2021-03-15")
        XCTAssertEqual(a["zone"] as? String, "west")
        XCTAssertEqual(a["meanMetric"] as! Double, 0, accuracy: 1e-9, "40 % of normal is far below every baseline year: VCI 0")
        if let truth = try pyprojArea(rows: 10...19, columns: 10...21) {
            // Pixel areas come from the checked area surface: within 5e-5 m2 of the geodesic area per pixel (docs/ldn-method.md §5).
            XCTAssertEqual(a["areaHectares"] as! Double, truth / 10_000, accuracy: 120 * 5e-5 / 10_000, "true area of the planted patch")
        }
        // The same attributes in the GeoPackage, read back through OGR.
        let table = try VectorTable.read(path: first + "/hotspots.gpkg")
        XCTAssertEqual(table.rows.count, 1)
        XCTAssertEqual(table.rows[0].cells[table.columns.firstIndex(of: "onset")!], "2021-03-15")
        XCTAssertEqual(table.rows[0].cells[table.columns.firstIndex(of: "level")!], "extreme")
        // Zones: west holds patch A (120 of 2048 assessable pixels), east the bare strip (512 not assessable) and no alert.
        let csv = try String(contentsOfFile: first + "/zones.csv", encoding: .utf8).split(separator: "\r\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(csv[1][1], "west")
        XCTAssertEqual(csv[1][0], "1")
        XCTAssertEqual(Double(csv[1][8])!, 120.0 / 2048, accuracy: 2e-4)
        XCTAssertEqual(csv[2][1], "east")
        XCTAssertEqual(Double(csv[2][8])!, 0)
        XCTAssertEqual(Double(csv[2][3])! / Double(csv[2][2])!, 512.0 / 1536, accuracy: 1e-3)
        // The bare strip is "not assessable" (9), ordinary land "no alert" (0), patch A extreme (3).
        let levels = try Dataset.open(first + "/alert-level.tif").band(1).read(Window(column: 0, row: 0, width: 64, height: 64))
        XCTAssertEqual(levels[15 * 64 + 15], 3)
        XCTAssertEqual(levels[40 * 64 + 33], 0, "patch B is not in drought before June")
        XCTAssertEqual(levels[30 * 64 + 60], 9)
        XCTAssertEqual(levels.filter { $0 == 3 }.count, 120)
        XCTAssertEqual(levels.filter { $0 == 9 }.count, 512)
        let html = try String(contentsOfFile: first + "/bulletin.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<svg") && !html.contains("src=\"http"), "self-contained page with inline SVG")

        // June, against May: patch A continues (4 months), patch B is new (1 month).
        let r2 = try run(["warn", Self.series, "--baseline", "2010-2019", "--previous", first, "--zones", zones, "--zone-field", "name",
                          "--mmu", "5ha", "-o", second, "-q"])
        XCTAssertTrue(r2.stdout.contains("2 hotspots (1 new, 0 escalated, 1 continuing, 0 resolved)"), r2.stdout)
        let h2 = (try bulletin(second))["hotspots"] as! [[String: Any]]
        XCTAssertEqual(h2.map { $0["status"] as! String }, ["continuing", "new"])
        XCTAssertEqual(h2.map { $0["persistence"] as! Int }, [4, 1])
        XCTAssertEqual(h2.map { $0["onset"] as! String }, ["2021-03-15", "2021-06-15"])
        XCTAssertEqual(h2.map { $0["pixels"] as! Int }, [120, 80])
        XCTAssertEqual(h2.map { $0["zone"] as! String }, ["west", "east"])
        XCTAssertEqual(h2[0]["previous"] as? [Int], [1])
        if let truth = try pyprojArea(rows: 35...44, columns: 30...37) {
            XCTAssertEqual(h2[1]["areaHectares"] as! Double, truth / 10_000, accuracy: 80 * 5e-5 / 10_000)
        }
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: second + "/hotspots.geojson"))) as! [String: Any]
        XCTAssertEqual((geojson["features"] as! [Any]).count, 2)
        // A unit larger than patch B (7.2 ha) leaves it out of the hotspots, not of the map.
        let third = tmp.file("big-mmu")
        let r3 = try run(["warn", Self.series, "--baseline", "2010-2019", "--mmu", "8ha", "-o", third, "-q"])
        XCTAssertTrue(r3.stdout.contains("1 hotspot"), r3.stdout)
        XCTAssertEqual((try bulletin(third))["hotspotsBelowMMU"] as? Int, 1)
    }

    private func assertFails(_ args: [String], code: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try tmp.contents()
        let r = try CLIRunner.run(["warn", "-q"] + args + ["-o", tmp.file("out")])
        XCTAssertEqual(r.status, code, "stderr: \(r.stderr)", file: file, line: line)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error:") }
        XCTAssertEqual(errors.count, 1, "one error line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "stderr should mention \(m): \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(try tmp.contents(), before, "nothing left behind", file: file, line: line)
    }

    /// Two runs on the same inputs write the same bytes: the hotspot GeoPackage's `gpkg_contents.last_change` is fixed,
    /// not the clock's (a cron job's catalogue checksums change only when the data do).
    func testTwoRunsWriteTheSameHotspotBytes() throws {
        let zones = try zones()
        let folders = [tmp.file("a"), tmp.file("b")]
        for f in folders {
            _ = try run(["warn", Self.series, "--baseline", "2010-2019", "--at", "2021-05-15", "--zones", zones, "--zone-field", "name",
                         "--mmu", "5ha", "-o", f, "-q"])
        }
        for name in ["hotspots.gpkg", "hotspots.geojson", "alert-level.tif"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: folders[0] + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: folders[1] + "/" + name))
            XCTAssertEqual(a, b, "\(name) differs between two runs on the same inputs")
        }
    }

    func testBadInput() throws {
        // The baseline 2005-2012 holds May only in 2010-2012: fewer than VCI's 5 years (the series starts in 2010).
        try assertFails([Self.series, "--baseline", "2005-2012", "--at", "2021-05-15"], code: 3,
                        mentions: [Self.series, "2005-2012", "2021-05-15", "in only 3 years (2010, 2011, 2012)", "at least 5"])
        // Too few baseline years for the metric: VCI needs 5, percent of median 3.
        try assertFails([Self.series, "--baseline", "2016-2019"], code: 2, mentions: ["spans 4 years", "vci needs at least 5"])
        try assertFails([Self.series, "--baseline", "2018-2019", "--metric", "pct-median"], code: 2, mentions: ["pct-median needs at least 3"])
        // A series with a gap where the assessed period should be (April 2021 left out).
        let gapped = tmp.file("gapped.tif")
        let keep = (1...138).filter { $0 != 136 }  // 138 bands, 2010-01 to 2021-06: band 136 is 2021-04
        XCTAssertEqual(PythonReference.status("gdal_translate", ["-q"] + keep.flatMap { ["-b", String($0)] } + [Self.series, gapped]), 0)
        try assertFails([gapped, "--baseline", "2010-2019", "--at", "2021-04-15"], code: 3,
                        mentions: [gapped, "no period at 2021-04-15"])
        // Options.
        try assertFails([Self.series, "--baseline", "2010-2019", "--thresholds", "20,10,35"], code: 2, mentions: ["--thresholds"])
        try assertFails([Self.series, "--baseline", "2019-2010"], code: 2, mentions: ["--baseline"])
        try assertFails([Self.series, "--baseline", "2010-2019", "--metric", "vhi"], code: 2, mentions: ["--lst"])
        try assertFails([Self.series, "--baseline", "2010-2019", "--previous", tmp.path], code: 3, mentions: ["hotspots.gpkg"])
        try assertFails([tmp.file("nosuch.tif"), "--baseline", "2010-2019"], code: 3, mentions: ["nosuch.tif"])
    }

    /// `--baseline` reads FIRST..LAST (the form `drought --calibration` and `stack --season` take) as well as
    /// FIRST-LAST: the same years, the same layers; a third spelling is still refused.
    func testBaselineYearsInEitherSpelling() throws {
        var levels: [Data] = []
        for (i, years) in ["2010-2019", "2010..2019"].enumerated() {
            let out = tmp.file("spelling-\(i)")
            _ = try run(["warn", Self.series, "--baseline", years, "--at", "2021-05-15", "-o", out, "-q"])
            XCTAssertEqual(try bulletin(out)["baseline"] as? String, "2010-2019", years)
            levels.append(try Data(contentsOf: URL(fileURLWithPath: out + "/alert-level.tif")))
        }
        XCTAssertEqual(levels[0], levels[1])
        try assertFails([Self.series, "--baseline", "2010_2019"], code: 2, mentions: ["--baseline", "2010_2019"])
    }
}
