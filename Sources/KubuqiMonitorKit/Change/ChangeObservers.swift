import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Histogram of |change| over the pixels valid at both dates, one per chunk, merged at the end.
final class AbsoluteHistogram: ChunkObserver, @unchecked Sendable {
    private let parts: PerChunk<Histogram>

    init(limit: Double) {
        parts = PerChunk(Histogram(lowerBound: 0, upperBound: limit, bins: 4096))
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        parts.update(chunk) { h in for v in results[0] where !v.isNaN { h.add(Double(abs(v))) } }
    }

    func merged() -> Histogram {
        var h = parts.values[0]
        for p in parts.values.dropFirst() { h.merge(p) }
        return h
    }
}

/// Pixels and areas per (zone, class): results[0] are class codes, results[1] zone ids when zoned.
final class AreaCounter: ChunkObserver, @unchecked Sendable {
    private let parts = PerChunk(ClassAreaTally())
    private let rowAreas: [Double]
    private let nodataCode: Int

    init(grid: Grid, nodataCode: Int) {
        rowAreas = grid.pixelAreas(rows: 0..<grid.height)
        self.nodataCode = nodataCode
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let rows = results[0].count / width
        parts.update(chunk) { tally in
            for r in 0..<rows {
                let range = (r * width)..<((r + 1) * width)
                let zones = results.count > 1 ? UnsafeBufferPointer(rebasing: results[1][range]) : nil
                tally.addRow(codes: UnsafeBufferPointer(rebasing: results[0][range]), zones: zones,
                             pixelArea: rowAreas[firstRow + r], nodataCode: nodataCode)
            }
        }
    }

    func merged() -> ClassAreaTally {
        parts.values.reduce(into: ClassAreaTally()) { $0.merge($1) }
    }
}
