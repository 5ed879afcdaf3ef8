import Dispatch
import Foundation

/// Independent steps of a run run side by side on the cores (a run's tail: the COG copies of
/// several rasters, its tables), each with its own GDAL handles. Every step runs to its end;
/// the error thrown is that of the first failing step in the order given, so a failure names
/// the same file whatever the timing.
enum ConcurrentSteps {
    /// Runs `steps` concurrently and waits for all of them.
    static func run(_ steps: [() throws -> Void]) throws {
        _ = try results(steps)
    }

    /// Runs `steps` on at most `threads` threads (thread t takes steps t, t + threads, ...) and
    /// waits for all of them; one thread runs them in order.
    static func run(_ steps: [() throws -> Void], threads: Int) throws {
        _ = try results(steps, threads: threads)
    }

    /// Runs `steps` concurrently (on at most `threads` threads when given, thread t taking steps
    /// t, t + threads, ...), waits for all of them and returns their values in the order given.
    static func results<T>(_ steps: [() throws -> T], threads: Int? = nil) throws -> [T] {
        let slots = StepResults<T>(count: steps.count)
        // Each step touches only its own files and state; the outcomes are kept under a lock.
        nonisolated(unsafe) let steps = steps
        if let threads, threads < steps.count {
            let t = max(1, threads)
            if t == 1 {
                for i in steps.indices { slots.record(i, Result { try steps[i]() }) }
            } else {
                DispatchQueue.concurrentPerform(iterations: t) { k in
                    for i in stride(from: k, to: steps.count, by: t) { slots.record(i, Result { try steps[i]() }) }
                }
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: steps.count) { i in slots.record(i, Result { try steps[i]() }) }
        }
        return try slots.values()
    }
}

/// The outcome of each step (thread-safe).
private final class StepResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<T, Error>?]
    init(count: Int) { outcomes = Array(repeating: nil, count: count) }
    func record(_ i: Int, _ r: Result<T, Error>) { lock.withLock { outcomes[i] = r } }
    /// The values in order, or the error of the first failing step.
    func values() throws -> [T] { try lock.withLock { try outcomes.map { try $0!.get() } } }
}
