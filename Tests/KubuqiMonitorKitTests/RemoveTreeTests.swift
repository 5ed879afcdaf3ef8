@testable import KubuqiMonitorKit
import Foundation
import TestSupport
import XCTest

/// SafeFiles.removeTree: a half-made output removed for good while other threads still write into it.
final class RemoveTreeTests: XCTestCase {
    /// Threads that keep writing through descriptors opened before the removal, and keep creating files by path,
    /// while a third removes the tree's temporaries itself: the tree is gone, nothing is recreated, and nothing
    /// beside it is touched.
    func testATreeBeingWrittenIsRemovedForGood() throws {
        for round in 0..<20 {
            let tmp = try TemporaryFolder()
            try Data("keep".utf8).write(to: URL(fileURLWithPath: tmp.file("input.tif")))
            let tree = tmp.file("out")
            for sub in ["", "/a", "/a/b", "/c"] { XCTAssertEqual(mkdir(tree + sub, 0o777), 0) }
            var descriptors: [Int32] = []
            for k in 0..<8 {
                let fd = open(tree + "/a/b/f\(k)", O_CREAT | O_WRONLY, 0o644)
                XCTAssertGreaterThanOrEqual(fd, 0)
                descriptors.append(fd)
            }
            let done = DispatchGroup()
            let running = Flag()
            for fd in descriptors {
                DispatchQueue.global().async(group: done) {
                    let block = [UInt8](repeating: 7, count: 4096)
                    while !running.isSet { _ = write(fd, block, block.count) }
                    close(fd)
                }
            }
            DispatchQueue.global().async(group: done) {
                var k = 0
                while !running.isSet { k += 1; close(open(tree + "/c/new\(k)", O_CREAT | O_WRONLY, 0o644)) }
            }
            DispatchQueue.global().async(group: done) {
                // Another clean-up removing the same temporaries, under either name.
                while !running.isSet {
                    try? FileManager.default.removeItem(atPath: tree + "/c")
                    try? FileManager.default.removeItem(atPath: tree + ".interrupted/a/b")
                    _ = mkdir(tree + "/c", 0o777)
                }
            }
            usleep(20_000)
            XCTAssertTrue(SafeFiles.removeTree(tree), "round \(round)")
            running.set()
            done.wait()
            XCTAssertEqual(try tmp.contents(), ["input.tif"], "round \(round): nothing of the tree left, nothing recreated")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("input.tif"))), Data("keep".utf8))
        }
    }

    /// A `NAME.interrupted` beside the tree that is not the run's (the user's file, or folder with a file in it) is
    /// neither replaced nor removed: the tree is removed where it is, and the other entry stays byte for byte.
    func testTheUsersEntryNamedLikeTheAsideNameIsLeftAlone() throws {
        for asFolder in [false, true] {
            let tmp = try TemporaryFolder()
            let tree = tmp.file("out")
            for sub in ["", "/a"] { XCTAssertEqual(mkdir(tree + sub, 0o777), 0) }
            try Data("half-made".utf8).write(to: URL(fileURLWithPath: tree + "/a/x.tif"))
            let users = asFolder ? tmp.file("out.interrupted/keep.txt") : tmp.file("out.interrupted")
            if asFolder { XCTAssertEqual(mkdir(tmp.file("out.interrupted"), 0o755), 0) }
            try Data("the user's".utf8).write(to: URL(fileURLWithPath: users))
            XCTAssertTrue(SafeFiles.removeTree(tree))
            XCTAssertEqual(try tmp.contents(), ["out.interrupted"], "asFolder \(asFolder)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: users)), Data("the user's".utf8), "asFolder \(asFolder)")
        }
    }

    /// A tree that cannot be removed (a tmpfs mounted in it when root, as in CI, where permissions stop nothing; a
    /// read-only sub-folder otherwise): after its 2 s removeTree gives up, returns false and says so in one line on
    /// standard error naming what is left (`out.interrupted`), instead of leaving it silently (session 16).
    func testATreeThatCannotBeRemovedIsNamedOnStandardError() throws {
        let tmp = try TemporaryFolder()
        let tree = tmp.file("out")
        for sub in ["", "/a"] { XCTAssertEqual(mkdir(tree + sub, 0o777), 0) }
        let root = geteuid() == 0
        if root {
            guard Self.shell("mount -t tmpfs -o size=64k tmpfs '\(tree)/a'") == 0 else {
                if ProcessInfo.processInfo.environment["CI"] == "true" { return XCTFail("CI=true but a tmpfs cannot be mounted") }
                throw XCTSkip("cannot mount a tmpfs here")
            }
        }
        try Data("half-made".utf8).write(to: URL(fileURLWithPath: tree + "/a/x.tif"))
        if !root { XCTAssertEqual(chmod(tree + "/a", 0o555), 0) }
        defer {
            if root { _ = Self.shell("umount '\(tree).interrupted/a' || umount '\(tree)/a'") } else { chmod(tree + ".interrupted/a", 0o755) }
        }
        let (removed, stderr) = try Self.capturingStandardError { SafeFiles.removeTree(tree) }
        XCTAssertFalse(removed)
        let lines = stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, stderr)
        XCTAssertTrue(stderr.hasPrefix("warning: \(tree).interrupted: could not be removed in 2 s ("), stderr)
        XCTAssertTrue(stderr.contains(root ? "busy" : "Permission denied") && stderr.hasSuffix("; remove it by hand\n"), stderr)
        XCTAssertEqual(try tmp.contents(), ["out.interrupted"], "what is left is where the warning says")
    }

    /// Runs `command` with /bin/sh; its exit status.
    static func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// `body`'s result and what it wrote to standard error (descriptor 2 pointed at a file meanwhile).
    static func capturingStandardError<T>(_ body: () -> T) throws -> (T, String) {
        let tmp = try TemporaryFolder()
        let fd = open(tmp.file("stderr"), O_CREAT | O_RDWR, 0o644)
        let saved = dup(2)
        dup2(fd, 2)
        let result = body()
        dup2(saved, 2)
        close(saved)
        close(fd)
        return (result, try String(contentsOfFile: tmp.file("stderr"), encoding: .utf8))
    }
}

/// A flag set once, read by other threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
