import Foundation
import TestSupport
import XCTest

/// The same option has the same names in every command: `--resolution` is also `--res` wherever it is
/// taken (stack and tiles plan had the alias, index did not, and answered `--res` with "did you mean --red?").
final class OptionNamesTests: CLITestCase {
    static let scene = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/landsat/LC09_L2SP_128032_20230819_20230821_02_T1").path

    func testResolutionIsAlsoResEverywhere() throws {
        for command in [["index"], ["stack"], ["tiles", "plan"]] {
            let help = try CLIRunner.run(command + ["--help"]).stdout
            XCTAssertTrue(help.contains("--resolution, --res"), "\(command.joined(separator: " ")) --help")
        }
        let tmp = try TemporaryFolder()
        let args = ["index", "ndvi", "--scene", Self.scene, "--sensor", "landsat-c2l2", "-q"]
        try run(args + ["--resolution", "60", "-o", tmp.file("long.tif")])
        try run(args + ["--res", "60", "-o", tmp.file("short.tif")])
        XCTAssertEqual(try TestRaster.read(tmp.file("short.tif")).count, 128 * 128, "256 x 256 pixels of 30 m at 60 m")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("long.tif"))), try Data(contentsOf: URL(fileURLWithPath: tmp.file("short.tif"))))
    }
}

