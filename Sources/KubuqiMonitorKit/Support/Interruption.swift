import Foundation
import Synchronization

/// Files being written that must not survive an interruption: SIGINT,
/// SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 and SIGALRM remove them before the
/// process exits with 128 + the signal's number (130, 143, 129, 138, 140,
/// 142), so no partial output is ever left behind. SIGXFSZ (a file size
/// limit, `ulimit -f`) is ignored, so an oversized write fails with EFBIG and
/// the run ends as on a full disk: an output error, temporaries removed.
/// SIGPIPE is ignored: a write to a closed pipe (stdout piped into `head`)
/// fails with EPIPE instead of killing the run half-way; a SIGPIPE sent with
/// `kill` neither stops the run nor leaves anything behind. (A dispatch
/// source for SIGPIPE missed signals under load: the run went on with the
/// signal pending.)
///
/// The handled signals are blocked in every thread (the mask is set in `main`
/// before any other thread exists, and threads inherit it) and taken by one
/// thread reading a `signalfd` (`sigwait` where there is none), so none can be
/// lost or land in a thread that ignores it, however busy the process is; the
/// signals stay blocked in that thread too, so the Swift runtime's crash handler
/// never picks one of them to pause it (docs/robustness.md, "A crash").
public enum Interruption {
    private static let pending = Mutex<Set<String>>([])

    private static let interrupted = Mutex<Bool>(false)

    /// Held while a temporary is created and registered, and by the clean-up for good: a
    /// signal arriving between `mkstemp` and `register` waits until the file is registered.
    private static let creation = Mutex<Void>(())

    /// Runs `body`, which creates a temporary and registers it, without a clean-up in between.
    public static func whileCreating<T>(_ body: () throws -> T) rethrows -> T { try creation.withLock { _ in try body() } }

    /// Called on the main thread when a command fails: if the failure comes from
    /// an interruption in progress (its cleanup pulled files away from the
    /// writers), wait for the signal handler to finish and exit with its code.
    public static func waitIfInterrupted() {
        guard interrupted.withLock({ $0 }) else { return }
        while true { sleep(1) }
    }

    /// Registers a temporary file to remove if the process is interrupted.
    public static func register(_ path: String) { pending.withLock { _ = $0.insert(path) } }

    /// Registers a temporary folder to remove (with its contents) if the process is interrupted.
    public static func registerFolder(_ path: String) { pending.withLock { _ = $0.insert(path + "/") } }

    private static let createdFolders = Mutex<[String]>([])

    /// Registers an output folder this run created: if the process is interrupted, what this run put in it is removed
    /// once the temporary files are gone (the files it renamed into place, ``notePlaced(_:)``, the folders it made, its
    /// lock file), then the folder itself when nothing else is in it. Another program's file written into it meanwhile
    /// (`stack -o FOLDER/x.tif` does not lock the folder; a tile run's shared folder is never locked) stays, and the
    /// folder with it; a lock file another run holds stays (``SafeFiles/removeOwnEntries(of:placed:heldLocks:)``).
    public static func registerCreatedFolder(_ path: String) { createdFolders.withLock { $0.append(path) } }

    private static let placed = Mutex<Set<SafeFiles.FileIdentity>>([])

    /// Notes an entry this run puts in place by its device and inode (a finished file about to be renamed into place:
    /// the temporary's, which the rename keeps; a folder it just made): in a folder this run created, an interruption
    /// removes it, and nothing another program put under the same name afterwards (session 17).
    public static func notePlaced(_ identity: SafeFiles.FileIdentity) { placed.withLock { _ = $0.insert(identity) } }

    /// Notes the entry at `path`, just created by this run (``notePlaced(_:)-swift.method``); nothing when none is there.
    public static func notePlaced(path: String) {
        if let id = SafeFiles.FileIdentity(path) { notePlaced(id) }
    }

    /// The entries this run put in place (``notePlaced(_:)``).
    public static var placedEntries: Set<SafeFiles.FileIdentity> { placed.withLock { $0 } }

    /// The lock files this run holds, by device and inode.
    public static var heldLockEntries: Set<SafeFiles.FileIdentity> { Set(heldLocks.withLock { $0 }.compactMap(SafeFiles.FileIdentity.init)) }

