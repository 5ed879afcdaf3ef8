import Dispatch
import Foundation

/// Independent steps of a run run side by side on the cores (a run's tail: the COG copies of
/// several rasters, its tables), each with its own GDAL handles. Every step runs to its end;
/// the error thrown is that of the first failing step in the order given, so a failure names
/// the same file whatever the timing.
enum ConcurrentSteps {
    /// Runs `steps` concurrently and waits for all of them.
    static func run(_ steps: [() throws -> Void]) throws {
        let errors = StepErrors(count: steps.count)
        // Each step touches only its own files and state; the errors are kept under a lock.
        nonisolated(unsafe) let steps = steps
        DispatchQueue.concurrentPerform(iterations: steps.count) { i in
            do { try steps[i]() } catch { errors.record(i, error) }
        }
        if let e = errors.first { throw e }
    }
}

/// The error of each step, if any (thread-safe).
private final class StepErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error?]
    init(count: Int) { errors = Array(repeating: nil, count: count) }
    func record(_ i: Int, _ e: Error) { lock.withLock { errors[i] = e } }
    var first: Error? { lock.withLock { errors.compactMap { $0 }.first } }
}
