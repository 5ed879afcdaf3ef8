import Foundation

/// Pauses at named points of a run, for tests of races between runs and signals that no timing can reach otherwise
/// (`KUBUQI_TEST_PAUSE=POINT:MILLISECONDS[,POINT:MILLISECONDS]`, read once; unset, nothing pauses). Points:
/// `before-lock` (an output folder created or found, its lock not yet taken), `after-lock` (the lock just taken) and
/// `after-publish` (a run's staged files just published into its output folder, ``OutputFolder/publish(_:protecting:)``)
/// and `between-renames` (between two of the renames of ``AtomicOutput/commitAll(_:)``), `before-publish` (a staged run's
/// outputs complete in its work folder, not yet published: ``OutputFolder/runStaged(_:)``).
///
/// `KUBUQI_TEST_CRASH=POINT:KIND` makes the run crash at one of these points (after its pause, if any), for the tests of
/// ``CrashExit``: `trap` (a Swift runtime trap: a failed precondition, SIGILL on x86-64, SIGTRAP on arm64), `abort`
/// (SIGABRT, as from a library's `abort`) or `segv` (a store to an unmapped address, SIGSEGV). Unset, nothing crashes.
public enum TestPause {
    static let pauses: [String: UInt32] = {
        guard let spec = ProcessInfo.processInfo.environment["KUBUQI_TEST_PAUSE"] else { return [:] }
        var out: [String: UInt32] = [:]
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: ":")
            if parts.count == 2, let ms = UInt32(parts[1]) { out[String(parts[0])] = ms }
        }
        return out
    }()

    static let crash: (point: String, kind: String)? = {
        guard let spec = ProcessInfo.processInfo.environment["KUBUQI_TEST_CRASH"] else { return nil }
        let parts = spec.split(separator: ":")
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }()

    /// Sleeps for the time `KUBUQI_TEST_PAUSE` gives `point`, if any, then crashes if `KUBUQI_TEST_CRASH` says so.
    public static func at(_ point: String) {
        if let ms = pauses[point] { Thread.sleep(forTimeInterval: Double(ms) / 1000) }
        guard let crash, crash.point == point else { return }
        switch crash.kind {
        case "abort": abort()
        case "segv": UnsafeMutablePointer<Int>(bitPattern: 16)!.pointee = Int(getpid())
        default: precondition(crash.kind != "trap", "KUBUQI_TEST_CRASH=\(point):trap")
        }
    }
}