    /// After a failure (no signal): in `root`, a folder this run created, and in the folders under it this run created,
    /// removes what this run put there and then each folder when nothing else is in it, as an interruption does
    /// (``SafeFiles/removeOwnEntries(of:placed:heldLocks:)``); another program's files stay.
    public static func removeOwnEntries(under root: String) {
        let folders = createdFolders.withLock { $0 }.filter { $0 == root || $0.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        let own = placedEntries, locks = heldLockEntries
        for folder in folders.reversed() { SafeFiles.removeOwnEntries(of: folder, placed: own, heldLocks: locks) }
    }

    private static let heldLocks = Mutex<Set<String>>([])

    /// Notes a lock file this run holds (``SafeFiles/takeLock(_:)``): an interruption or a failure may remove it; a lock
    /// file this run does not hold is removed only when nobody holds it.
    public static func noteHeldLock(_ path: String) { heldLocks.withLock { _ = $0.insert(path) } }

    /// Whether this run holds the lock file `path`.
    public static func holdsLock(_ path: String) -> Bool { heldLocks.withLock { $0.contains(path) } }

    /// Forgets a temporary file (it was renamed into place or removed).
    public static func unregister(_ path: String) { pending.withLock { _ = $0.remove(path); _ = $0.remove(path + "/") } }

    /// The signals that end a run with clean-up.
    public static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM]

    /// Installs the handlers. Call once, early in `main`.
    public static func installHandlers() {
        signal(SIGXFSZ, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for sig in handledSignals { sigaddset(&blocked, sig) }
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        // A crash ends as one (CrashExit), after the signals are blocked: its handler never runs with them open. What
        // its clean-up reads is initialised now (a lazy global's first use in a signal handler would allocate).
        _ = pending.withLock { $0.count } + createdFolders.withLock { $0.count } + heldLocks.withLock { $0.count }
        _ = interrupted.withLock { $0 }
        creation.withLock { _ in }
        CrashExit.install()
        let waiter = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            for sig in handledSignals { sigaddset(&set, sig) }
            while true {
                guard let sig = nextSignal(&set) else { continue }
                // Taken and never released: the process ends below.
                creation.withLock { _ -> Void in cleanUpAndExit(sig: sig, code: 128 + sig) }
            }
        }
        waiter.name = "kubuqi-signals"
        waiter.start()
    }

    #if os(Linux)
    private typealias SignalFD = @convention(c) (Int32, UnsafePointer<sigset_t>, Int32) -> Int32

    /// A `signalfd` (glibc; not in Swift's Glibc module) for the handled signals, opened once by the waiting thread.
    nonisolated(unsafe) private static var signalDescriptor: Int32 = -2
    #endif

    /// The next handled signal, waited for with the signals still blocked in the waiting thread: read from a `signalfd`
    /// on Linux. `sigwait` unblocks them while it waits, so `/proc` showed the thread as taking SIGUSR1, and the Swift
    /// runtime's crash handler, pausing every thread with the first of SIGUSR1, SIGUSR2 and SIGPROF each does not block,
    /// sent it SIGUSR1: a crash ended as "interrupted by SIGUSR1", exit 138 (session 18, ``CrashExit``). Nil on an
    /// interrupted read (the runtime's SIGPROF while it pauses the threads).
    private static func nextSignal(_ set: inout sigset_t) -> Int32? {
        #if os(Linux)
        if signalDescriptor == -2 {
            signalDescriptor = -1
            if let symbol = dlsym(nil, "signalfd") {
                signalDescriptor = unsafeBitCast(symbol, to: SignalFD.self)(-1, &set, O_CLOEXEC)
            }
        }
        if signalDescriptor >= 0 {
            // struct signalfd_siginfo: 128 bytes, ssi_signo first.
            var info = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                        UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            let n = withUnsafeMutableBytes(of: &info) { read(signalDescriptor, $0.baseAddress, $0.count) }
            guard n == 128 else { return nil }
            return withUnsafeBytes(of: &info) { Int32(bitPattern: $0.load(as: UInt32.self)) }
        }
        #endif
        var sig: Int32 = 0
        return sigwait(&set, &sig) == 0 ? sig : nil
    }

