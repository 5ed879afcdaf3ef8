import Dispatch
import Foundation

/// The SHA-256 of a run's input files (the reports and manifests list them: docs/ldn.md "Outputs",
/// docs/stack.md "What it writes"), each file hashed once.
///
/// One type for every command, with the command's schedule as options:
/// - `ldn` starts the hashing on one background thread while its periods run
///   (``Start/background``, ``Threads/one``) and leaves unreadable files out, so that its report
///   hashes them again and names the error (``Unreadable/skip``);
/// - `stack` hashes a collection's many files on all cores when it asks for them (``Start/now``,
///   ``Threads/allCores``, beside its COG copy) and stops at an unreadable file (``Unreadable/fail``).
final class InputDigests: @unchecked Sendable {
    /// When the hashing runs.
    enum Start {
        /// On a background queue from `init` on; ``finish()`` waits for it.
        case background
        /// In `init`, which returns when every file is hashed.
        case now
    }

    /// How many threads hash.
    enum Threads {
        /// One, file after file.
        case one
        /// One per core, a file each at a time (GCD's `concurrentPerform` through ``ConcurrentSteps``).
        case allCores
    }

    /// What a file that cannot be read does.
    enum Unreadable {
        /// It is left out of the digests (the caller hashes it again and names the error).
        case skip
        /// ``finish()`` throws its error (of the first such file in path order, whatever the timing).
        case fail
    }

    private let group = DispatchGroup()
    private let lock = NSLock()
    private var digests: [String: String] = [:]
    private var failure: Error?

    /// Hashes `files` (each once), as `start`, `threads` and `unreadable` say.
    init(_ files: [String], start: Start = .background, threads: Threads = .one, unreadable: Unreadable = .skip) {
        let unique = Array(Set(files)).sorted()
        switch start {
        case .now: hash(unique, threads, unreadable)
        case .background:
            DispatchQueue.global(qos: .utility).async(group: group) { [self] in hash(unique, threads, unreadable) }
        }
    }

    /// Hashes `files` (sorted, distinct) into `digests`; the first error in path order into `failure`.
    private func hash(_ files: [String], _ threads: Threads, _ unreadable: Unreadable) {
        let steps = files.map { f in
            { [self] in
                do {
                    let d = try SHA256.file(f)
                    lock.withLock { digests[f] = d }
                } catch where unreadable == .skip {
                    // Left out: the caller hashes it again and names the error.
                }
            } as () throws -> Void
        }
        do {
            // One thread: the steps in path order; all cores: GCD's scheduling over the files.
            if threads == .one { try ConcurrentSteps.run(steps, threads: 1) } else { try ConcurrentSteps.run(steps) }
        } catch {
            lock.withLock { failure = error }
        }
    }

    /// Waits; the digests by path (with ``Unreadable/skip``, of the files that could be read).
    /// - Throws: with ``Unreadable/fail``, the error of the first unreadable file in path order.
    func finish() throws -> [String: String] {
        group.wait()
        return try lock.withLock {
            if let failure { throw failure }
            return digests
        }
    }

    /// Waits without reporting (a run that failed elsewhere).
    func drain() { group.wait() }
}
