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
/// The histogram is filled only when the threshold rule needs it (Otsu); otherwise it stays
/// empty (same range and bins, so tile figures still merge), which saves 15 % of the pass.
final class DifferenceSurvey: ChunkObserver, @unchecked Sendable {
    private let histogram: AbsoluteHistogram
    private let fillHistogram: Bool
    private let moments = PerChunk(ExactStatistics())
    private let output: Int

    init(limit: Double, output: Int, histogram fill: Bool) {
        histogram = AbsoluteHistogram(limit: limit, output: output)
        fillHistogram = fill
        self.output = output
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        if fillHistogram { histogram.observe(chunk: chunk, firstRow: firstRow, width: width, results: results) }
        moments.update(chunk) { $0.add(results[output]) }
    }

    func merged() -> ChangeTileFigures {
        ChangeTileFigures(difference: moments.values.reduce(into: ExactStatistics()) { $0.merge($1) }, absoluteHistogram: histogram.merged())
    }
}

/// Pixels and areas per class over the whole area, and per (zone, class) when zoned:
/// results[classes] are class codes, results[z] for z in `zones` zone ids (one output
/// per layer of non-overlapping zones; 0 = none). A pixel counts once in the whole
/// area, once in every zone holding it, and under zone 0 when no zone holds it.
/// Each pixel counts its own true area on the ellipsoid (`GridAreas`).
final class AreaCounter: ChunkObserver, @unchecked Sendable {
    private let whole = PerChunk(ClassAreaTally())
    private let zoned = PerChunk(ClassAreaTally())
    private let areas: GridAreas
    private let nodataCode: Int
    private let classes: Int
    private let zones: [Int]

    init(grid: Grid, nodataCode: Int, classes: Int = 0, zones: [Int] = []) {
        areas = GridAreas(grid: grid)
        self.nodataCode = nodataCode
        self.classes = classes
        self.zones = zones
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let rows = results[classes].count / width
        let codes = results[classes]
        let pixelAreas = UnsafeMutableBufferPointer<Double>.allocate(capacity: width)
        defer { pixelAreas.deallocate() }
        // Whole-area counts in dense arrays by class code, folded into the chunk's tally once.
        var counts = CodeCounts()
        defer { whole.update(chunk) { $0.add(counts) } }
        let nodataCode = nodataCode
        for r in 0..<rows {
            areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width), into: pixelAreas)
            let row = UnsafeBufferPointer(rebasing: codes[(r * width)..<((r + 1) * width)]), rowAreas = UnsafeBufferPointer(pixelAreas)
            counts.add(count: width, areaUnits: { ClassAreaTally.units(squareMetres: rowAreas[$0]) },
                       code: { ClassAreaTally.code(row[$0], nodataCode: nodataCode) })
            guard !zones.isEmpty else { continue }
            zoned.update(chunk) { tally in
                var local: [ClassAreaTally.Key: (pixels: Int, units: Int64)] = [:]
                for i in (r * width)..<((r + 1) * width) {
                    let c = codes[i]
                    let code = c.isNaN ? nodataCode : Int(saturating: c)
                    let units = ClassAreaTally.units(squareMetres: pixelAreas[i - r * width])
                    var inside = false
                    for z in zones {
                        let id = results[z][i]
                        guard id.isFinite, id != 0 else { continue }
                        local[.init(zone: Int(saturating: id), code: code), default: (0, 0)].pixels += 1
                        local[.init(zone: Int(saturating: id), code: code), default: (0, 0)].units += units
                        inside = true
                    }
                    if !inside {
                        local[.init(zone: 0, code: code), default: (0, 0)].pixels += 1
                        local[.init(zone: 0, code: code), default: (0, 0)].units += units
                    }
                }
                for (k, v) in local { tally.add(zone: k.zone, code: k.code, pixels: v.pixels, areaUnits: v.units) }
            }
        }
    }

    /// Every pixel once, under zone 0.
    func mergedWhole() -> ClassAreaTally {
        whole.values.reduce(into: ClassAreaTally()) { $0.merge($1) }
    }

    /// Per zone (zone 0: outside every zone); empty without zones.
    func mergedZones() -> ClassAreaTally {
        zoned.values.reduce(into: ClassAreaTally()) { $0.merge($1) }
    }
}
