import Foundation

/// The SHA-256 of a run's input files, computed on a background thread while
/// the run works (the report lists them; docs/ldn.md "Outputs").
final class InputDigests: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var digests: [String: String] = [:]

    /// Starts hashing `files` (each once) in the background.
    init(_ files: [String]) {
        let unique = Array(Set(files)).sorted()
        DispatchQueue.global(qos: .utility).async(group: group) { [self] in
            for f in unique {
                // A file that cannot be read is left out: the report hashes it again and names the error.
                guard let d = try? SHA256.file(f) else { continue }
                lock.withLock { digests[f] = d }
            }
        }
    }

    /// Waits; the digests by path (of the files that could be read).
    func finish() -> [String: String] {
        group.wait()
        return lock.withLock { digests }
    }

    /// Waits without reporting (a run that failed elsewhere).
    func drain() { group.wait() }
}
