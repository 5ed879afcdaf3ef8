import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` with `[climate]` (docs/climate.md): hand-worked RESTREND and RUE on the 4 x 2 test
/// region, the planted rainfall- and human-driven declines of the fixtures, and bad input.
final class ClimateLDNTests: XCTestCase {
    /// Monthly precipitation on the test region's grid, bands dated `YYYY-MM-15`, each month 1/12 of
    /// `annual(year, pixel)`; `skip` months are left out, `override` sets single values.
    static func writePrecipitation(_ path: String, years: ClosedRange<Int>, skip: Set<String> = [],
                                   override: [String: Float] = [:], annual: (Int, Int) -> Float) throws {
        let w = LDNTestRegion.width, h = LDNTestRegion.height
        var labels: [String] = []
        for y in years { for m in 1...12 { let l = "\(y)-\(m < 10 ? "0" : "")\(m)-15"; if !skip.contains(l) { labels.append(l) } } }
        let ds = try Dataset.create(path, width: w, height: h, bands: labels.count, type: .float32, options: CreationOptions())
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (k, label) in labels.enumerated() {
            let year = Int(label.prefix(4))!
            var values = (0..<(w * h)).map { annual(year, $0) / 12 }
            if let v = override[label] { values[0] = v }
            let band = try ds.band(k + 1)
            band.setDescription(label)
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: w, height: h), from: $0) }
        }
        try ds.close()
    }

    /// Pixel 0's rain follows its falling NDVI (500 mm per NDVI unit); pixel 1 (rising NDVI) gets a
    /// constant 300 mm; the flat pixels get 300 +- 50 mm, alternating.
    static func handRain(_ year: Int, _ pixel: Int) -> Float {
        switch pixel {
        case 0: return 500 * (0.6 - 0.04 * Float(year - 2000))
        case 1: return 300
        default: return year % 2 == 0 ? 350 : 250
        }
    }

    func climateConfig(_ tmp: TemporaryFolder, _ climate: String) throws -> String {
        try LDNTestRegion.config(tmp, extra: "[climate]\nprecipitation = \"rain.tif\"\n" + climate)
    }

    func read(_ out: String, _ layer: String) throws -> [Float] {
        try TestRaster.read("\(out)/baseline/\(layer).tif").map { $0 == -32768 ? .nan : $0 }
    }

    func assertLayer(_ out: String, _ layer: String, _ want: [Float], file: StaticString = #filePath, line: UInt = #line) throws {
        let got = try read(out, layer)
        for i in want.indices {
            if want[i].isNaN { XCTAssertTrue(got[i].isNaN, "\(layer) pixel \(i): \(got[i])", file: file, line: line) }
            else { XCTAssertEqual(got[i], want[i], "\(layer) pixel \(i)", file: file, line: line) }
        }
    }

    func explainedKm2(_ out: String) throws -> Double {
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as! [String: Any]
        let baseline = (report["periods"] as! [[String: Any]])[0]
        return baseline["declineExplainedByRainfallKm2"] as! Double
    }

    /// By hand (2000-2010, 11 years):
    /// - pixel 0: NDVI 0.6 - 0.04 t and rain 500 x NDVI: the fit is exact (R2 1, slope 0.002 NDVI/mm,
    ///   p = 0), every residual 0, so S = 0 and the RESTREND trajectory is 0 where the plain one is
    ///   -3 (S = -55): a decline explained by rainfall. RUE = 1/500 every year: trend 0, explained too.
    /// - pixel 1: rain constant, so no fit: RESTREND falls back (flag 1) to the plain trend, +3;
    ///   RUE = NDVI / 300 rises: +3.
    /// - pixels 2-7: flat NDVI, so S_yy = 0: R2 0, p = 1, fallback to the plain trend, 0.
    func testHandWorkedRestrendAndRUE() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, annual: Self.handRain)
        let px = TestRaster.utm49PixelKm2
        for method in ["restrend", "rue"] {
            let out = tmp.file("out-\(method)")
            _ = try LDNJob.run(LDNOptions(config: try climateConfig(tmp, "method = \"\(method)\"\n"), output: out, quiet: true))
            try assertLayer(out, "trajectory", [0, 3, 0, 0, 0, 0, 0, 0])
            try assertLayer(out, "trajectory-uncorrected", [-3, 3, 0, 0, 0, 0, 0, 0])
            try assertLayer(out, "decline-explained-by-rainfall", [1, 0, 0, 0, 0, 0, 0, 0])
            let r2 = try read(out, "climate-fit-r2"), slope = try read(out, "climate-fit-slope")
            XCTAssertEqual(r2[0], 1, accuracy: 1e-5)
            XCTAssertEqual(slope[0], 0.002, accuracy: 1e-7)
            XCTAssertTrue(r2[1].isNaN, "constant rain: no fit")
            XCTAssertEqual(r2[2], 0)
            XCTAssertEqual(try explainedKm2(out), px, accuracy: 3e-9, "one pixel's true area")
            if method == "restrend" {
                try assertLayer(out, "restrend-fallback", [0, 1, 1, 1, 1, 1, 1, 1])
                XCTAssertEqual(try read(out, "climate-corrected-slope")[0], 0, accuracy: 1e-6)
            } else {
                XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/baseline/restrend-fallback.tif"), "RUE has no fallback")
                XCTAssertEqual(try read(out, "climate-corrected-slope")[1], 0.04 / 300, accuracy: 1e-7, "RUE slope: 0.04 NDVI a year / 300 mm")
            }
            let md = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
            XCTAssertTrue(md.contains("Decline explained by rainfall: **0.0009 km2**"), md)
            let csv = try String(contentsOfFile: "\(out)/tables/decline-explained-by-rainfall.csv", encoding: .utf8)
            XCTAssertTrue(csv.contains("baseline,2000,2010,,all,0.000900"), csv)
        }
        // method = "trend": the indicator keeps the plain trajectory; the comparison layers are RESTREND's.
        let out = tmp.file("out-trend")
        _ = try LDNJob.run(LDNOptions(config: try climateConfig(tmp, "method = \"trend\"\n"), output: out, quiet: true))
        try assertLayer(out, "trajectory", [-3, 3, 0, 0, 0, 0, 0, 0])
        try assertLayer(out, "decline-explained-by-rainfall", [1, 0, 0, 0, 0, 0, 0, 0])
    }

    /// Per zone: the one explained pixel (0) lies in zone 1 (columns 0-1), none in zone 2.
    func testDeclineExplainedPerZone() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, annual: Self.handRain)
        try TestRaster.write(tmp.file("zones.tif"), width: 4, height: 2, values: [1, 1, 2, 2, 1, 1, 2, 2], type: .byte)
        let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.tif\"\n\n[climate]\nprecipitation = \"rain.tif\"\n")
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: config, output: out, quiet: true))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as! [String: Any]
        let zones = (report["periods"] as! [[String: Any]])[0]["zones"] as! [[String: Any]]
        XCTAssertEqual(zones.map { $0["id"] as! Int }, [1, 2])
        XCTAssertEqual(zones[0]["declineExplainedByRainfallKm2"] as! Double, TestRaster.utm49PixelKm2, accuracy: 3e-9)
        XCTAssertEqual(zones[1]["declineExplainedByRainfallKm2"] as! Double, 0)
        let csv = try String(contentsOfFile: "\(out)/tables/decline-explained-by-rainfall.csv", encoding: .utf8)
        XCTAssertTrue(csv.contains("baseline,2000,2010,1,zone 1,0.000900"), csv)
        XCTAssertTrue(csv.contains("baseline,2000,2010,2,zone 2,0.000000"), csv)
        let md = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        XCTAssertTrue(md.contains("by zone: zone 1 0.0009, zone 2 0.0000"), md)
    }

    /// A season across the new year counts for the year it ends in: November 1999 to March 2000 is
    /// 2000. Pixel 0's season totals stay linear in its NDVI (2/12 of one year's rain plus 3/12 of
    /// the next), so RESTREND still leaves nothing to trend; a series starting in January 2000 holds
    /// only 3 of the 5 months of the 2000 season and is refused.
    func testSeasonCountsForTheYearItEndsIn() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        let skip = Set((1...10).map { "1999-\($0 < 10 ? "0" : "")\($0)-15" })
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 1999...2010, skip: skip, annual: Self.handRain)
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: try climateConfig(tmp, "season = \"11-01..03-31\"\n"), output: out, quiet: true))
        try assertLayer(out, "trajectory", [0, 3, 0, 0, 0, 0, 0, 0])
        try assertLayer(out, "decline-explained-by-rainfall", [1, 0, 0, 0, 0, 0, 0, 0])
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, annual: Self.handRain)
        assertInputError(try climateConfig(tmp, "season = \"11-01..03-31\"\n"), ["rain.tif", "holds 3 of 5 observations in 2000"])
    }

    func assertInputError(_ config: String, _ mentions: [String], check: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kubuqi-climate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: config, output: out, checkOnly: check, quiet: true)), file: file, line: line) { e in
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)", file: file, line: line)
            for m in mentions { XCTAssertTrue("\(e)".contains(m), "\(m) in: \(e)", file: file, line: line) }
        }
        if !check {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            XCTAssertTrue(left.allSatisfy { $0 == ".kubuqi.lock" }, "nothing left behind: \(left)", file: file, line: line)
        }
    }

    func testBadClimateInput() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, annual: Self.handRain)
        // Every value validated, errors naming file, line and key.
        for (text, mentions) in [
            ("method = \"resttrend\"\n", ["ldn.toml:", "climate.method", "unknown value 'resttrend' (did you mean 'restrend'?)", "restrend, rue"]),
            ("correct = \"state\"\n", ["ldn.toml:", "climate.correct", "unknown value 'state'", "trajectory-state, trajectory"]),
            ("significance = 0\n", ["climate.significance", "more than 0 and at most 0.5"]),
            ("significance = 0.7\n", ["climate.significance", "got 0.7"]),
            ("significance = nan\n", ["climate.significance"]),
            ("season = \"13-01..03-31\"\n", ["climate.season", "MM-DD..MM-DD"]),
            ("scale = -1\n", ["climate.scale"]),
            ("precip = \"x.tif\"\n", ["climate.precip", "unknown key"]),
        ] {
            assertInputError(try climateConfig(tmp, text), mentions)
        }
        assertInputError(try LDNTestRegion.config(tmp, extra: "[climate]\nmethod = \"rue\"\n"), ["climate.precipitation"])
        assertInputError(try LDNTestRegion.config(tmp, extra: "[climate]\nprecipitation = \"none.tif\"\n"), ["none.tif"])
        let rueSlope = try climateConfig(tmp, "method = \"rue\"\n")
        try String(contentsOfFile: rueSlope, encoding: .utf8).replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\nminimum_slope = 0.001")
            .write(toFile: rueSlope, atomically: true, encoding: .utf8)
        assertInputError(rueSlope, ["climate.method", "minimum_slope"])

        // Years of the window missing: the series ends in 2007; one month of 2005 missing.
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2007, annual: Self.handRain)
        assertInputError(try climateConfig(tmp, ""), ["rain.tif", "baseline trajectory window 2000-2010", "has nothing in 2008", "complete years: 2000-2007"])
        // State corrected (the default): state's windows need precipitation too; with correct = "trajectory" they do not.
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2002...2010, annual: Self.handRain)
        let windows = "[windows.baseline]\ntrajectory = [2003, 2010]\nstate = [[2000, 2007], [2008, 2010]]\n"
        let stateConfig = try LDNTestRegion.config(tmp, extra: windows + "[climate]\nprecipitation = \"rain.tif\"\n")
        assertInputError(stateConfig, ["rain.tif", "the baseline state baseline window 2000-2007", "has nothing in 2000", "complete years: 2002-2010"])
        let trajectoryOnly = try LDNTestRegion.config(tmp, extra: windows + "[climate]\nprecipitation = \"rain.tif\"\ncorrect = \"trajectory\"\n")
        XCTAssertNoThrow(try LDNJob.run(LDNOptions(config: trajectoryOnly, output: tmp.file("trajectory-only"), checkOnly: true, quiet: true)))
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, skip: ["2005-07-15"], annual: Self.handRain)
        assertInputError(try climateConfig(tmp, ""), ["rain.tif", "holds 11 of 12 observations in 2005", "complete years: 2000-2004, 2006-2010"])

        // Negative precipitation: found when the series is read (not by --check), nothing left behind.
        try Self.writePrecipitation(tmp.file("rain.tif"), years: 2000...2010, override: ["2003-02-15": -4], annual: Self.handRain)
        assertInputError(try climateConfig(tmp, ""), ["rain.tif", "negative precipitation (-4.0 mm", "2003"], check: false)
    }

    /// The fixtures' config with only the baseline and the last reporting period (test time), `[climate]` lines replaced.
    func runFixture(_ tmp: TemporaryFolder, method: String, correct: String? = nil) throws -> String {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        var text = try String(contentsOfFile: fixtures + "/ldn-climate.toml", encoding: .utf8)
            .replacingOccurrences(of: "reporting = [[2014, 2018], [2019, 2024]]", with: "reporting = [[2019, 2024]]")
            .replacing(/"(ndvi|landcover|soc|climate)\//) { "\"\(fixtures)/\($0.output.1)/" }
        XCTAssertTrue(text.contains("method = \"restrend\""))
        text = text.replacingOccurrences(of: "method = \"restrend\"", with: "method = \"\(method)\"") + (correct.map { "correct = \"\($0)\"\n" } ?? "")
        let name = "\(method)-\(correct ?? "default")"
        try text.write(toFile: tmp.file("\(name).toml"), atomically: true, encoding: .utf8)
        let out = tmp.file(name)
        _ = try LDNJob.run(LDNOptions(config: tmp.file("\(name).toml"), output: out, quiet: true))
        return out
    }

    /// The planted regions (1 rainfall-driven, 2 human-driven decline).
    func plantedRegions() throws -> [Float] {
        try TestRaster.read(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/truth/climate_regions.tif").path)
    }

    /// The fixtures' planted truth (Fixtures/README.md, "Climate"): over 2009-2024 the plain
    /// trajectory declines in both the rainfall-driven and the human-driven region; RESTREND (trajectory
    /// and state corrected, the default) keeps the human one declining and degraded, and the rainfall
    /// one neither declining nor degraded, which the decline-explained-by-rainfall layer marks, with its
    /// true area in the report.
    func testPlantedRainfallAndHumanDeclines() throws {
        let tmp = try TemporaryFolder()
        let out = try runFixture(tmp, method: "restrend")
        let regions = try plantedRegions()
        func layer(_ name: String) throws -> [Float] { try TestRaster.read("\(out)/reporting-2019-2024/\(name).tif") }
        let corrected = try layer("trajectory"), plain = try layer("trajectory-uncorrected")
        let explained = try layer("decline-explained-by-rainfall"), status = try layer("productivity-status")
        func share(_ region: Float, _ test: (Int) -> Bool) -> Double {
            let idx = regions.indices.filter { regions[$0] == region }
            return Double(idx.filter(test).count) / Double(idx.count)
        }
        let declining: (Float) -> Bool = { $0 <= -2 && $0 >= -3 }
        // Plain trend: both regions declining.
        XCTAssertGreaterThan(share(1) { declining(plain[$0]) }, 0.99, "rainfall region, plain trend")
        XCTAssertGreaterThan(share(2) { declining(plain[$0]) }, 0.99, "human region, plain trend")
        // RESTREND: the human region declining and degraded, the rainfall region neither declining nor degraded.
        XCTAssertGreaterThan(share(2) { declining(corrected[$0]) }, 0.99, "human region, RESTREND")
        XCTAssertGreaterThan(share(2) { status[$0] == -1 }, 0.99, "human region degraded")
        XCTAssertLessThan(share(1) { declining(corrected[$0]) }, 0.02, "rainfall region, RESTREND (noise alone at the 95 % level)")
        XCTAssertLessThan(share(1) { status[$0] == -1 }, 0.02, "rainfall region not degraded (state on the normalized series)")
        XCTAssertGreaterThan(share(1) { explained[$0] == 1 }, 0.98, "rainfall region: decline explained by rainfall")
        XCTAssertEqual(share(2) { explained[$0] == 1 }, 0, "human region: not explained by rainfall")
        // The report's area: the explained pixels' true areas (all within 1 % of 0.0009 km2 here: UTM scale 0.9996 at 49N's edge).
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as! [String: Any]
        let period = (report["periods"] as! [[String: Any]]).first { $0["name"] as? String == "reporting-2019-2024" }!
        let km2 = period["declineExplainedByRainfallKm2"] as! Double
        let count = Double(explained.filter { $0 == 1 }.count)
        XCTAssertEqual(km2, count * 0.0009, accuracy: count * 0.0009 * 0.002, "\(count) pixels")
        XCTAssertGreaterThan(count, 2280)
    }

    /// The same truth under RUE (trajectory and state corrected) and under RESTREND with
    /// `correct = "trajectory"` (Trends.Earth's behaviour). RUE: the human region declining and
    /// degraded, the rainfall region not degraded (its RUE rises in the dry years, docs/climate.md,
    /// so it reads as improving, not as stable). Trajectory only: the rainfall region's trajectory
    /// is stable but state, on the plain NDVI of the driest recent years, falls two classes or
    /// more: LPD class 2 (early signs of decline), degraded.
    func testPlantedTruthUnderRUEAndTrajectoryOnly() throws {
        let tmp = try TemporaryFolder()
        let regions = try plantedRegions()
        func share(_ region: Float, _ values: [Float], _ test: (Float) -> Bool) -> Double {
            let idx = regions.indices.filter { regions[$0] == region }
            return Double(idx.filter { test(values[$0]) }.count) / Double(idx.count)
        }
        let rue = try runFixture(tmp, method: "rue")
        let rueStatus = try TestRaster.read("\(rue)/reporting-2019-2024/productivity-status.tif")
        let rueTrajectory = try TestRaster.read("\(rue)/reporting-2019-2024/trajectory.tif")
        XCTAssertGreaterThan(share(2, rueTrajectory) { $0 <= -2 && $0 >= -3 }, 0.99, "human region declining under RUE")
        XCTAssertGreaterThan(share(2, rueStatus) { $0 == -1 }, 0.99, "human region degraded under RUE")
        XCTAssertLessThan(share(1, rueStatus) { $0 == -1 }, 0.02, "rainfall region not degraded under RUE")

        let te = try runFixture(tmp, method: "restrend", correct: "trajectory")
        let teStatus = try TestRaster.read("\(te)/reporting-2019-2024/productivity-status.tif")
        let teState = try TestRaster.read("\(te)/reporting-2019-2024/state.tif")
        let teLPD = try TestRaster.read("\(te)/reporting-2019-2024/lpd.tif")
        XCTAssertGreaterThan(share(1, teState) { $0 == -1 }, 0.98, "rainfall region: plain state degraded")
        XCTAssertGreaterThan(share(1, teLPD) { $0 == 2 }, 0.98, "rainfall region: LPD class 2 with the trajectory alone corrected")
        XCTAssertGreaterThan(share(1, teStatus) { $0 == -1 }, 0.98, "rainfall region degraded with the trajectory alone corrected")
        XCTAssertGreaterThan(share(2, teStatus) { $0 == -1 }, 0.99, "human region degraded")
    }
}
