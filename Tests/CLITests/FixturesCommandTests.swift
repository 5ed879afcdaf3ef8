import Foundation
import TestSupport
import XCTest

/// `fixtures`: the output folder as OUTDIR or, as every other command writes it, `-o OUTDIR`.
final class FixturesCommandTests: CLITestCase {
    func testOutputFolderAsArgumentOrDashO() throws {
        let tmp = try TemporaryFolder()
        try run(["fixtures", "-q", tmp.file("positional")])
        try run(["fixtures", "-q", "-o", tmp.file("dash-o")])
        try run(["fixtures", "-q", tmp.file("both"), "--output", tmp.file("both")])
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: tmp.file("positional"))).sorted()
        XCTAssertGreaterThan(files.count, 30)
        for other in ["dash-o", "both"] {
            XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: tmp.file(other)).sorted(), files, other)
            for f in files where f.hasSuffix(".tif") || f.hasSuffix(".json") {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("positional/" + f))),
                               try Data(contentsOf: URL(fileURLWithPath: tmp.file(other + "/" + f))), "\(other)/\(f)")
            }
        }
        for (args, message) in [([String](), "missing the output folder: give OUTDIR or -o OUTDIR"),
                                ([tmp.file("a"), "-o", tmp.file("b")], "two output folders")] {
            let r = try CLIRunner.run(["fixtures"] + args)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(message) && r.stderr.contains("(see 'kubuqi-monitor fixtures --help')"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("a")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("b")))
    }
}
