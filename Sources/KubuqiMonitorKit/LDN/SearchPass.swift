import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// One pass of the performance search (`PerformancePercentileSearch`): a pool of counts, one per chunk running
/// at a time, as `PerformanceSurvey`; merged once at the end (adding counts: the order does not matter).
final class SearchPass: @unchecked Sendable {
    private let lock = NSLock()
    private let empty: PerformancePercentileSearch.Counts
    private var pool: [PerformancePercentileSearch.Counts] = []
    init(_ empty: PerformancePercentileSearch.Counts) { self.empty = empty }
    func add(means: PeriodMeans, units: LandUnits) {
        var part = lock.withLock { pool.popLast() } ?? empty
        part.add(means: means, landCover: UnsafeBufferPointer(units.landCover.buffer),
                 ecologicalUnit: units.ecological.map { UnsafeBufferPointer($0.buffer) })
        lock.withLock { pool.append(part) }
    }
    func merged() -> PerformancePercentileSearch.Counts {
        lock.withLock {
            var total = pool.popLast() ?? empty
            while let part = pool.popLast() { total.merge(part) }
            return total
        }
    }
}