    /// Called by ``CrashExit``'s handler only, async-signal-safe: removes the registered temporaries and folders, then
    /// in the output folders this run created its lock file and the folder when nothing else is left in it (what the
    /// run published there before the crash stays, and the folder with it), and calls `finish` with whether all that was
    /// registered is gone. `finish` runs holding the clean-up lock when it came within 0.2 s (an interruption's clean-up
    /// cannot start and end the run as interrupted); the registry is read only when its lock is free within 0.2 s (the
    /// crashing thread may hold it). A failing command's main thread, finding its files gone, waits instead of exiting
    /// (``waitIfInterrupted()``).
    static func removeTemporariesAfterCrash(then finish: (Bool) -> Never) -> Never {
        func tried<T>(_ attempt: () -> T?) -> T? {
            for _ in 0..<200 {
                if let r = attempt() { return r }
                usleep(1000)
            }
            return nil
        }
        func cleanUp() -> Bool {
            _ = tried { interrupted.withLockIfAvailable { $0 = true } }
            guard let complete = tried({
                pending.withLockIfAvailable { files -> Bool in
                    var all = true
                    for f in files {
                        // A folder is registered with a trailing "/".
                        let removed = f.withCString { c -> Bool in
                            let n = strlen(c)
                            return n > 1 && c[n - 1] == 0x2F ? SignalSafeRemoval.removeFolder(c, length: n - 1) : unlink(c) == 0 || errno == ENOENT
                        }
                        all = all && removed
                    }
                    return all
                }
            }) else { return false }
            _ = tried {
                createdFolders.withLockIfAvailable { folders in
                    heldLocks.withLockIfAvailable { locks in
                        for folder in folders.reversed() {
                            for lock in locks where lock.utf8.count == folder.utf8.count + 13 && lock.utf8.starts(with: folder.utf8)
                                && lock.utf8.dropFirst(folder.utf8.count).elementsEqual("/.kubuqi.lock".utf8) {
                                _ = lock.withCString { unlink($0) }
                            }
                            _ = folder.withCString { rmdir($0) }
                        }
                        return true
                    }
                } ?? nil
            }
            return complete
        }
        for _ in 0..<200 {
            _ = creation.withLockIfAvailable { _ -> Void in finish(cleanUp()) }
            usleep(1000)
        }
        finish(cleanUp())
    }

    private static let publications = Mutex<[(path: String, identity: SafeFiles.FileIdentity)]>([])

    /// Notes a finished file this run moved into place at `path` (its device and inode): an interruption after it, which
    /// leaves it where this run did not create the folder, says so rather than "no output written" (session 18).
    public static func notePublished(_ path: String, _ identity: SafeFiles.FileIdentity) {
        publications.withLock { $0.append((path, identity)) }
    }

    /// The files this run published that are still there as it published them (after the clean-up).
    static func keptPublications() -> [String] {
        publications.withLock { $0 }.filter { SafeFiles.FileIdentity($0.path) == $0.identity }.map(\.path)
    }

    /// What an interrupted run left: nothing, or the files it had published (complete: each was moved into place whole).
    static func outcome(kept: [String]) -> String {
        guard let first = kept.first else { return "no output written" }
        let shown = Quoted.escaped(first)
        return kept.count == 1 ? "the file it had published is kept (\(shown)); nothing else written"
            : "the \(kept.count) files it had published are kept (\(shown) and \(kept.count - 1) more); nothing else written"
    }

    /// Removes the registered temporaries and folders, says so, and ends the process.
    private static func cleanUpAndExit(sig: Int32, code: Int32) -> Never {
        interrupted.withLock { $0 = true }
        // Outer folders first: what is inside goes with them.
        let files = pending.withLock { $0 }.sorted { $0.count < $1.count }
        for f in files {
            if f.hasSuffix("/") {
                // Moved out of the way first, so that writes still in flight on other threads cannot recreate files
                // in it, then removed until it is gone (SafeFiles.removeTree).
                SafeFiles.removeTree(String(f.dropLast()), signalCleanUp: true)
            } else {
                unlink(f)
            }
        }
        // An output folder this run created: what this run put there goes (also outputs it published before the signal),
        // then the folder if nothing else is in it; another program's files, and a lock another run holds, stay.
        let ownFiles = placed.withLock { $0 }
        let ownLocks = heldLockEntries
        for folder in createdFolders.withLock({ $0 }).reversed() {
            SafeFiles.removeOwnEntries(of: folder, placed: ownFiles, heldLocks: ownLocks)
        }
        let name = [SIGHUP: "SIGHUP", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2", SIGALRM: "SIGALRM"][sig]
        let msg = "kubuqi-monitor: interrupted\(name.map { " by \($0)" } ?? ""); \(outcome(kept: keptPublications()))\n"
        _ = msg.withCString { write(2, $0, strlen($0)) }
        _exit(code)
    }
}
