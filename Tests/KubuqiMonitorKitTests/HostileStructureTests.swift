import Foundation
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// Recursion on depth a user or a downloaded file controls (issue 15): scene
/// folders with link loops and deep nesting, deeply nested JSON; and the
/// helpers that keep outputs and messages safe.
final class HostileStructureTests: XCTestCase {
    func testSceneFoldersWithLinkLoopsAndDeepNesting() throws {
        let tmp = try TemporaryFolder()
        let scene = tmp.file("S2B_MSIL2A_X.SAFE")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        XCTAssertEqual(symlink(".", scene + "/loop"), 0)
        XCTAssertEqual(symlink("..", scene + "/up"), 0)
        var deep = scene
        for _ in 0..<300 { deep += "/d" }
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        let started = Date()
        XCTAssertThrowsError(try SensorPreset.sentinel2.load(scene)) { e in
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(try SceneFiles.list(scene), [], "links are not followed into loops")
    }

    func testDeeplyNestedJSONIsAnInputError() throws {
        let tmp = try TemporaryFolder()
        for depth in [1_000, 200_000] {
            let text = "{\"assets\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            try text.write(toFile: tmp.file("item.json"), atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try SensorPreset.sentinel2.load(tmp.file("item.json"))) { e in
                XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)")
            }
            try ("{\"format\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}")
                .write(toFile: tmp.file("plan.json"), atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TilePlan.load(tmp.file("plan.json"))) { e in
                XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)")
            }
        }
    }

    func testQuotedNames() {
        XCTAssertEqual(Quoted.name("/data/B04.tif"), "/data/B04.tif")
        XCTAssertEqual(Quoted.name("a\nb.tif"), "'a\\nb.tif'")
        XCTAssertEqual(Quoted.name("it's.tif"), "'it\\'s.tif'")
        XCTAssertEqual(Quoted.name("x\u{1B}[2J"), "'x\\u{1B}[2J'")
        XCTAssertEqual(Quoted.escaped("one\r\ttwo"), "one\\r\\ttwo")
        XCTAssertEqual(KubuqiError.input("a\nb", "no such file").message, "'a\\nb': no such file")
        // A message that already starts with the file's name names it once (quoted as every other name).
        XCTAssertEqual(KubuqiError.input("zv.geojson", "zv.geojson has no field 'id'").message, "zv.geojson has no field 'id'")
        XCTAssertEqual(KubuqiError.input("a\nb", "a\nb has no vector layer").message, "'a\\nb' has no vector layer")
        XCTAssertEqual(KubuqiError.output("o.tif", "o.tif: exists").message, "o.tif: exists")
        XCTAssertEqual(KubuqiError.input("zv", "zv.geojson has no field").message, "zv: zv.geojson has no field")
    }

    func testStaleNamesAndLivenessAreRecognised() {
        XCTAssertEqual(SafeFiles.ownerPID(".kubuqi-tmp-123-AbC9zz"), 123)
        XCTAssertEqual(SafeFiles.ownerPID(".kubuqi-work-77-000000.interrupted"), 77)
        XCTAssertEqual(SafeFiles.ownerPID(".kubuqi-work-77"), 77)
        XCTAssertEqual(SafeFiles.ownerPID(".ndvi.tif.part-4242"), 4242)
        XCTAssertEqual(SafeFiles.ownerPID(".kubuqi-tile12-5-abcdef"), 5)
        XCTAssertNil(SafeFiles.ownerPID(".kubuqi.lock"))
        XCTAssertNil(SafeFiles.ownerPID("ndvi.tif"))
        XCTAssertTrue(SafeFiles.isAlive(getpid()))
        XCTAssertFalse(SafeFiles.isAlive(0))
    }

    func testMakeFoldersRefusesLinksOnTheWay() throws {
        let tmp = try TemporaryFolder()
        XCTAssertEqual(symlink("/", tmp.file("tables")), 0)
        XCTAssertThrowsError(try SafeFiles.makeFolders("tables/x", under: tmp.path)) { e in
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 4)
            XCTAssertTrue("\(e)".contains("symbolic link"), "\(e)")
        }
        XCTAssertThrowsError(try SafeFiles.makeFolders("../escape", under: tmp.path))
        try SafeFiles.makeFolders("a/b/c", under: tmp.path)
        XCTAssertEqual(SafeFiles.entry(tmp.file("a/b/c"))?.isDirectory, true)
    }
}
