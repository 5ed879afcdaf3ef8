import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Scale-out (docs/scale-out.md): one region split into 4 tiles of the
/// 256 x 256 fixtures, each computed alone, reduced and merged, gives the
/// single-machine rasters pixel for pixel and the same report bytes.
final class ScaleOutTests: CLITestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let stack = fixtures + "/ndvi/ndvi_annual_2000_2024.tif"

    /// `change` of NDVI 2013 -> 2023 from the annual stack.
    static func changeArguments(_ threshold: String, out: String) -> [String] {
        ["change", "--before", stack + ":14", "--after", stack + ":24", "--threshold", threshold, "-o", out]
    }

    static func ldnArguments(out: String) -> [String] { ["ldn", "--config", fixtures + "/ldn.toml", "-o", out] }

    func plan(_ tmp: TemporaryFolder) throws -> String {
        let path = tmp.file("plan.json")
        let r = try run(["tiles", "plan", Self.stack, "--tile-size", "128", "-o", path])
        XCTAssertTrue(r.stdout.contains("4 tiles of 128x128"), r.stdout)
        return path
    }

    /// Every tile's stats pass, reduce, every tile's pass, merge; returns each tile run's stdout.
    @discardableResult
    func runTiled(_ job: [String], plan: String, out: String) throws -> [String] {
        var lines: [String] = []
        for i in 0..<4 { lines.append(try run(job + ["--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]).stdout) }
        try run(["tiles", "reduce", plan, out])
        for i in 0..<4 { lines.append(try run(job + ["--plan", plan, "--tile", "\(i)", "-q"]).stdout) }
        try run(["tiles", "merge", plan, "-o", out, "-q"])   // the output folder as every command takes it (reduce: after the plan)
        return lines
    }

    /// `tiles reduce` and `tiles merge` take the job's output folder after the plan or with `-o`, not neither, not two.
    func testReduceAndMergeNeedOneOutputFolder() throws {
        let tmp = try TemporaryFolder()
        let plan = try plan(tmp)
        for sub in ["reduce", "merge"] {
            let none = try run(["tiles", sub, plan], expect: 2)
            XCTAssertTrue(none.stderr.contains("give the job's output folder"), none.stderr)
            let two = try run(["tiles", sub, plan, tmp.file("a"), "-o", tmp.file("b")], expect: 2)
            XCTAssertTrue(two.stderr.contains("two output folders given"), two.stderr)
            // The same folder spelt twice is one folder (the error is then about the plan, not the folders).
            let same = try run(["tiles", sub, tmp.file("nope.json"), tmp.file("a"), "-o", tmp.file("a") + "/."], expect: 3)
            XCTAssertFalse(same.stderr.contains("two output folders given"), same.stderr)
        }
    }

    /// Same size and the same bits in every pixel (NaN nodata included).
    func assertSamePixels(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let da = try Dataset.open(a), db = try Dataset.open(b)
        XCTAssertNil(da.grid.difference(from: db.grid), "\(a) vs \(b)", file: file, line: line)
        let pa = try TestRaster.read(a), pb = try TestRaster.read(b)
        XCTAssertEqual(pa.map(\.bitPattern), pb.map(\.bitPattern), "pixels of \(a) vs \(b)", file: file, line: line)
    }

    func assertSameBytes(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) {
        let da = FileManager.default.contents(atPath: a), db = FileManager.default.contents(atPath: b)
        XCTAssertNotNil(da, a, file: file, line: line)
        XCTAssertEqual(da, db, "\(a) and \(b) differ", file: file, line: line)
    }

    func assertChangeMatches(_ tiled: String, _ single: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for layer in ["change-class.tif", "change-magnitude.tif"] {
            try assertSamePixels(tiled + "/" + layer, single + "/" + layer, file: file, line: line)
        }
        for f in ["change-stats.json", "change-stats.csv", "quicklook.png"] { assertSameBytes(tiled + "/" + f, single + "/" + f, file: file, line: line) }
    }

    func assertLDNMatches(_ tiled: String, _ single: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let periods = ["baseline", "reporting-2014-2018", "reporting-2019-2024"]
        for p in periods {
            let layers = try FileManager.default.contentsOfDirectory(atPath: single + "/" + p).filter { $0.hasSuffix(".tif") }
            XCTAssertGreaterThanOrEqual(layers.count, 8, p, file: file, line: line)
            for l in layers { try assertSamePixels("\(tiled)/\(p)/\(l)", "\(single)/\(p)/\(l)", file: file, line: line) }
        }
        var reports = ["report.json", "report.md", "report.html", "unccd-reporting.json"]
        reports += try FileManager.default.contentsOfDirectory(atPath: single + "/tables").filter { $0.hasSuffix(".csv") }.map { "tables/" + $0 }
        reports += try FileManager.default.contentsOfDirectory(atPath: single + "/tables/unccd").map { "tables/unccd/" + $0 }
        for f in reports { assertSameBytes(tiled + "/" + f, single + "/" + f, file: file, line: line) }
    }

    func testPlanIsBlockAlignedAndDeterministic() throws {
        let tmp = try TemporaryFolder()
        let path = try plan(tmp)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        XCTAssertEqual(json["blockSize"] as? [Int], [256, 256])
        XCTAssertEqual(json["tileSize"] as? [Int], [128, 128], "a divisor of the 256-pixel block")
        let tiles = json["tiles"] as! [[String: Any]]
        XCTAssertEqual(tiles.map { ($0["window"] as! [String: Int])["column"]! }, [0, 128, 0, 128])
        let input = (json["inputs"] as! [[String: Any]])[0]
        XCTAssertEqual(input["width"] as? Int, 256)
        XCTAssertEqual((input["headerSHA256"] as? String)?.count, 64)
        // The same command writes the same bytes; a bounding box plan rounds to whole blocks.
        try run(["tiles", "plan", Self.stack, "--tile-size", "128", "-o", tmp.file("again.json")])
        assertSameBytes(path, tmp.file("again.json"))
        let r = try run(["tiles", "plan", "--bbox", "296040,4440780,326760,4463820", "--crs", "EPSG:32649", "--res", "30",
                         "--tile-size", "300", "-o", tmp.file("box.json")])
        XCTAssertTrue(r.stdout.contains("1024x768 grid in 12 tiles of 256x256"), r.stdout)
        try run(["change", "--before", Self.stack + ":14", "--after", Self.stack + ":24", "-o", tmp.file("o"), "--plan", path, "--tile", "4"], expect: 2)
    }

    func testChangeTilesMergeIntoTheSingleMachineAnswer() throws {
        let tmp = try TemporaryFolder()
        let plan = try plan(tmp)
        // A minimum mapping unit joins patches across tile edges: the merge sieves the whole class map.
        for (n, (threshold, extra)) in [("sigma:1", []), ("otsu", []), ("sigma:1", ["--mmu", "0.5ha"])].enumerated() {
            let single = tmp.file("single-\(n)"), tiled = tmp.file("tiled-\(n)")
            try run(Self.changeArguments(threshold, out: single) + extra + ["-q"])
            try runTiled(Self.changeArguments(threshold, out: tiled) + extra, plan: plan, out: tiled)
            try assertChangeMatches(tiled, single)
            if n != 1 { try assertSamePublication(tiled, single, patchLayers: ["change-patches.gpkg"]) }
            for f in (extra.isEmpty ? ["change-class.vrt"] : []) + ["change-magnitude.vrt", "reduced.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: tiled + "/" + f), f)
            }
            XCTAssertEqual(try Dataset.open(tiled + "/change-class.tif").metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"),
                           Mosaic.hasDriver("COG") ? "COG" : nil)
        }
    }

    func testLDNTilesMergeIntoTheSingleMachineReport() throws {
        let tmp = try TemporaryFolder()
        let plan = try plan(tmp)
        let single = tmp.file("single"), tiled = tmp.file("tiled")
        try run(Self.ldnArguments(out: single) + ["-q"])
        try runTiled(Self.ldnArguments(out: tiled), plan: plan, out: tiled)
        try assertLDNMatches(tiled, single)
        try assertSamePublication(tiled, single, patchLayers: ["baseline", "reporting-2014-2018", "reporting-2019-2024"].map { "\($0)/sdg-15-3-1-patches.gpkg" })
        // A mosaic in a subfolder names its tiles relative to itself (../tiles/...),
        // not by absolute path: the output folder can be moved or copied whole.
        let layer = "baseline/sdg-15-3-1"
        let vrt = try String(contentsOfFile: "\(tiled)/\(layer).vrt", encoding: .utf8)
        XCTAssertFalse(vrt.contains("relativeToVRT=\"0\""), vrt)
        XCTAssertTrue(vrt.contains(">../tiles/"), vrt)
        try FileManager.default.moveItem(atPath: tiled, toPath: tmp.file("moved"))
        try assertSamePixels(tmp.file("moved/\(layer).vrt"), "\(single)/\(layer).tif")
    }

    func testIndexTilesWithFVCEndMembersMergeIntoTheSingleMachineRasters() throws {
        let tmp = try TemporaryFolder()
        let scene = Self.fixtures + "/landsat/LC09_L2SP_128032_20230819_20230821_02_T1"
        let plan = try plan(tmp)
        let job = ["index", "--index", "ndvi,fvc", "--scene", scene, "--sensor", "landsat-c2l2"]
        try run(job + ["-o", tmp.file("single"), "-q"])
        try runTiled(job + ["-o", tmp.file("tiled")], plan: plan, out: tmp.file("tiled"))
        for name in ["ndvi", "fvc"] { try assertSamePixels(tmp.file("tiled/\(name).tif"), tmp.file("single/\(name).tif")) }
        try assertSamePublication(tmp.file("tiled"), tmp.file("single"), patchLayers: [])
        let soil = try Dataset.open(tmp.file("single/fvc.tif")).metadataItem("KUBUQI_FVC_NDVI_SOIL")
        XCTAssertNotNil(soil)
        XCTAssertEqual(try Dataset.open(tmp.file("tiled/tiles/3/fvc.tif")).metadataItem("KUBUQI_FVC_NDVI_SOIL"), soil, "the region's end-members")
    }

    /// A tile that failed is redone by a rerun; the complete ones are skipped.
    func testRerunRedoesOnlyTheFailedTile() throws {
        let tmp = try TemporaryFolder()
        let plan = try plan(tmp)
        let single = tmp.file("single"), tiled = tmp.file("tiled")
        let job = Self.changeArguments("otsu", out: tiled)
        try run(Self.changeArguments("otsu", out: single) + ["-q"])
        try runTiled(job, plan: plan, out: tiled)
        let manifest0 = tiled + "/tiles/0/tile.json"
        let stamp = try FileManager.default.attributesOfItem(atPath: manifest0)[.modificationDate] as! Date
        // Tile 2's output is lost, and something in its place makes its rerun fail (exit 4).
        try FileManager.default.removeItem(atPath: tiled + "/tiles/2")
        try Data("not a tile".utf8).write(to: URL(fileURLWithPath: tiled + "/tiles/2"))
        for i in [0, 1, 3] { XCTAssertTrue(try run(job + ["--plan", plan, "--tile", "\(i)"]).stdout.contains("skipped")) }
        let failed = try run(job + ["--plan", plan, "--tile", "2"], expect: 4)
        XCTAssertTrue(failed.stderr.contains("tiles/2: is a file"), failed.stderr)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: tiled + "/tiles").contains { ($0.contains(".part-") || $0.contains(".kubuqi-tmp")) }, "no staging left")
        let merge = try run(["tiles", "merge", plan, tiled], expect: 3)
        XCTAssertTrue(merge.stderr.contains("1 of 4 tiles have no complete tiles output: 2"), merge.stderr)
        // Cleared, the rerun of every tile computes tile 2 only.
        try FileManager.default.removeItem(atPath: tiled + "/tiles/2")
        var computed: [Int] = []
        for i in 0..<4 where try run(job + ["--plan", plan, "--tile", "\(i)"]).stdout.contains("written") { computed.append(i) }
        XCTAssertEqual(computed, [2])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: manifest0)[.modificationDate] as? Date, stamp, "tile 0 untouched")
        try run(["tiles", "merge", plan, tiled, "-q"])
        try assertChangeMatches(tiled, single)
    }
}
