import Foundation
import TestSupport
import XCTest

/// A crash ends as a crash (session 18, docs/robustness.md "A crash"): exit 1, one line saying an internal error
/// happened and which signal, the run's temporaries removed, never "interrupted by SIGUSR1" (exit 138), which is what
/// the Swift runtime's backtracer made of every crash until then: it paused the thread waiting for the clean-up signals
/// with SIGUSR1, which that thread took as a user's.
final class CrashExitTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// The signal a Swift trap raises here.
    #if arch(arm64)
    static let trapSignal = "SIGTRAP"
    #else
    static let trapSignal = "SIGILL"
    #endif

    /// Checks a crashed run: exit 1 (not a signal), exactly one line of ours naming the signal, no "interrupted".
    func assertCrashed(_ r: CLIRunner.Result, signal: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        let ours = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor:") }
        XCTAssertEqual(ours, ["kubuqi-monitor: error: internal error: the run crashed (\(signal)); this is a bug, please report it; its temporary files removed"],
                       r.stderr, file: file, line: line)
        XCTAssertFalse(r.stderr.contains("interrupted"), r.stderr, file: file, line: line)
    }

    /// `ldn` into a new folder crashes with its outputs staged (`KUBUQI_TEST_CRASH=before-publish:KIND`): a Swift trap,
    /// an abort and a bad memory access each end with exit 1, the line, and neither the folder nor a temporary left.
    func testACrashEndsAsACrashAndLeavesNothing() throws {
        let config = try LDNTestRegion.write(tmp)
        let before = try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
        for (kind, signal) in [("trap", Self.trapSignal), ("abort", "SIGABRT"), ("segv", "SIGSEGV")] {
            let out = tmp.file("out-\(kind)")
            let r = try CLIRunner.run(["ldn", "--config", config, "-o", out, "-q"],
                                      environment: ["KUBUQI_TEST_CRASH": "before-publish:\(kind)", "SWIFT_BACKTRACE": "enable=no"])
            assertCrashed(r, signal: signal)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(kind): the new folder removed")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted(), before, "\(kind): nothing left")
        }
    }

    /// With the runtime's backtracer on (it pauses every thread with a signal while it prints): the crash is still said to
    /// be one, the backtrace follows our line, and an existing folder keeps the user's file, the run's lock file only
    /// added (as a finished run leaves it). Before session 18: "interrupted by SIGUSR1", exit 138.
    func testACrashWithTheBacktracerOnIsNotReportedAsAnInterruption() throws {
        let config = try LDNTestRegion.write(tmp)
        let out = tmp.file("existing")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try "mine\n".write(toFile: out + "/mine.txt", atomically: false, encoding: .utf8)
        let r = try CLIRunner.run(["ldn", "--config", config, "-o", out, "-q"],
                                  environment: ["KUBUQI_TEST_CRASH": "before-publish:segv", "SWIFT_BACKTRACE": "enable=yes,interactive=no"])
        assertCrashed(r, signal: "SIGSEGV")
        XCTAssertTrue(r.stderr.contains("Program crashed"), "the runtime's backtrace: \(r.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), [".kubuqi.lock", "mine.txt"])
        XCTAssertEqual(try String(contentsOfFile: out + "/mine.txt", encoding: .utf8), "mine\n")
    }

    /// A SIGSEGV sent to a run while it writes (the backtracer on): a crash, exit 1, its temporary removed; not an
    /// interruption by SIGUSR1 (exit 138), as before session 18.
    func testASentSIGSEGVIsACrashNotAnInterruption() throws {
        let vrt = try TestRaster.hugeEmptyVRT(tmp.file("huge.vrt"))
        let out = tmp.file("ndvi.tif")
        let (p, _, err) = try CLIRunner.start(["index", "ndvi", "--red", vrt, "--nir", vrt, "-o", out, "-q"],
                                              environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no"])
        let errors = PipeDrain(err.fileHandleForReading)
        func temporaries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".kubuqi-") } }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try temporaries().isEmpty { usleep(20_000) }
        XCTAssertFalse(try temporaries().isEmpty, "the run started writing")
        kill(p.processIdentifier, SIGSEGV)
        let text = String(decoding: errors.wait(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, text)
        assertCrashed(CLIRunner.Result(status: p.terminationStatus, stdout: "", stderr: text), signal: "SIGSEGV")
        XCTAssertEqual(try temporaries(), [], "no temporary left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
