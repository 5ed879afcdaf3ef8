import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Per-year productivity statistics over the region, from concurrent chunks; exact sums, so the
/// annual means do not depend on the order chunks (or tiles) are merged in.
final class AnnualStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private let years: [Int]
    private var stats: [ExactStatistics]
    init(years: [Int]) { self.years = years; stats = Array(repeating: ExactStatistics(), count: years.count) }
    /// Adds a chunk's layers; `physical` (scale, offset) turns stored integers into productivity first.
    func add(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, physical: (Float, Float)? = nil) {
        var local = Array(repeating: ExactStatistics(), count: years.count)
        let converted = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, n))
        defer { converted.deallocate() }
        for k in years.indices {
            let layer = UnsafeBufferPointer(rebasing: stack[(k * n)..<((k + 1) * n)])
            guard let (a, b) = physical else { local[k].add(layer); continue }
            for i in 0..<n { converted[i] = layer[i] * a + b }
            local[k].add(UnsafeBufferPointer(rebasing: converted[0..<n]))
        }
        lock.withLock { for k in years.indices { stats[k].merge(local[k]) } }
    }
    func merged() -> [Int: ExactStatistics] { lock.withLock { Dictionary(uniqueKeysWithValues: zip(years, stats)) } }
}
