import Foundation
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// `InputDigests` hashing `.whenIdle` (stack's schedule): every distinct file's digest as coreutils' `sha256sum` gives
/// it, whether the idle thread or the waiting one hashed it; the first unreadable file in path order is the error,
/// whatever the timing; the background thread runs under Linux's `SCHED_IDLE` policy until it is waited for.
final class InputDigestsTests: XCTestCase {
    /// `count` files of pseudo-random bytes of assorted sizes (empty, under, at and over the 256 KiB read buffer).
    private func files(_ tmp: TemporaryFolder, count: Int, scale: Int = 1) throws -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let sizes = [0, 1, 4095, 1 << 18, (1 << 18) + 1, 700_001]
        var noise = [UInt8](repeating: 0, count: 1 << 16)
        for k in noise.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            noise[k] = UInt8(truncatingIfNeeded: state >> 33)
        }
        return try (0..<count).map { i in
            let n = sizes[i % sizes.count] * scale
            // 64 KiB of noise repeated, each repeat and each file starting with its own bytes.
            var bytes = [UInt8](repeating: 0, count: n)
            for k in 0..<n { bytes[k] = noise[k & 0xFFFF] &+ UInt8(truncatingIfNeeded: i &+ (k >> 16)) }
            let path = tmp.file(String(format: "f%03d.bin", i))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// Every distinct file once, equal to `sha256sum`'s, with the list given unsorted and with repeats.
    func testEveryFileAsCoreutilsHashesIt() throws {
        let tmp = try TemporaryFolder()
        let paths = try files(tmp, count: 13)
        let digests = try InputDigests(paths.reversed() + paths.prefix(4), start: .whenIdle, unreadable: .fail).finish()
        XCTAssertEqual(Set(digests.keys), Set(paths))
        for p in paths { XCTAssertEqual(digests[p], try coreutilsSHA256(p), p) }
    }

    /// Waited for at once (the idle thread may not have taken a file yet): the waiting thread hashes them all the same.
    func testFinishedAtOnceStillHashesEveryFile() throws {
        let tmp = try TemporaryFolder()
        let paths = try files(tmp, count: 6)
        for _ in 0..<5 {
            let digests = try InputDigests(paths, start: .whenIdle, unreadable: .fail).finish()
            XCTAssertEqual(digests.count, paths.count)
            XCTAssertEqual(digests[paths[5]], try coreutilsSHA256(paths[5]))
        }
    }

    /// Two unreadable files: the error names the first in path order, whichever thread met it first.
    func testTheFirstUnreadableFileInPathOrderIsTheError() throws {
        let tmp = try TemporaryFolder()
        let paths = try files(tmp, count: 5)
        let missing = [tmp.file("f002b.bin"), tmp.file("f004b.bin")]
        for _ in 0..<5 {
            XCTAssertThrowsError(try InputDigests(paths + missing.reversed(), start: .whenIdle, unreadable: .fail).finish()) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains("f002b.bin"), text)
                XCTAssertFalse(text.contains("f004b.bin"), text)
            }
        }
        // `.skip`: the readable files only.
        let digests = try InputDigests(paths + missing, start: .whenIdle, unreadable: .skip).finish()
        XCTAssertEqual(Set(digests.keys), Set(paths))
    }

    /// While it hashes, a thread of the process runs under `SCHED_IDLE` (policy 5, field 41 of
    /// /proc/self/task/TID/stat); none is left after `finish()`, and `drain()` returns with the rest not hashed.
    func testTheBackgroundThreadRunsAtIdlePriority() throws {
        #if os(Linux)
        let tmp = try TemporaryFolder()
        let paths = try files(tmp, count: 24, scale: 8)
        func idleThreads() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter { tid in
                guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return false }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 38 && fields[38] == "5"   // field 41 overall: after pid and comm, the 39th
            }.count
        }
        let digests = InputDigests(paths, start: .whenIdle, unreadable: .fail)
        var seen = 0
        for _ in 0..<400 where seen == 0 { seen = idleThreads(); if seen == 0 { usleep(2_000) } }
        XCTAssertEqual(seen, 1, "no thread under SCHED_IDLE while hashing")
        XCTAssertEqual(try digests.finish().count, paths.count)
        XCTAssertEqual(idleThreads(), 0)
        let drained = InputDigests(paths, start: .whenIdle, unreadable: .fail)
        drained.drain()
        XCTAssertEqual(idleThreads(), 0)
        #endif
    }
}
