import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Areas per alert level and the season's metric, per zone and over the
/// whole area, gathered from the warning pass (true pixel areas). The sums
/// are exact (``ExactSum``), so they have the same bits however the grid
/// was cut into chunks, threads or tiles (``WarnTileFigures``).
final class WarnTally: ChunkObserver, @unchecked Sendable {
    /// One zone's sums.
    struct Sums: Codable, Sendable {
        /// m2 per level code (0-3, 9 at index 4).
        var levelArea = [ExactSum](repeating: ExactSum(), count: 5)
        /// m2 with no value.
        var noData = ExactSum()
        /// Area-weighted sums of the metric and the area with a value, per history step.
        var metricSum: [ExactSum], metricArea: [ExactSum]
        init(history: Int) { metricSum = Array(repeating: ExactSum(), count: history); metricArea = metricSum }
        mutating func merge(_ o: Sums) throws {
            guard o.metricSum.count == metricSum.count else {
                throw KubuqiError(.input, "warn tiles with different --history (\(metricSum.count) and \(o.metricSum.count) periods) cannot be merged")
            }
            for i in levelArea.indices { levelArea[i].merge(o.levelArea[i]) }
            noData.merge(o.noData)
            for i in metricSum.indices { metricSum[i].merge(o.metricSum[i]); metricArea[i].merge(o.metricArea[i]) }
        }
        /// m2 in level `i` (0-3; 4 = not assessable).
        func area(_ i: Int) -> Double { levelArea[i].value }
        /// m2 assessable (levels 0-3).
        var assessable: Double { (0..<4).map(area).reduce(0, +) }
    }

    /// Zone key: (zone layer, zone id); the whole area is (-1, 0).
    struct Key: Hashable, Codable, Comparable, Sendable {
        var layer: Int, id: Int
        static func < (a: Key, b: Key) -> Bool { (a.layer, a.id) < (b.layer, b.id) }
    }

    static let whole = Key(layer: -1, id: 0)
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
        var keys: [Key] = []
        for r in 0..<rows {
            rowAreas.withUnsafeMutableBufferPointer { areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width), into: $0) }
            for c in 0..<width {
                let p = r * width + c, a = rowAreas[c]
                keys.removeAll(keepingCapacity: true)
                keys.append(Self.whole)
                for (l, o) in zoneOutputs.enumerated() {
                    let z = results[o][p]
                    if !z.isNaN, z > 0 { keys.append(Key(layer: l, id: Int(saturating: z))) }
                }
                let level = results[levelOutput][p]
                for key in keys {
                    local[key, default: Sums(history: steps)].add(level: level, area: a, pixel: p, results: results,
                                                                  metricOutput: metricOutput, historyOutputs: historyOutputs)
                }
            }
        }
        lock.withLock {
            for (k, v) in local {
                if sums[k] == nil { sums[k] = v } else { try! sums[k]!.merge(v) }  // same history: one run
            }
        }
    }
}

extension WarnTally.Sums {
    /// Adds one pixel of `area` m2 with its level and metric history.
    mutating func add(level: Float, area a: Double, pixel p: Int, results: [UnsafeBufferPointer<Float>], metricOutput: Int, historyOutputs: [Int]) {
        if level.isNaN { noData.add(a); return }
        let code = Int(level)
        levelArea[code == 9 ? 4 : min(3, max(0, code))].add(a)
        guard code != 9 else { return }
        for h in 0..<metricSum.count {
            let v = h == 0 ? results[metricOutput][p] : results[historyOutputs[h - 1]][p]
            if !v.isNaN { metricSum[h].add(Double(v) * a); metricArea[h].add(a) }
        }
    }
}
