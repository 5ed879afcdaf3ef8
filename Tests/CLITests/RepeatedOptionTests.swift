import Foundation
import TestSupport
import XCTest

/// A single-valued option given twice is refused (exit 2, one line naming the option and the command's help), in
/// every command: swift-argument-parser kept the last value without a word (`-o a -o b` wrote `b`). Repeatable
/// options (`--co`, `--index` lists aside) pass.
final class RepeatedOptionTests: CLITestCase {
    func assertRefused(_ args: [String], _ option: String, _ command: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args, expect: 2, file: file, line: line)
        XCTAssertEqual(r.stderr, "kubuqi-monitor: error: \(option) is given more than once; it takes one value (see 'kubuqi-monitor \(command) --help')\n",
                       file: file, line: line)
    }

    func testASingleValuedOptionGivenTwiceIsRefused() throws {
        let tmp = try TemporaryFolder()
        let red = try TestRaster.write(tmp.file("red.tif"), width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.4])
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 2, height: 2, values: [0.5, 0.6, 0.7, 0.8])
        try assertRefused(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("a.tif"), "-o", tmp.file("b.tif")], "-o/--output", "index")
        try assertRefused(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("a.tif"), "--output=" + tmp.file("b.tif")], "-o/--output", "index")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("a.tif")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("b.tif")))
        try assertRefused(["index", "ndvi", "--red", red, "--red", nir, "--nir", nir, "-o", tmp.file("a.tif")], "--red", "index")
        try assertRefused(["drought", "p.tif", "--scales", "3", "--scales", "12", "-o", tmp.file("d")], "--scales", "drought")
        try assertRefused(["change", "--before", red, "--after", nir, "--before", nir, "-o", tmp.file("c")], "--before", "change")
        try assertRefused(["ldn", "--config", "a.toml", "--config", "b.toml", "--check"], "--config", "ldn")
        try assertRefused(["tiles", "plan", red, "--tile-size", "256", "--tile-size", "512", "-o", tmp.file("p.json")], "--tile-size", "tiles plan")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("d")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("c")))
    }

    /// Repeatable options and an option's value that looks like an option name are not counted twice.
    func testRepeatableOptionsAndValuesPass() throws {
        let tmp = try TemporaryFolder()
        let red = try TestRaster.write(tmp.file("red.tif"), width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.4])
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 2, height: 2, values: [0.5, 0.6, 0.7, 0.8])
        try run(["index", "ndvi", "--red", red, "--nir", nir, "--co", "ZLEVEL=2", "--co", "COG=NO", "-o", tmp.file("a.tif")])
        // `-o` here is --area's value, not a second output.
        try FileManager.default.createDirectory(atPath: tmp.file("c"), withIntermediateDirectories: true)
        try run(["change", "--before", red, "--after", nir, "--threshold", "fixed:0.1", "--area=-o", "-o", tmp.file("c")])
    }
}
