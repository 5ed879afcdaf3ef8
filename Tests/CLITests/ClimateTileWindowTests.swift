import Foundation
import KubuqiGDAL
import TestSupport
import XCTest

/// An `ldn` tile with `[climate]` reduces only the window of the precipitation series its pixels need
/// (docs/climate.md, "Tiles"): every tile used to sum the whole series, so a tile's cost grew with the
/// whole grid. The series here is the fixtures' 240 m precipitation whose last 4 rows (of 36) cannot be
/// read (a VRT whose source for them is missing): the top-left tile of 128 x 128 (30 m) needs source
/// rows 0-25 only and runs; the bottom tile and one machine, which need those rows, stop with exit 3.
/// The same with negative values in those rows: the top tile runs, the others refuse them.
/// Bit-identity of the tiles with one machine is `ClimateScaleOutTests`.
final class ClimateTileWindowTests: CLITestCase {
    static let fixtures = ClimateScaleOutTests.fixtures

    /// The fixture's series as a VRT (dates, scale, grid) whose rows 32-35 come from `farSide(band)`.
    func precipitation(_ path: String, farSide: (String) -> String) throws {
        try Mosaic.translate(Self.fixtures + "/climate/precipitation_monthly_2000_2024.tif", to: path, options: ["-of", "VRT"])
        var xml = try String(contentsOfFile: path, encoding: .utf8)
        xml = xml.replacingOccurrences(of: "xOff=\"0\" yOff=\"0\" xSize=\"36\" ySize=\"36\"", with: "xOff=\"0\" yOff=\"0\" xSize=\"36\" ySize=\"32\"")
        xml = xml.replacing(/<SourceBand>(\d+)<\/SourceBand>((?:.|\n)*?)<\/SimpleSource>/) { m in
            "<SourceBand>\(m.output.1)</SourceBand>\(m.output.2)</SimpleSource>\n    " + farSide(String(m.output.1))
        }
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The fixtures' climate config (last reporting period only) reading `precipitation`, its 4 tiles of
    /// 128 x 128 through the stats pass into `tiled`; the job's arguments.
    func tiles(_ tmp: TemporaryFolder, precipitation: String, tiled: String) throws -> (job: [String], plan: String) {
        let text = try String(contentsOfFile: Self.fixtures + "/ldn-climate.toml", encoding: .utf8)
            .replacingOccurrences(of: "reporting = [[2014, 2018], [2019, 2024]]", with: "reporting = [[2019, 2024]]")
            .replacingOccurrences(of: "\"climate/precipitation_monthly_2000_2024.tif\"", with: "\"\(precipitation)\"")
            .replacing(/"(ndvi|landcover|soc)\//) { "\"\(Self.fixtures)/\($0.output.1)/" }
        let config = precipitation + ".toml"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let job = ["ldn", "--config", config, "--no-patches"]
        let plan = tmp.file("plan.json")
        if !FileManager.default.fileExists(atPath: plan) {
            try run(["tiles", "plan", Self.fixtures + "/ndvi/ndvi_annual_rainfed_2000_2024.tif", "--tile-size", "128", "-o", plan])
        }
        for i in 0..<4 { try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]) }
        try run(["tiles", "reduce", plan, tiled])
        return (job, plan)
    }

    /// Runs tile 0 (exit 0), then tile 3 and one machine, which must stop with exit 3 and one error line mentioning `mentions`.
    func assertTopTileRunsAndTheRestStop(_ t: (job: [String], plan: String), tiled: String, single: String, mentions: [String],
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        // Tile 0 (rows and columns 0-127): its warp blocks are rows 0-127 of the 30 m grid, source rows 2-18, 8 to spare.
        try run(t.job + ["-o", tiled, "--plan", t.plan, "--tile", "0", "-q"], file: file, line: line)
        let written = try FileManager.default.subpathsOfDirectory(atPath: tiled + "/tiles").sorted()
        XCTAssertTrue(written.contains("0/reporting-2019-2024/climate-corrected-z.tif"), "\(written)", file: file, line: line)
        // Tile 3 (rows 128-255) needs source rows 10-35; one machine needs them all.
        for args in [t.job + ["-o", tiled, "--plan", t.plan, "--tile", "3", "-q"], t.job + ["-o", single, "-q"]] {
            let r = try run(args, expect: 3, file: file, line: line)
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error:") }
            XCTAssertEqual(errors.count, 1, "one error line: \(r.stderr)", file: file, line: line)
            for m in mentions { XCTAssertTrue(errors.first?.contains(m) == true, "'\(m)' in \(r.stderr)", file: file, line: line) }
        }
    }

    func testATileReadsOnlyItsWindowOfThePrecipitation() throws {
        let tmp = try TemporaryFolder()
        try precipitation(tmp.file("precipitation.vrt")) { band in
            "<SimpleSource><SourceFilename relativeToVRT=\"1\">missing.tif</SourceFilename><SourceBand>\(band)</SourceBand>"
                + "<SrcRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" /><DstRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" /></SimpleSource>"
        }
        let t = try tiles(tmp, precipitation: tmp.file("precipitation.vrt"), tiled: tmp.file("tiled"))
        try assertTopTileRunsAndTheRestStop(t, tiled: tmp.file("tiled"), single: tmp.file("single"), mentions: ["precipitation.vrt", "missing.tif"])

        // Negative precipitation in those rows (the fixture's own values, negated): refused by the tiles whose
        // window holds it and by one machine, not by the top tile, whose pixels it cannot reach.
        try precipitation(tmp.file("negative.vrt")) { band in
            "<ComplexSource><SourceFilename relativeToVRT=\"0\">\(Self.fixtures)/climate/precipitation_monthly_2000_2024.tif</SourceFilename>"
                + "<SourceBand>\(band)</SourceBand><ScaleRatio>-1</ScaleRatio>"
                + "<SrcRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" /><DstRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" /></ComplexSource>"
        }
        let n = try tiles(tmp, precipitation: tmp.file("negative.vrt"), tiled: tmp.file("negative-tiled"))
        try assertTopTileRunsAndTheRestStop(n, tiled: tmp.file("negative-tiled"), single: tmp.file("negative-single"),
                                            mentions: ["negative.vrt", "negative precipitation"])
    }
}
