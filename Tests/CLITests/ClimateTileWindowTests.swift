import Foundation
import KubuqiGDAL
import TestSupport
import XCTest

/// An `ldn` tile with `[climate]` reduces only the window of the precipitation series its pixels need
/// (docs/climate.md, "Tiles"): every tile used to sum the whole series, so a tile's cost grew with the
/// whole grid. The series here is the fixtures' 240 m precipitation whose last 4 rows (of 36) cannot be
/// read (a VRT whose source for them is missing): the top-left tile of 128 x 128 (30 m) needs source
/// rows 0-25 only and runs; the bottom tile and one machine, which need those rows, stop with exit 3.
/// Bit-identity of the tiles with one machine is `ClimateScaleOutTests`.
final class ClimateTileWindowTests: CLITestCase {
    static let fixtures = ClimateScaleOutTests.fixtures

    func testATileReadsOnlyItsWindowOfThePrecipitation() throws {
        let tmp = try TemporaryFolder()
        // The fixture's series as a VRT (dates, scale, grid), rows 32-35 from a file that does not exist.
        try Mosaic.translate(Self.fixtures + "/climate/precipitation_monthly_2000_2024.tif", to: tmp.file("precipitation.vrt"), options: ["-of", "VRT"])
        var xml = try String(contentsOfFile: tmp.file("precipitation.vrt"), encoding: .utf8)
        xml = xml.replacingOccurrences(of: "xOff=\"0\" yOff=\"0\" xSize=\"36\" ySize=\"36\"", with: "xOff=\"0\" yOff=\"0\" xSize=\"36\" ySize=\"32\"")
        xml = xml.replacing(/<SourceBand>(\d+)<\/SourceBand>((?:.|\n)*?)<\/SimpleSource>/) { m in
            "<SourceBand>\(m.output.1)</SourceBand>\(m.output.2)</SimpleSource>\n    <SimpleSource><SourceFilename relativeToVRT=\"1\">missing.tif</SourceFilename>"
                + "<SourceBand>\(m.output.1)</SourceBand><SrcRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" />"
                + "<DstRect xOff=\"0\" yOff=\"32\" xSize=\"36\" ySize=\"4\" /></SimpleSource>"
        }
        XCTAssertEqual(xml.components(separatedBy: "missing.tif").count - 1, 300, "a missing source under every month")
        try xml.write(toFile: tmp.file("precipitation.vrt"), atomically: true, encoding: .utf8)

        let text = try String(contentsOfFile: Self.fixtures + "/ldn-climate.toml", encoding: .utf8)
            .replacingOccurrences(of: "reporting = [[2014, 2018], [2019, 2024]]", with: "reporting = [[2019, 2024]]")
            .replacingOccurrences(of: "\"climate/precipitation_monthly_2000_2024.tif\"", with: "\"\(tmp.file("precipitation.vrt"))\"")
            .replacing(/"(ndvi|landcover|soc)\//) { "\"\(Self.fixtures)/\($0.output.1)/" }
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        let job = ["ldn", "--config", tmp.file("ldn.toml"), "--no-patches"]
        let plan = tmp.file("plan.json"), tiled = tmp.file("tiled")
        try run(["tiles", "plan", Self.fixtures + "/ndvi/ndvi_annual_rainfed_2000_2024.tif", "--tile-size", "128", "-o", plan])
        for i in 0..<4 { try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]) }
        try run(["tiles", "reduce", plan, tiled])

        // Tile 0 (rows and columns 0-127): its warp blocks are rows 0-127 of the 30 m grid, source rows 2-18, 8 to spare.
        try run(job + ["-o", tiled, "--plan", plan, "--tile", "0", "-q"])
        let written = try FileManager.default.subpathsOfDirectory(atPath: tiled + "/tiles").sorted()
        XCTAssertTrue(written.contains("0/reporting-2019-2024/climate-corrected-z.tif"), "\(written)")
        // Tile 3 (rows 128-255) needs source rows 10-35; one machine needs them all.
        for args in [job + ["-o", tiled, "--plan", plan, "--tile", "3", "-q"], job + ["-o", tmp.file("single"), "-q"]] {
            let r = try run(args, expect: 3)
            XCTAssertTrue(r.stderr.contains("precipitation.vrt") || r.stderr.contains("missing.tif"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error:") }.count, 1, "one error line: \(r.stderr)")
        }
    }
}
