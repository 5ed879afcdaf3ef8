import Foundation
import TestSupport
import XCTest

/// Issue 13 item 12: after `ldn`, the output folder holds exactly this run's outputs.
final class LDNOutputFolderTests: XCTestCase {
    func files(_ root: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: root)!
        var out: [String] = []
        while let f = e.nextObject() as? String {
            var d: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + f, isDirectory: &d), !d.boolValue { out.append(f) }
        }
        return out.sorted()
    }

    func ldn(_ config: String, _ out: String) throws {
        let r = try CLIRunner.run(["ldn", "--config", config, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Re-running with other reporting periods leaves no folder or table of the old ones (a user's own
    /// file stays); two identical runs give folders equal file by file and byte by byte, the lock file
    /// included (what `diff -r` checks).
    func testOutputFolderHoldsExactlyThisRun() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        var config = try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = [2000, 2005]\nreporting = [[2006, 2008]]\n")
        try ldn(config, tmp.file("out"))
        XCTAssertTrue(files(tmp.file("out")).contains("tables/reporting-2006-2008-productivity-dynamics.csv"))
        try "mine".write(toFile: tmp.file("out/notes.txt"), atomically: true, encoding: .utf8)
        config = try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = [2000, 2005]\nreporting = [[2008, 2010]]\n")
        try ldn(config, tmp.file("out"))
        let after = files(tmp.file("out"))
        XCTAssertFalse(after.contains { $0.contains("2006-2008") }, "\(after)")
        XCTAssertTrue(after.contains("reporting-2008-2010/sdg-15-3-1.tif"))
        XCTAssertTrue(after.contains("notes.txt"), "a file ldn does not write is left alone")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out/reporting-2006-2008")))

        try ldn(config, tmp.file("again"))
        try FileManager.default.removeItem(atPath: tmp.file("out/notes.txt"))
        let first = files(tmp.file("out")), second = files(tmp.file("again"))
        XCTAssertEqual(first, second)
        XCTAssertTrue(first.contains(".kubuqi.lock"))
        for f in first {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.file("out/" + f)), FileManager.default.contents(atPath: tmp.file("again/" + f)), f)
        }
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-r", tmp.file("out"), tmp.file("again")]
        try diff.run()
        diff.waitUntilExit()
        XCTAssertEqual(diff.terminationStatus, 0, "diff -r finds the two runs' folders different")
    }

    /// The last line names the report and every file beside it that exists, unccd-reporting.json (the
    /// UNCCD SO1 figures the README's tour points to) included.
    func testTheReportLineNamesTheFilesWritten() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        let config = try LDNTestRegion.config(tmp, extra: "", periods: "[periods]\nbaseline = [2000, 2005]\nreporting = [[2006, 2008]]\n")
        let r = try CLIRunner.run(["ldn", "--config", config, "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let last = try XCTUnwrap(r.stdout.split(separator: "\n").last.map(String.init))
        XCTAssertEqual(last, "Report: \(tmp.file("out"))/report.html (also report.json, report.md, unccd-reporting.json, tables/*.csv)")
        for f in ["report.html", "report.json", "report.md", "unccd-reporting.json", "tables"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("out/" + f)), f)
        }
    }
}
