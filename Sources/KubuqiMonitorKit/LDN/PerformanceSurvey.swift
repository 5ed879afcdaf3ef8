import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Pass 1: a pool of performance accumulators, one per chunk running at a time; a chunk counts into one
/// taken out of the pool and puts it back, so none is shared and none is merged per chunk (merging every
/// chunk's distinct means into one total was 5 % of the periods); they are merged once at the end
/// (adding counts: the order does not matter).
final class PerformanceSurvey: @unchecked Sendable {
    private let lock = NSLock()
    private var pool: [PerformanceAccumulator] = []
    func add(_ body: (inout PerformanceAccumulator) -> Void) {
        var part = lock.withLock { pool.popLast() } ?? PerformanceAccumulator()
        body(&part)
        lock.withLock { pool.append(part) }
    }
    /// The pool merged into its largest accumulator, each other one released as soon as it is merged: the distinct
    /// means of a large grid are tens of MB per accumulator, so a new total built beside the whole pool was the
    /// run's peak (docs/benchmarks.md, "ldn memory").
    func merged() -> PerformanceAccumulator {
        lock.withLock {
            var parts = pool
            pool = []
            func size(_ a: PerformanceAccumulator) -> Int { a.values.values.reduce(0) { $0 + $1.count } }
            guard let largest = parts.indices.max(by: { size(parts[$0]) < size(parts[$1]) }) else { return PerformanceAccumulator() }
            var total = parts.remove(at: largest)
            while let part = parts.popLast() { total.merge(part) }
            return total
        }
    }
}
