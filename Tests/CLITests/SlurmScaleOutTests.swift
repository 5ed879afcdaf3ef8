import Foundation
import TestSupport
import XCTest

/// The scale-out on a real (one-node) Slurm cluster started by
/// `Scripts/slurm-local.sh`: change and ldn as job arrays of 4 tiles through
/// `tiles slurm --submit`, the same answer as one machine; a tile made to fail
/// is rerun alone by `--only-missing`.
///
/// Outside CI the test is skipped when the cluster cannot start; under
/// `CI=true` it must run.
extension ScaleOutTests {
    static var slurmScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/slurm-local.sh").path
    }

    /// Runs a program; (status, stdout + stderr). The output goes through a file, not a pipe:
    /// daemons the program starts must not hold the reader open.
    @discardableResult
    static func shell(_ args: [String]) -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kubuqi-shell-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        guard let handle = try? FileHandle(forWritingTo: log) else { return (127, "cannot write \(log.path)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        do { try p.run() } catch { return (127, "\(args[0]): \(error)") }
        p.waitUntilExit()
        try? handle.close()
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func startCluster() throws {
        // A cluster this test starts is stopped at its end; one already running is left as it was.
        if Self.shell(["bash", Self.slurmScript, "status"]).0 != 0 {
            addTeardownBlock { Self.shell(["bash", Self.slurmScript, "stop"]) }
        }
        let (status, output) = Self.shell(["bash", Self.slurmScript, "start"])
        guard status == 0 else {
            let message = "the one-node Slurm cluster does not start (Scripts/slurm-local.sh start, exit \(status)): \(output.suffix(600))"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message); throw XCTSkip("failed: " + message) }
            throw XCTSkip(message)
        }
    }

    /// The job ids printed by `tiles slurm --submit`.
    func jobIDs(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line in
            line.hasPrefix("submitted ") ? line.split(separator: " ").last.map(String.init) : nil
        }
    }

    /// Waits until none of `ids` is queued or running (bounded).
    func waitForJobs(_ ids: [String], seconds: Double = 120) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (status, out) = Self.shell(["squeue", "-h", "-j", ids.joined(separator: ","), "-o", "%i %T"])
            if status == 0 && out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            usleep(500_000)
        }
        XCTFail("jobs \(ids) still queued after \(Int(seconds)) s: \(Self.shell(["squeue"]).1)")
    }

    func testSlurmJobArraysMatchOneMachineAndResubmitOnlyTheFailedTile() throws {
        try startCluster()
        let tmp = try TemporaryFolder()
        let plan = tmp.file("plan.json")
        try run(["tiles", "plan", ScaleOutTests.stack, "--tile-size", "128", "-o", plan])
        let binary = CLIRunner.executable.path
        let change = tmp.file("change"), ldn = tmp.file("ldn")
        let changeJob = ScaleOutTests.changeArguments("otsu", out: change), ldnJob = ScaleOutTests.ldnArguments(out: ldn)

        // Both jobs as arrays of 4 tiles, two tiles at a time, while one machine computes the references.
        var ids: [String] = []
        for job in [changeJob, ldnJob] {
            let r = try run(["tiles", "slurm", plan, "--submit", "--throttle", "2", "--", binary] + job)
            XCTAssertTrue(r.stdout.contains("(array 0-3%2)"), r.stdout)
            let submitted = jobIDs(r.stdout)
            XCTAssertEqual(submitted.count, 4, "stats, reduce, tiles, merge: \(r.stdout)")
            ids += submitted
        }
        // Jobs of a failing run are cancelled, not left pending for the next run.
        addTeardownBlock { [ids] in Self.shell(["scancel"] + ids) }
        try run(ScaleOutTests.changeArguments("otsu", out: tmp.file("change-single")) + ["-q"])
        try run(ScaleOutTests.ldnArguments(out: tmp.file("ldn-single")) + ["-q"])
        waitForJobs(ids)
        for i in 0..<4 { XCTAssertTrue(FileManager.default.fileExists(atPath: change + "/slurm/logs/tile-\(i).out"), "log of tile \(i)") }
        try assertChangeMatches(change, tmp.file("change-single"))
        try assertLDNMatches(ldn, tmp.file("ldn-single"))

        // Tile 2 fails (its folder is taken by a file): its array task fails and the merge is cancelled.
        let stamp = try FileManager.default.attributesOfItem(atPath: change + "/tiles/0/tile.json")[.modificationDate] as! Date
        try FileManager.default.removeItem(atPath: change + "/tiles/2")
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: change + "/tiles/2"))
        unlink(change + "/change-stats.json")
        let again = try run(["tiles", "slurm", plan, "--submit", "--only-missing", "--", binary] + changeJob)
        XCTAssertTrue(again.stdout.contains("tiles: ") && again.stdout.contains("(array 2)"), again.stdout)
        XCTAssertFalse(again.stdout.contains("stats:") || again.stdout.contains("reduce:"), again.stdout)
        waitForJobs(jobIDs(again.stdout))
        let log = (try? String(contentsOfFile: change + "/slurm/logs/tile-2.out", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("is a file"), log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: change + "/change-stats.json"), "no merge after a failed tile")

        // Fixed, the resubmission runs tile 2 alone and the merge.
        try FileManager.default.removeItem(atPath: change + "/tiles/2")
        let fixed = try run(["tiles", "slurm", plan, "--submit", "--only-missing", "--", binary] + changeJob)
        XCTAssertTrue(fixed.stdout.contains("(array 2)"), fixed.stdout)
        waitForJobs(jobIDs(fixed.stdout))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: change + "/tiles/0/tile.json")[.modificationDate] as? Date, stamp)
        try assertChangeMatches(change, tmp.file("change-single"))
    }
}
