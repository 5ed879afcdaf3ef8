import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Areas per alert level and the season's metric, per zone and over the
/// whole area, gathered from the warning pass (true pixel areas).
final class WarnTally: ChunkObserver, @unchecked Sendable {
    /// One zone's sums.
    struct Sums {
        /// m2 per level code (0-3, 9 at index 4) and with no value.
        var levelArea = [Double](repeating: 0, count: 5)
        var noData = 0.0
        /// Area-weighted sums of the metric and the area with a value, per history step.
        var metricSum: [Double], metricArea: [Double]
        init(history: Int) { metricSum = Array(repeating: 0, count: history); metricArea = metricSum }
        mutating func merge(_ o: Sums) {
            for i in levelArea.indices { levelArea[i] += o.levelArea[i] }
            noData += o.noData
            for i in metricSum.indices { metricSum[i] += o.metricSum[i]; metricArea[i] += o.metricArea[i] }
        }
        var assessable: Double { levelArea[0..<4].reduce(0, +) }
    }

    /// Zone key: (zone layer, zone id); the whole area is (-1, 0).
    struct Key: Hashable { var layer: Int, id: Int }

    static let whole = [Key(layer: -1, id: 0)]
    let areas: GridAreas
    let levelOutput: Int, metricOutput: Int, zoneOutputs: [Int], historyOutputs: [Int]
    private let lock = NSLock()
    private(set) var sums: [Key: Sums] = [:]

    init(grid: Grid, levelOutput: Int, metricOutput: Int, zoneOutputs: [Int], historyOutputs: [Int]) {
        areas = GridAreas(grid: grid)
        self.levelOutput = levelOutput
        self.metricOutput = metricOutput
        self.zoneOutputs = zoneOutputs
        self.historyOutputs = historyOutputs
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let n = results[levelOutput].count, rows = n / width
        let steps = 1 + historyOutputs.count
        var local: [Key: Sums] = [:]
        var rowAreas = [Double](repeating: 0, count: width)
        for r in 0..<rows {
            rowAreas.withUnsafeMutableBufferPointer { areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width), into: $0) }
            for c in 0..<width {
                let p = r * width + c, a = rowAreas[c]
                var keys = Self.whole
                for (l, o) in zoneOutputs.enumerated() {
                    let z = results[o][p]
                    if !z.isNaN, z > 0 { keys.append(Key(layer: l, id: Int(saturating: z))) }
                }
                let level = results[levelOutput][p]
                for key in keys {
                    var s = local[key] ?? Sums(history: steps)
                    if level.isNaN { s.noData += a } else {
                        let code = Int(level)
                        s.levelArea[code == 9 ? 4 : min(3, max(0, code))] += a
                        if code != 9 {
                            for h in 0..<steps {
                                let v = h == 0 ? results[metricOutput][p] : results[historyOutputs[h - 1]][p]
                                if !v.isNaN { s.metricSum[h] += Double(v) * a; s.metricArea[h] += a }
                            }
                        }
                    }
                    local[key] = s
                }
            }
        }
        lock.withLock {
            for (k, v) in local { sums[k, default: Sums(history: steps)].merge(v) }
        }
    }
}
