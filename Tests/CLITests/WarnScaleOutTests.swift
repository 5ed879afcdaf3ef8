import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `warn` in tiles (docs/scale-out.md, docs/warn.md): the fixture's 64 x 64
/// monthly series split into 4 tiles of 32 x 32, each computed alone, then
/// merged, gives one machine's rasters pixel for pixel and its bulletin,
/// zone table and hotspots byte for byte. Patch B (rows 35-44, columns
/// 30-37) straddles the tile edge at column 32 and the zone edge there: cut
/// per tile it would be two patches of 1.8 and 5.4 ha, both under the 6 ha
/// unit; found on the whole map at the merge it is one 7.2 ha hotspot.
final class WarnScaleOutTests: CLITestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let series = fixtures + "/warn/ndvi_monthly_2010_2021.tif"

    /// Two zones split at column 32 (west, east), as in WarnCommandTests.
    func zones(_ tmp: TemporaryFolder) throws -> String { try WarnCommandTests.zones(in: tmp) }

    func assertSamePixels(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNil(try Dataset.open(a).grid.difference(from: try Dataset.open(b).grid), "\(a) vs \(b)", file: file, line: line)
        XCTAssertEqual(try TestRaster.read(a).map(\.bitPattern), try TestRaster.read(b).map(\.bitPattern), "pixels of \(a) vs \(b)", file: file, line: line)
    }

    func testWarnInFourTilesIsOneMachine() throws {
        let tmp = try TemporaryFolder()
        let zones = try zones(tmp)
        let plan = tmp.file("plan.json")
        let p = try run(["tiles", "plan", Self.series, "--tile-size", "32", "-o", plan])
        XCTAssertTrue(p.stdout.contains("4 tiles of 32x32"), p.stdout)
        let common = ["--baseline", "2010-2019", "--zones", zones, "--zone-field", "name", "--mmu", "6ha"]
        let may = tmp.file("may"), single = tmp.file("single"), tiled = tmp.file("tiled")
        try run(["warn", Self.series, "--at", "2021-05-15", "-o", may, "-q"] + common)
        let job = ["warn", Self.series, "--previous", may] + common + ["-o"]
        let one = try run(["warn", Self.series, "--previous", may, "-o", single, "-q"] + common)
        // As on a cluster: the (empty) stats pass and reduce, every tile, the merge.
        for i in 0..<4 { try run(["warn", Self.series, "--previous", may, "-o", tiled] + common + ["--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]) }
        try run(["tiles", "reduce", plan, tiled])
        for i in 0..<4 { try run(["warn", Self.series, "--previous", may, "-o", tiled] + common + ["--plan", plan, "--tile", "\(i)", "-q"]) }
        let merged = try run(["tiles", "merge", plan, tiled])
        XCTAssertEqual(merged.stdout, one.stdout, "the same summary line")

        // The straddling patch B is one hotspot of 80 pixels, as on one machine.
        let bulletin = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tiled + "/bulletin.json"))) as! [String: Any]
        let hotspots = bulletin["hotspots"] as! [[String: Any]]
        XCTAssertEqual(hotspots.map { $0["pixels"] as! Int }, [120, 80])
        XCTAssertEqual(hotspots.map { $0["status"] as! String }, ["continuing", "new"])
        XCTAssertEqual(hotspots.map { $0["zone"] as! String }, ["west", "east"])

        let layers = try FileManager.default.contentsOfDirectory(atPath: single).filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertEqual(layers.count, 8, "\(layers)")
        for l in layers {
            try assertSamePixels(tiled + "/" + l, single + "/" + l)
            XCTAssertTrue(FileManager.default.fileExists(atPath: tiled + "/" + (l as NSString).deletingPathExtension + ".vrt"), l)
            let a = try Dataset.open(tiled + "/" + l), b = try Dataset.open(single + "/" + l)
            XCTAssertEqual(try a.band(1).bandDescription, try b.band(1).bandDescription, l)
            XCTAssertEqual(a.metadataItem("KUBUQI_WARN_PERIOD"), "2021-06-15", l)
            XCTAssertEqual(a.metadataItem("KUBUQI_WARN_BASELINE"), b.metadataItem("KUBUQI_WARN_BASELINE"), l)
        }
        for f in ["bulletin.json", "zones.csv", "hotspots.geojson", "bulletin.html"] {
            XCTAssertEqual(FileManager.default.contents(atPath: tiled + "/" + f), FileManager.default.contents(atPath: single + "/" + f), "\(f) differs")
        }
        // The Slurm scripts of the same job (not submitted).
        try run(["tiles", "slurm", plan, "--", "kubuqi-monitor"] + job + [tmp.file("slurm-out")])
        let array = try String(contentsOfFile: tmp.file("slurm-out/slurm/tiles.sbatch"), encoding: .utf8)
        XCTAssertTrue(array.contains("warn") && array.contains("--tile"), array)
    }
}
