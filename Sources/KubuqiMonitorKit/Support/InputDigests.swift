import Dispatch
import Foundation
import Synchronization

/// The SHA-256 of a run's input files (the reports and manifests list them: docs/ldn.md "Outputs",
/// docs/stack.md "What it writes"), each file hashed once.
///
/// One type for every command, with the command's schedule as options:
/// - `ldn` starts the hashing on one background thread while its periods run
///   (``Start/background``, ``Threads/one``) and leaves unreadable files out, so that its report
///   hashes them again and names the error (``Unreadable/skip``);
/// - `stack` hashes a collection's many files from the moment its periods are planned on a thread that runs only
///   when a core would otherwise idle (``Start/whenIdle``: while GDAL opens the inputs one by one, at the window pass's
///   strip ends, beside the COG layout), finished on the waiting thread too, and stops at an unreadable file
///   (``Unreadable/fail``); with `--append`, which compares them before the pass, on all cores at once (``Start/now``,
///   ``Threads/allCores``).
final class InputDigests: @unchecked Sendable {
    /// When the hashing runs.
    enum Start {
        /// On a background queue from `init` on; ``finish()`` waits for it.
        case background
        /// In `init`, which returns when every file is hashed.
        case now
        /// On a background thread of the lowest scheduling priority (Linux's `SCHED_IDLE`: it runs when a core would
        /// otherwise be idle, and yields to every other thread of the machine), file after file in path order, from
        /// `init` on; ``finish()`` raises it to normal priority and hashes the files left on the calling thread too
        /// (``Threads`` does not apply).
        case whenIdle
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
    /// ``Start/whenIdle``: the files (sorted, distinct), how many were taken, the errors by file index, the
    /// background thread (while it runs) and whether it was raised to normal priority or the rest cancelled.
    private var queued: [String] = []
    private var taken = 0
    private var failures: [(index: Int, error: Error)] = []
    private var idleThread: pthread_t?
    private var raised = false, cancelled = false
    private let unreadable: Unreadable

    /// Hashes `files` (each once), as `start`, `threads` and `unreadable` say.
    init(_ files: [String], start: Start = .background, threads: Threads = .one, unreadable: Unreadable = .skip) {
        let unique = Array(Set(files)).sorted()
        self.unreadable = unreadable
        switch start {
        case .now: hash(unique, threads, unreadable)
        case .background:
            DispatchQueue.global(qos: .utility).async(group: group) { [self] in hash(unique, threads, unreadable) }
        case .whenIdle:
            queued = unique
            group.enter()
            Self.idleThreadsRunning.add(1, ordering: .relaxed)
            // A thread of its own (not GCD's pool, whose threads would keep the policy): idle priority until raised.
            Thread { [self] in
                lock.withLock {
                    if !raised { Self.setPolicy(pthread_self(), idle: true) }
                    idleThread = pthread_self()
                }
                hashQueued()
                lock.withLock { idleThread = nil }   // no longer raised: the thread is ending
                Self.idleThreadsRunning.subtract(1, ordering: .relaxed)
                group.leave()
            }.start()
        }
    }

    /// How many ``Start/whenIdle`` threads of the process are running or about to (counted from `init`, before the
    /// thread starts, to its last step): a run that failed must have none left when its error reaches the exit.
    static let idleThreadsRunning = Atomic<Int>(0)

    /// Sets a thread's scheduling policy: `SCHED_IDLE` or back to `SCHED_OTHER` (Linux; a hint elsewhere ignored).
    /// A thread may always lower its own priority and return to `SCHED_OTHER` at nice 0 (RLIMIT_NICE permitting); a
    /// refusal leaves the thread as it was, which changes when the files are hashed, never their digests.
    private static func setPolicy(_ thread: pthread_t, idle: Bool) {
        #if os(Linux)
        var p = sched_param()
        p.sched_priority = 0
        _ = pthread_setschedparam(thread, idle ? 5 /* SCHED_IDLE */ : Int32(SCHED_OTHER), &p)
        #endif
    }

    /// Takes the next file of ``Start/whenIdle``'s queue, nil when none is left or the rest was cancelled.
    private func takeQueued() -> (index: Int, path: String)? {
        lock.withLock {
            guard !cancelled, taken < queued.count else { return nil }
            taken += 1
            return (taken - 1, queued[taken - 1])
        }
    }

    /// Hashes queued files until none is left (on the idle thread, and on the thread waiting in ``finish()``).
    private func hashQueued() {
        while let (i, f) = takeQueued() {
            do {
                let d = try SHA256.file(f, stopping: { lock.withLock { cancelled } })
                lock.withLock { digests[f] = d }
            } catch is SHA256.Stopped {
                return   // drained: the run failed elsewhere
            } catch {
                if unreadable == .fail { lock.withLock { failures.append((i, error)) } }
            }
        }
    }

    /// ``Start/whenIdle``: the background thread raised to normal priority, the files left hashed on this thread too.
    private func raiseAndJoin() {
        lock.withLock {
            raised = true
            if let t = idleThread { Self.setPolicy(t, idle: false) }
        }
        hashQueued()
    }

    /// Hashes `files` (sorted, distinct) into `digests`; the first error in path order into `failure`.
    private func hash(_ files: [String], _ threads: Threads, _ unreadable: Unreadable) {
        let steps = files.map { f in
            { [self] in
                do {
                    let d = try SHA256.file(f, stopping: { lock.withLock { cancelled } })
                    lock.withLock { digests[f] = d }
                } catch is SHA256.Stopped {
                    // Drained: the run failed elsewhere.
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
        raiseAndJoin()
        group.wait()
        return try lock.withLock {
            if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
            if let failure { throw failure }
            return digests
        }
    }

    /// Waits without reporting (a run that failed elsewhere); ``Start/whenIdle``'s files not yet taken are left unhashed
    /// and the file being hashed is given up at its next 256 KiB.
    func drain() {
        lock.withLock { cancelled = true }
        raiseAndJoin()
        group.wait()
    }
}
