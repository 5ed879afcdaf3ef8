import Foundation
import Synchronization

/// A crash of the run (SIGSEGV, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGFPE: a Swift trap or failed precondition, an
/// `abort` in a library, a bad memory access) ends as a crash, never as something else: the run's temporaries are
/// removed as on an interruption (what can be, from a signal handler), one line says an internal error happened, the
/// Swift runtime's backtrace follows when its backtracer is on (`SWIFT_BACKTRACE`, docs/Backtracing.rst in
/// swiftlang/swift), and the process exits 1, the internal error's code (``ExitCodesHelp``, docs/robustness.md).
///
/// Until session 18 the runtime's own handler ran alone: to pause the other threads while it printed a backtrace it
/// sent each one SIGUSR1 (SIGUSR2, SIGPROF if blocked: it reads each thread's blocked set in `/proc`), and the thread
/// waiting in `sigwait` for the clean-up signals shows them as not blocked while it waits, so it took the SIGUSR1 as a
/// user's and ended the run "interrupted by SIGUSR1", exit 138 (CI of session 17). The waiting thread now reads a
/// `signalfd` with the signals blocked (``Interruption/installHandlers()``), and this handler comes first.
///
/// Everything the handler does is async-signal-safe: `write`, `unlink`, `openat`, `getdents64`, `unlinkat`, `rmdir`,
/// `_exit`, locks only tried (never waited for: the crashing thread may hold one), no allocation.
public enum CrashExit {
    /// The signals a crash raises.
    public static let signals: [Int32] = [SIGSEGV, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGFPE]

    /// The exit status of a crashed run: 1, an internal error (a bug).
    public static let exitCode: Int32 = 1

    /// The actions that were installed before ours (the Swift runtime's crash handler, or the default), by signal.
    nonisolated(unsafe) private static var previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    /// The line written for each signal (NUL-terminated, made before any crash): its head by signal, written before
    /// the clean-up (so that a clean-up that crashes again or hangs still leaves it said), then its end with and
    /// without the clean-up done (indexes 0 and 1 of ``ends``).
    nonisolated(unsafe) private static var heads = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: 65)
    nonisolated(unsafe) private static var ends = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: 3)

    /// The thread handling the crash (its `pthread_self`), 0 until one does.
    private static let handler = Atomic<UInt>(0)

    /// Installs the handler for ``signals`` (called by ``Interruption/installHandlers()``, early in `main`).
    static func install() {
        heads.initialize(repeating: nil, count: 65)
        let names = [SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE"]
        for sig in signals {
            heads[Int(sig)] = strdup("kubuqi-monitor: error: internal error: the run crashed (\(names[sig]!)); this is a bug, please report it")
        }
        ends[0] = strdup("; its temporary files removed\n")
        ends[1] = strdup("; some temporaries may be left (.kubuqi-*-\(getpid())-*; the next run removes them)\n")
        ends[2] = strdup("; crashed again while removing its temporary files\n")
        SignalSafeRemoval.prepare()
        _ = handler.load(ordering: .relaxed)
        _ = exitCode
        for sig in signals {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_sigaction = handle
            #else
            action.__sigaction_u.__sa_sigaction = handle
            #endif
            // On the alternate stack when there is one (the runtime sets one up for the main thread: a stack overflow),
            // the same signal in the handler (a crash in the clean-up) taken at once.
            action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, previous + Int(sig))
        }
    }

    private static let handle: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { sig, info, context in
        #if os(Linux)
        let me = UInt(pthread_self())
        #else
        let me = UInt(bitPattern: pthread_self())
        #endif
        let (first, holder) = CrashExit.handler.compareExchange(expected: 0, desired: me, ordering: .acquiringAndReleasing)
        if !first {
            // Crashed again while handling the crash: end now. Another thread crashing meanwhile: wait for the first
            // one's handler to end the process.
            if holder == me {
                if let end = ends[2] { _ = write(2, end, strlen(end)) }
                _exit(CrashExit.exitCode)
            }
            while true { pause() }
        }
        if let head = heads[Int(sig)] { _ = write(2, head, strlen(head)) }
        Interruption.removeTemporariesAfterCrash { cleaned in CrashExit.end(sig, info, context, cleaned: cleaned) }
    }

    /// Says so, lets the runtime print its backtrace and exits.
    private static func end(_ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?,
                            cleaned: Bool) -> Never {
        if let end = ends[cleaned ? 0 : 1] { _ = write(2, end, strlen(end)) }
        // The runtime's backtrace (its handler pauses the other threads, prints, resumes them and returns).
        let old = previous[Int(sig)]
        #if os(Linux)
        let installed = unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self)
        if old.sa_flags & SA_SIGINFO != 0, let f = old.__sigaction_handler.sa_sigaction {
            f(sig, info, context)
        } else if installed > 1, let f = old.__sigaction_handler.sa_handler {   // neither SIG_DFL (0) nor SIG_IGN (1)
            f(sig)
        }
        #else
        let installed = unsafeBitCast(old.__sigaction_u.__sa_handler, to: Int.self)
        if old.sa_flags & SA_SIGINFO != 0, let f = old.__sigaction_u.__sa_sigaction {
            f(sig, info, context)
        } else if installed > 1, let f = old.__sigaction_u.__sa_handler {
            f(sig)
        }
        #endif
        _exit(CrashExit.exitCode)
    }
}
