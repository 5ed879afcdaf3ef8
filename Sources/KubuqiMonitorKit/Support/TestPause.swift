import Foundation

/// Pauses at named points of a run, for tests of races between runs and signals that no timing can reach otherwise
/// (`KUBUQI_TEST_PAUSE=POINT:MILLISECONDS[,POINT:MILLISECONDS]`, read once; unset, nothing pauses). Points:
/// `before-lock` (an output folder created or found, its lock not yet taken), `after-lock` (the lock just taken) and
/// `after-publish` (a run's staged files just published into its output folder, ``OutputFolder/publish(_:protecting:)``)
/// and `between-renames` (between two of the renames of ``AtomicOutput/commitAll(_:)``).
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

    /// Sleeps for the time `KUBUQI_TEST_PAUSE` gives `point`, if any.
    public static func at(_ point: String) {
        if let ms = pauses[point] { Thread.sleep(forTimeInterval: Double(ms) / 1000) }
    }
}
