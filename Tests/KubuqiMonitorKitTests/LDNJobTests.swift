import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` on the hand-built region: every layer and table worked out by hand.
final class LDNJobTests: XCTestCase {
    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func rows(_ period: [String: Any], _ indicator: String) -> [Int: [String: Any]] {
        let sub = (period["subIndicators"] as! [String: Any])[indicator] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: sub.map { ($0["code"] as! Int, $0) })
    }

    func testHandWorkedRegion() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: config, output: out, quiet: true))

        // Per pixel, by hand (docs/ldn.md):
        //  0 falling: trajectory -3 (S = -55 of 11 years), state -1 (recent mean 0.24 vs 0.46), LPD 1 declining -> -1.
        //  1 rising: trajectory 3, state 1, performance 0 -> LPD 5 increasing -> +1.
        //  2 grassland -> other land: land cover -1; SOC x (1 - 10/20 x 0.9) = -45 % -> -1; SDG -1.
        //  3 other land -> tree: land cover +1; SOC x (1 + 10/20 x 1) = +50 % -> +1; productivity stable; SDG +1.
        //  4-6 flat grassland: all stable. 7 water: flat (trajectory 0) but no land unit, so performance,
        //  LPD and SOC are nodata -> SDG nodata.
        let expected: [String: [Float]] = [
            "trajectory": [-3, 3, 0, 0, 0, 0, 0, 0],
            "lpd": [1, 5, 4, 4, 4, 4, 4, .nan],
            "landcover-status": [0, 0, -1, 1, 0, 0, 0, 0],
            "soc-status": [0, 0, -1, 1, 0, 0, 0, .nan],
            "sdg-15-3-1": [-1, 1, -1, 1, 0, 0, 0, .nan],
        ]
        for (layer, want) in expected {
            let got = try TestRaster.read("\(out)/baseline/\(layer).tif").map { $0 == -32768 ? Float.nan : $0 }
            for i in want.indices {
                if want[i].isNaN { XCTAssertTrue(got[i].isNaN, "\(layer) pixel \(i): \(got[i])") } else { XCTAssertEqual(got[i], want[i], "\(layer) pixel \(i)") }
            }
        }
        // Areas: 0.000900498 km2 a pixel (true area, TestRaster.utm49PixelKm2); 7 land pixels.
        let report = try json("\(out)/report.json")
        let baseline = (report["periods"] as! [[String: Any]])[0]
        let sdg = rows(baseline, "SDG 15.3.1 (one out, all out)")
        let px = TestRaster.utm49PixelKm2
        XCTAssertEqual(sdg[-1]!["km2"] as! Double, 2 * px, accuracy: 3e-9)
        XCTAssertEqual(sdg[1]!["km2"] as! Double, 2 * px, accuracy: 3e-9)
        XCTAssertEqual(sdg[0]!["km2"] as! Double, 3 * px, accuracy: 3e-9)
        XCTAssertEqual(sdg[-32768]!["km2"] as! Double, px, accuracy: 1e-9)
        XCTAssertEqual(sdg[-1]!["percent"] as! Double, 100.0 * 2 / 7, accuracy: 1e-3)
        XCTAssertEqual(baseline["proportionDegradedPercent"] as! Double, 100.0 * 2 / 7, accuracy: 1e-3)
        let lc = rows(baseline, "land cover")
        XCTAssertEqual(lc[-1]!["pixels"] as? Int, 1)
        XCTAssertEqual(lc[1]!["pixels"] as? Int, 1)
        // Water -> water is stable in the matrix (the raster), but water is not land: the table lists it apart.
        XCTAssertEqual(lc[0]!["pixels"] as? Int, 5, "stable land: pixels 0, 1, 4, 5, 6")
        XCTAssertEqual(lc[7]?["pixels"] as? Int, 1, "water at both dates: pixel 7")
        XCTAssertNil(lc[7]?["percent"] as? Double, "water has no share of land")
        XCTAssertEqual(lc[-1]!["percent"] as! Double, 100.0 / 7, accuracy: 1e-3, "1 of the 7 land pixels")
        // Transitions (km2): grassland -> grassland 5 pixels, grassland -> other land 1, other land -> tree 1, water -> water 1.
        let m = baseline["landCoverTransitionsKm2"] as! [[Double]]
        XCTAssertEqual(m[1][1], 5 * px, accuracy: 5e-9)
        XCTAssertEqual(m[1][5], px, accuracy: 1e-9)
        XCTAssertEqual(m[5][0], px, accuracy: 1e-9)
        XCTAssertEqual(m[6][6], px, accuracy: 1e-9)
        XCTAssertEqual(m.flatMap { $0 }.reduce(0, +), 8 * px, accuracy: 8e-9)
        for f in ["report.html", "report.md", "tables/sdg-15-3-1-summary.csv", "tables/baseline-land-cover-transitions.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(f)"), f)
        }
    }

    func testRerunGivesByteIdenticalTables() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("a"), quiet: true))
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("b"), quiet: true))
        for f in ["report.json", "report.md", "tables/sdg-15-3-1-summary.csv", "tables/baseline-productivity-dynamics.csv"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("a/\(f)"))), try Data(contentsOf: URL(fileURLWithPath: tmp.file("b/\(f)"))), f)
        }
    }

    func assertInputError(_ config: String, _ mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: config, output: "", checkOnly: true, quiet: true)), file: file, line: line) { e in
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)", file: file, line: line)
            for m in mentions { XCTAssertTrue("\(e)".contains(m), "\(m) in: \(e)", file: file, line: line) }
        }
    }

    func testMissingYear() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp, stackYears: [2000, 2001, 2002, 2004, 2005, 2006, 2007, 2008, 2009, 2010])
        assertInputError(config, ["ndvi.tif", "missing year 2003"])
    }

    func testYearsOutOfOrder() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp, stackYears: [2000, 2001, 2003, 2002, 2004, 2005, 2006, 2007, 2008, 2009, 2010])
        assertInputError(config, ["ndvi.tif", "out of order", "2002"])
    }

    /// A map dated after every period (2030 for a 2000-2010 baseline) and one between a period's first and last
    /// years (2005) are read by no period: each gets one warning naming it; the maps at the period's ends get none.
    func testLandCoverMapsNoPeriodReadsAreNamed() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        let config = try LDNTestRegion.config(tmp, extra: "")
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let maps = "maps = { 2000 = \"lc2000.tif\", 2010 = \"lc2010.tif\" }"
        XCTAssertTrue(text.contains(maps), text)
        try text.replacingOccurrences(of: maps, with: "maps = { 2000 = \"lc2000.tif\", 2005 = \"lc2010.tif\", 2010 = \"lc2010.tif\", 2030 = \"lc2010.tif\" }")
            .write(toFile: config, atomically: true, encoding: .utf8)
        var lines: [String] = []
        _ = try LDNJob.run(LDNOptions(config: config, output: "", checkOnly: true, quiet: true)) { lines.append($0) }
        let warnings = lines.filter { $0.contains("land-cover map") }
        XCTAssertEqual(warnings.count, 2, lines.joined(separator: "\n"))
        XCTAssertTrue(warnings.contains { $0.contains("the 2005 land-cover map (") && $0.contains("lc2010.tif) is used by no period (baseline 2000 -> 2010)") }, warnings.joined(separator: "\n"))
        XCTAssertTrue(warnings.contains { $0.contains("the 2030 land-cover map") && $0.hasPrefix("warning: ") && $0.contains("ldn.toml") }, warnings.joined(separator: "\n"))
        // The region's own maps (2000 and 2010, the baseline's ends): no warning.
        lines = []
        _ = try LDNJob.run(LDNOptions(config: try LDNTestRegion.config(tmp, extra: ""), output: "", checkOnly: true, quiet: true)) { lines.append($0) }
        XCTAssertFalse(lines.contains { $0.contains("used by no period") }, lines.joined(separator: "\n"))
    }

    func testUnknownLandCoverCodeIsNamedWithItsPixelCount() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp, lcCodes2010: [130, 130, 200, 60, 55, 55, 130, 210])
        assertInputError(config, ["lc2010.tif", "code 55 (2 pixels)"])
    }

    func testGridsThatDiffer() throws {
        let tmp = try TemporaryFolder()
        var config = try LDNTestRegion.write(tmp)
        try TestRaster.write(tmp.file("soc.tif"), width: 4, height: 2, values: Array(repeating: 40, count: 8), epsg: 32650)
        assertInputError(config, ["soc.tif", "EPSG:32650"])
        config = try LDNTestRegion.write(tmp)
        assertNoThrow { try LDNJob.run(LDNOptions(config: config, output: "", checkOnly: true, quiet: true)) }
    }

    func assertNoThrow(_ body: () throws -> Any) { XCTAssertNoThrow(try body()) }

    func testUnreadableConfigNamesLineAndKey() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        // A typo'd key on line 12 of the config.
        assertInputError(try LDNTestRegion.config(tmp, extra: "[soc2]\nbaseline = 1\n"), ["ldn.toml", "soc2", "unknown key"])
        assertInputError(try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = [2000, 2010]\nreporting = [[2008, 2010]\n"),
                         ["ldn.toml:", "parsing array: encountered end-of-file"])
        assertInputError(try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = 2000\n"), ["ldn.toml:13:", "periods.baseline", "[first year, last year]"])
        assertInputError(try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = [2000, 2010]\nreportng = [[2008, 2010]]\n"),
                         ["ldn.toml:14:", "periods.reportng", "unknown key"])
        // A mistyped section is named as unknown, not reported as the required one missing.
        let renamed = try LDNTestRegion.config(tmp, extra: "")
        try String(contentsOfFile: renamed, encoding: .utf8).replacingOccurrences(of: "[soc]", with: "[soil]")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        assertInputError(renamed, ["ldn.toml:", "soil: unknown key", "soc"])
        // stack and files together: one would be ignored.
        let both = try LDNTestRegion.config(tmp, extra: "")
        try String(contentsOfFile: both, encoding: .utf8)
            .replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\nfiles = { 2000 = \"ndvi.tif\" }")
            .write(toFile: both, atomically: true, encoding: .utf8)
        assertInputError(both, ["ldn.toml:", "productivity.files", "stack or files, not both"])
    }
}

extension LDNJobTests {
    func testZoneTables() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        // Zone 1: columns 0-1 (pixels 0, 1, 4, 5); zone 2: columns 2-3 (pixels 2, 3, 6, 7).
        try TestRaster.write(tmp.file("zones.tif"), width: 4, height: 2, values: [1, 1, 2, 2, 1, 1, 2, 2], type: .byte)
        let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.tif\"\n")
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        let report = try json(tmp.file("out/report.json"))
        let zones = ((report["periods"] as! [[String: Any]])[0]["zones"]) as! [[String: Any]]
        XCTAssertEqual(zones.map { $0["id"] as! Int }, [1, 2])
        // Zone 1: one degraded, one improved, two stable -> 25 % degraded; zone 2: one of three land pixels.
        XCTAssertEqual(zones[0]["proportionDegradedPercent"] as! Double, 25, accuracy: 1e-6)
        XCTAssertEqual(zones[1]["proportionDegradedPercent"] as! Double, 100.0 / 3, accuracy: 1e-3)
        let csv = try String(contentsOfFile: tmp.file("out/tables/baseline-zones.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("2,zone 2,\"SDG 15.3.1 (one out, all out)\",no data,1,0.000900,"), csv)
        // Water is not land in the per-zone land-cover rows either (issue 19): zone 2 holds pixel 2 (degraded),
        // 3 (improved), 6 (stable) and 7 (water at both dates) -> 1 of 3 land pixels degraded; zone 1 no water.
        XCTAssertTrue(csv.contains("2,zone 2,land cover,stable,1,0.000900,33.3333,"), csv)
        XCTAssertTrue(csv.contains("2,zone 2,land cover,water,1,0.000900,,"), csv)
        XCTAssertTrue(csv.contains("2,zone 2,land cover,degraded,1,0.000900,33.3333,"), csv)
        XCTAssertTrue(csv.contains("1,zone 1,land cover,stable,4,0.003602,100.0000,"), csv)
        XCTAssertTrue(csv.contains("1,zone 1,land cover,water,0,0.000000,,"), csv)
        // Every table counts the same land: per zone (and over the whole area), the land of the land-cover row
        // (degraded + stable + improved) is the SDG row's, in the JSON, and the water is the water -> water transition.
        func land(_ rows: [[String: Any]]) -> Int { rows.filter { [-1, 0, 1].contains($0["code"] as! Int) }.reduce(0) { $0 + ($1["pixels"] as! Int) } }
        for (zone, want) in zip(zones, [4, 3]) {
            let sub = zone["subIndicators"] as! [String: [[String: Any]]]
            for name in ["land cover", "land productivity", "soil organic carbon", "SDG 15.3.1 (one out, all out)"] {
                XCTAssertEqual(land(sub[name]!), want, "zone \(zone["id"]!) \(name): land pixels")
            }
        }
        let md = try String(contentsOfFile: tmp.file("out/report.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("| land cover | 0.0009 | 0.0045 | 0.0009 | 0.0009 | 0.0000 | 14.29 |"), md)
        XCTAssertTrue(md.contains("| SDG 15.3.1 (one out, all out) | 0.0018 | 0.0027 | 0.0018 | - | 0.0009 | 28.57 |"), md)
        let html = try String(contentsOfFile: tmp.file("out/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<td>zone 2</td><td>land cover</td><td>0.001</td><td>0.001</td><td>0.001</td><td>0.001</td><td>0.000</td><td>33.33</td>"), "the zone's land-cover row in the page")
        let summary = try String(contentsOfFile: tmp.file("out/tables/sdg-15-3-1-summary.csv"), encoding: .utf8)
        XCTAssertTrue(summary.contains("baseline,2000,2010,land cover,water,1,0.000900,\r\n"), summary)
    }
}

extension LDNJobTests {
    /// `minimum_slope`: the falling pixel's slope is -0.04 a year; a floor of 0.05 makes it "no trend".
    func testMinimumSlopeSilencesSmallTrends() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        var text = try String(contentsOfFile: tmp.file("ldn.toml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\nminimum_slope = 0.05")
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        _ = try LDNJob.run(LDNOptions(config: tmp.file("ldn.toml"), output: tmp.file("out"), quiet: true))
        let trajectory = try TestRaster.read(tmp.file("out/baseline/trajectory.tif"))
        XCTAssertEqual(trajectory[0], 0)
        XCTAssertEqual(trajectory[1], 0)
    }
}
