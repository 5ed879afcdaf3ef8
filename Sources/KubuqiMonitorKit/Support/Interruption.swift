import Foundation
import Synchronization

/// Files being written that must not survive an interruption: SIGINT and
/// SIGTERM remove them before the process exits, so no partial output is
/// ever left behind.
public enum Interruption {
    private static let pending = Mutex<Set<String>>([])
    /// Kept alive for the life of the process; written once, from `main`.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Registers a temporary file to remove if the process is interrupted.
    public static func register(_ path: String) { pending.withLock { _ = $0.insert(path) } }

    /// Registers a temporary folder to remove (with its contents) if the process is interrupted.
    public static func registerFolder(_ path: String) { pending.withLock { _ = $0.insert(path + "/") } }

    /// Forgets a temporary file (it was renamed into place or removed).
    public static func unregister(_ path: String) { pending.withLock { _ = $0.remove(path); _ = $0.remove(path + "/") } }

    /// Installs the SIGINT/SIGTERM handlers. Call once, early in `main`.
    public static func installHandlers() {
        for (sig, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let files = pending.withLock { $0 }
                for f in files {
                    if f.hasSuffix("/") { try? FileManager.default.removeItem(atPath: String(f.dropLast())) } else { unlink(f) }
                }
                let msg = "kubuqi-monitor: interrupted; no output written\n"
                _ = msg.withCString { write(2, $0, strlen($0)) }
                _exit(code)
            }
            source.resume()
            sources.append(source)
        }
    }
}
