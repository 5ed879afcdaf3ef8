@testable import KubuqiMonitorKit
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// SafeFiles.removeOwnEntries: an interrupted run's clean-up of an output folder it created removes what the run put
/// there and nothing else (docs/robustness.md, "Runs").
final class RemoveOwnEntriesTests: XCTestCase {
    func write(_ path: String, _ text: String = "x") throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    /// The run's files (and GDAL's sidecar of one), a folder it made with its file and another program's, a folder it
    /// did not make, another program's file and sidecar, the run's lock file: the run's entries go; the other program's
    /// stay, with the folders leading to them and the folder itself.
    func testOnlyTheRunsOwnEntriesGo() throws {
        let tmp = try TemporaryFolder()
        let folder = tmp.file("new")
        XCTAssertEqual(mkdir(folder, 0o777), 0)
        for f in ["x.tif", "x.tif.aux.xml", "x.item.json", "y.tif", "y.tif.aux.xml", ".kubuqi.lock", "tables/a.csv", "tables/b.csv",
                  "theirs/c.csv", "empty-mine/d.csv"] {
            if f.contains("/") { _ = mkdir(folder + "/" + PathNames.parent(f), 0o777) }
            try write(folder + "/" + f)
        }
        XCTAssertEqual(mkdir(folder + "/.kubuqi-tmp-\(getpid())-AbCdEf", 0o700), 0)
        XCTAssertEqual(mkdir(folder + "/.kubuqi-tmp-1-AbCdEf", 0o700), 0)
        let id = { (relative: String) in SafeFiles.FileIdentity(folder + "/" + relative)! }
        let placed: Set = [id("x.tif"), id("x.item.json"), id("tables"), id("tables/a.csv"), id("theirs/c.csv"), id("empty-mine"),
                           id("empty-mine/d.csv")]
        SafeFiles.removeOwnEntries(of: folder, placed: placed, heldLocks: [id(".kubuqi.lock")])
        let left = try FileManager.default.subpathsOfDirectory(atPath: folder).sorted()
        // theirs/c.csv stays: a folder the run did not make is not looked into.
        XCTAssertEqual(left, [".kubuqi-tmp-1-AbCdEf", "tables", "tables/b.csv", "theirs", "theirs/c.csv", "y.tif", "y.tif.aux.xml"])
    }

    /// Nothing but the run's entries: the folder goes too; a lock file another process holds stays, and the folder with it.
    func testTheFolderGoesWhenNothingElseIsLeftButNeverAnotherRunsLock() throws {
        let tmp = try TemporaryFolder()
        let folder = tmp.file("new")
        XCTAssertEqual(mkdir(folder, 0o777), 0)
        try write(folder + "/x.tif")
        SafeFiles.removeOwnEntries(of: folder, placed: [SafeFiles.FileIdentity(folder + "/x.tif")!], heldLocks: [])
        XCTAssertEqual(try tmp.contents(), [], "the folder and the run's file")

        XCTAssertEqual(mkdir(folder, 0o777), 0)
        try write(folder + "/.kubuqi.lock", "1\n")
        // Another process holds the lock (flock on a descriptor of its own) until its standard input ends.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", "import fcntl, sys; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); sys.stdin.read()",
                            folder + "/.kubuqi.lock"]
        let input = Pipe()
        holder.standardInput = input
        try holder.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !flockHeld(folder + "/.kubuqi.lock") { usleep(10_000) }
        XCTAssertTrue(flockHeld(folder + "/.kubuqi.lock"))
        SafeFiles.removeOwnEntries(of: folder, placed: [], heldLocks: [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [".kubuqi.lock"], "another run's lock stays")

        // Once nobody holds it, the clean-up may remove it (and the folder).
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        SafeFiles.removeOwnEntries(of: folder, placed: [], heldLocks: [])
        XCTAssertEqual(try tmp.contents(), [])
    }

    /// Whether another open file description holds an exclusive lock on `path`.
    func flockHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }
}
