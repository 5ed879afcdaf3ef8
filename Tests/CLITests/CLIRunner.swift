import Foundation
import TestSupport
import XCTest

/// Runs the built `kubuqi-monitor` binary as a user would.
struct CLIRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable beside the test bundle (`.build/<config>/kubuqi-monitor`).
    static var executable: URL {
        var dir = Bundle(for: CLITestCase.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("kubuqi-monitor").path) {
            // On Linux the test runner is `<build>/debug/<package>PackageTests.xctest`: the binary is beside it
            // (whatever --scratch-path the tests were built with).
            dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("kubuqi-monitor").path) {
            dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug")
        }
        return dir.appendingPathComponent("kubuqi-monitor")
    }

    /// Starts the binary (in `folder` when given, with `environment` added to the tests' own); the caller
    /// waits or signals it.
    static func start(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = executable
        if let folder { p.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    /// Runs the binary to completion (in `folder` when given, with `environment` added).
    static func run(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let (p, out, err) = try start(arguments, in: folder, environment: environment)
        // stderr is drained on its own thread while stdout is read here: reading one pipe to its
        // end first would deadlock once the other fills its 64 KiB buffer.
        let errorText = PipeDrain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errorText.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Base class so that `Bundle(for:)` finds the test bundle.
class CLITestCase: XCTestCase {
    /// Runs the binary and checks its exit status (the message shows stderr).
    @discardableResult
    func run(_ args: [String], expect status: Int32 = 0, environment: [String: String] = [:],
             file: StaticString = #filePath, line: UInt = #line) throws -> CLIRunner.Result {
        let r = try CLIRunner.run(args, environment: environment)
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stderr)", file: file, line: line)
        return r
    }

    /// Mounts a tmpfs of `kib` KiB for `body`; nil (the test skips) when not root.
    func withSmallDisk(_ kib: Int, _ body: (String) throws -> Void) throws {
        let mountPoint = try TemporaryFolder()
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(kib)k", "tmpfs", mountPoint.path]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            // CI runs as root: a tmpfs that cannot be mounted there is a failure, not a skip.
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("CI=true but a small tmpfs cannot be mounted (needs root and CAP_SYS_ADMIN)")
                return
            }
            throw XCTSkip("cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN); the full-disk cases are not exercised")
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        try body(mountPoint.path)
    }

}

/// Reads a pipe to its end on a background thread.
final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Waits for the end of the pipe and returns everything read.
    func wait() -> Data {
        done.wait()
        return data
    }
}
