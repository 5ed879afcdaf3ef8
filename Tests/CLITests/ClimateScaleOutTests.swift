import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` with `[climate]` in tiles (docs/climate.md, "Tiles"): the fixtures' climate config
/// (baseline and the last reporting period), 4 tiles of 128 x 128, each warping the 240 m
/// precipitation onto its window of the 30 m grid, merge into the single-machine answer:
/// every layer (the Int16 classes and the Float32 fit and corrected trend) bit for bit, and
/// the same report and table bytes.
final class ClimateScaleOutTests: CLITestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func testClimateTilesMergeIntoTheSingleMachineAnswer() throws {
        let tmp = try TemporaryFolder()
        let text = try String(contentsOfFile: Self.fixtures + "/ldn-climate.toml", encoding: .utf8)
            .replacingOccurrences(of: "reporting = [[2014, 2018], [2019, 2024]]", with: "reporting = [[2019, 2024]]")
            .replacing(/"(ndvi|landcover|soc|climate)\//) { "\"\(Self.fixtures)/\($0.output.1)/" }
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        let job = ["ldn", "--config", tmp.file("ldn.toml")]
        let plan = tmp.file("plan.json")
        try run(["tiles", "plan", Self.fixtures + "/ndvi/ndvi_annual_rainfed_2000_2024.tif", "--tile-size", "128", "-o", plan])
        let single = tmp.file("single"), tiled = tmp.file("tiled")
        try run(job + ["-o", single, "-q"])
        for i in 0..<4 { try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]) }
        try run(["tiles", "reduce", plan, tiled])
        for i in 0..<4 { try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "-q"]) }
        try run(["tiles", "merge", plan, tiled, "-q"])

        for p in ["baseline", "reporting-2019-2024"] {
            let layers = try FileManager.default.contentsOfDirectory(atPath: "\(single)/\(p)").filter { $0.hasSuffix(".tif") }
            for l in ["climate-fit-r2.tif", "climate-corrected-z.tif", "decline-explained-by-rainfall.tif", "trajectory-uncorrected.tif", "state.tif"] {
                XCTAssertTrue(layers.contains(l), "\(p)/\(l) in \(layers)")
            }
            for l in layers {
                let a = try Dataset.open("\(tiled)/\(p)/\(l)"), b = try Dataset.open("\(single)/\(p)/\(l)")
                XCTAssertNil(a.grid.difference(from: b.grid), "\(p)/\(l)")
                XCTAssertEqual(try TestRaster.read("\(tiled)/\(p)/\(l)").map(\.bitPattern), try TestRaster.read("\(single)/\(p)/\(l)").map(\.bitPattern),
                               "pixels of \(p)/\(l)")
            }
        }
        var files = ["report.json", "report.md", "report.html", "unccd-reporting.json"]
        files += try FileManager.default.contentsOfDirectory(atPath: single + "/tables").filter { $0.hasSuffix(".csv") }.map { "tables/" + $0 }
        XCTAssertTrue(files.contains("tables/decline-explained-by-rainfall.csv"), "\(files)")
        for f in files {
            let a = FileManager.default.contents(atPath: "\(tiled)/\(f)"), b = FileManager.default.contents(atPath: "\(single)/\(f)")
            XCTAssertNotNil(a, f)
            XCTAssertEqual(a, b, "\(f) differs")
        }
        // The explained decline is there, not an empty table on both sides.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(tiled)/report.json"))) as! [String: Any]
        let period = (report["periods"] as! [[String: Any]]).first { $0["name"] as? String == "reporting-2019-2024" }!
        XCTAssertGreaterThan(period["declineExplainedByRainfallKm2"] as! Double, 2)
    }
}
