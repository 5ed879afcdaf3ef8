import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The `ldn` config naming the raw collection (`[productivity.collection]`):
/// one run from dated files to the report equals `stack` run first and `ldn`
/// fed the built stack, every layer pixel for pixel and every table byte for byte.
final class LDNFromCollectionTests: CLITestCase {
    func testLDNFedTheRawCollectionEqualsLDNFedTheBuiltStack() throws {
        let tmp = try TemporaryFolder()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let copy = tmp.file("fixtures")
        try FileManager.default.copyItem(atPath: fixtures, toPath: copy)
        // The fixtures' annual stack taken apart into two dated files a year (v - 0.05 in March, v + 0.05 in September).
        let original = try Dataset.open(copy + "/ndvi/ndvi_annual_2000_2024.tif")
        let all = Window(column: 0, row: 0, width: original.width, height: original.height)
        let scenes = copy + "/scenes"
        try FileManager.default.createDirectory(atPath: scenes, withIntermediateDirectories: false)
        for b in 1...original.bandCount {
            let band = try original.band(b), year = band.bandDescription
            let v = try band.read(all).map { $0 == -32768 ? Float.nan : $0 / 10_000 }
            for (day, delta) in [("03-15", Float(-0.05)), ("09-15", 0.05)] {
                let ds = try Dataset.create("\(scenes)/ndvi_\(year)-\(day).tif", width: original.width, height: original.height, bands: 1, type: .float32)
                try ds.setGeoreferencing(from: original.grid)
                try v.map { $0 + delta }.withUnsafeBufferPointer { try ds.band(1).write(all, from: $0) }
                try ds.close()
            }
        }
        let config = try String(contentsOfFile: copy + "/ldn.toml", encoding: .utf8)
        let stackLines = "stack = \"ndvi/ndvi_annual_2000_2024.tif\"   # one band per year, named \"2000\"..\"2024\"\nscale = 0.0001                              # stored as NDVI x 10000\n"
        XCTAssertTrue(config.contains(stackLines), "the fixtures' config changed: \(config)")
        // One run: the collection named in the config; and stack run first with the same settings, its output named as the stack.
        try config.replacingOccurrences(of: stackLines, with: "\n[productivity.collection]\ninputs = [\"scenes\"]\nmin_coverage = 0.5\n")
            .write(toFile: copy + "/from-collection.toml", atomically: true, encoding: .utf8)
        try run(["stack", scenes, "--min-coverage", "0.5", "-o", copy + "/built32.tif", "-q"])
        try config.replacingOccurrences(of: stackLines, with: "stack = \"built32.tif\"\n").write(toFile: copy + "/from-stack32.toml", atomically: true, encoding: .utf8)
        try run(["ldn", "--config", copy + "/from-stack32.toml", "-o", tmp.file("ldn-stack"), "-q"])
        // The run's temporary folder is a private one, so another process's folders cannot be taken for leftovers.
        let scratch = tmp.file("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        let leftovers = { try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix(".kubuqi-ldn-stack-") } }
        let before = try leftovers()
        XCTAssertEqual(before, [])
        let one = try run(["ldn", "--config", copy + "/from-collection.toml", "-o", tmp.file("ldn-collection"), "-q"], environment: ["TMPDIR": scratch])
        XCTAssertFalse(one.stderr.contains("error"), one.stderr)
        let rasters = try FileManager.default.subpathsOfDirectory(atPath: tmp.file("ldn-stack")).filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertGreaterThanOrEqual(rasters.count, 20)
        for r in rasters {
            let x = try TestRaster.read(tmp.file("ldn-stack/" + r)), y = try TestRaster.read(tmp.file("ldn-collection/" + r))
            XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), "\(r) differs")
        }
        let tables = try FileManager.default.contentsOfDirectory(atPath: tmp.file("ldn-stack/tables")).sorted()
        XCTAssertFalse(tables.isEmpty)
        for t in tables {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.file("ldn-stack/tables/" + t)),
                           FileManager.default.contents(atPath: tmp.file("ldn-collection/tables/" + t)), "tables/\(t) differs")
        }
        // Nothing of the built stack is left in the temporary folder.
        XCTAssertEqual(try leftovers(), before, "the built stack's folder is removed")
        // A plan refuses the collection (every tile would reduce it again): usage error naming the way.
        try run(["tiles", "plan", copy + "/built32.tif", "--tile-size", "128", "-o", tmp.file("plan.json")])
        let tiled = try run(["ldn", "--config", copy + "/from-collection.toml", "-o", tmp.file("tiled"), "--plan", tmp.file("plan.json"), "--tile", "0"], expect: 2)
        XCTAssertTrue(tiled.stderr.contains("stack --plan"), tiled.stderr)
        // Bad values in the collection's table: one line naming the key.
        try config.replacingOccurrences(of: stackLines, with: "\n[productivity.collection]\ninputs = [\"scenes\"]\nmin_obs = 0\n")
            .write(toFile: copy + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try run(["ldn", "--config", copy + "/bad.toml", "-o", tmp.file("bad"), "-q"], expect: 3)
        XCTAssertTrue(bad.stderr.contains("min_obs"), bad.stderr)
    }
}
