import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Histogram of |change| over the pixels valid at both dates, one per chunk, merged at the end.
final class AbsoluteHistogram: ChunkObserver, @unchecked Sendable {
    private let parts: PerChunk<Histogram>
    private let output: Int

    init(limit: Double, output: Int = 0) {
        parts = PerChunk(Histogram(lowerBound: 0, upperBound: limit, bins: 4096))
        self.output = output
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        parts.update(chunk) { h in for v in results[output] where !v.isNaN { h.add(Double(abs(v))) } }
    }

    func merged() -> Histogram {
        var h = parts.values[0]
        for p in parts.values.dropFirst() { h.merge(p) }
        return h
    }
}

/// Exact statistics and the |d| histogram of one output (the change value d), one per chunk, merged at the end.
final class DifferenceSurvey: ChunkObserver, @unchecked Sendable {
    private let histogram: AbsoluteHistogram
    private let moments = PerChunk(ExactStatistics())
    private let output: Int

    init(limit: Double, output: Int) {
        histogram = AbsoluteHistogram(limit: limit, output: output)
        self.output = output
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        histogram.observe(chunk: chunk, firstRow: firstRow, width: width, results: results)
        moments.update(chunk) { $0.add(results[output]) }
    }

    func merged() -> ChangeTileFigures {
        ChangeTileFigures(difference: moments.values.reduce(into: ExactStatistics()) { $0.merge($1) }, absoluteHistogram: histogram.merged())
    }
}

/// Pixels and areas per (zone, class): results[classes] are class codes, results[zones] zone ids when zoned
/// (by default results[0] and results[1]).
final class AreaCounter: ChunkObserver, @unchecked Sendable {
    private let parts = PerChunk(ClassAreaTally())
    private let rowAreas: [Double]
    private let nodataCode: Int
    private let classes: Int
    private let zones: Int?

    init(grid: Grid, nodataCode: Int, classes: Int = 0, zones: Int?? = nil) {
        rowAreas = grid.pixelAreas(rows: 0..<grid.height)
        self.nodataCode = nodataCode
        self.classes = classes
        self.zones = zones ?? nil
        useDefaultZones = zones == nil
    }

    private let useDefaultZones: Bool

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let rows = results[classes].count / width
        let zoneOutput = useDefaultZones ? (results.count > 1 ? 1 : nil) : zones
        parts.update(chunk) { tally in
            for r in 0..<rows {
                let range = (r * width)..<((r + 1) * width)
                let zones = zoneOutput.map { UnsafeBufferPointer(rebasing: results[$0][range]) }
                tally.addRow(codes: UnsafeBufferPointer(rebasing: results[classes][range]), zones: zones,
                             pixelArea: rowAreas[firstRow + r], nodataCode: nodataCode)
            }
        }
    }

    func merged() -> ClassAreaTally {
        parts.values.reduce(into: ClassAreaTally()) { $0.merge($1) }
    }
}
