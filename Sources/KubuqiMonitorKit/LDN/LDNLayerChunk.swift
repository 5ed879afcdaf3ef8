import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// One chunk of pass 2 as its observers (``LDNTally``, ``UNCCDObserver``) read it: each pixel's true
/// area (km2, and in the area tables' integer units of 10⁻⁹ km2) and the Int16 codes of the results
/// they tally, each formed once for all of them instead of once per observer and layer
/// (docs/benchmarks.md, "ldn observers"). Used by one thread, for one chunk.
final class LDNLayerChunk {
    /// Output k's values for the chunk (NaN = nodata).
    let results: [UnsafeBufferPointer<Float>]
    /// Pixels in the chunk.
    let count: Int
    /// Each pixel's true area in km2 (docs/ldn-method.md §5).
    let km2: UnsafeMutableBufferPointer<Double>
    /// The same as ``AreaTable/units(_:)`` (rounded 10⁻⁹ km2), the unit every table adds.
    let units: UnsafeMutableBufferPointer<Int64>
    private var codes: [Int: Int16Scratch] = [:]

    /// The chunk of `width` columns starting at grid row `firstRow`, column `firstColumn`.
    init(firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>], areas: GridAreas) {
        self.results = results
        let n = results[0].count, rows = n / width
        count = n
        km2 = .allocate(capacity: max(1, n))
        units = .allocate(capacity: max(1, n))
        for r in 0..<rows {
            areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width),
                        into: UnsafeMutableBufferPointer(rebasing: km2[(r * width)..<((r + 1) * width)]))
        }
        for i in 0..<n {
            km2[i] /= 1e6
            units[i] = AreaTable.units(km2[i])
        }
    }

    /// Output k's values as Int16 codes (NaN -> nodata), converted on first use.
    func codes(_ k: Int) -> UnsafeBufferPointer<Int16> {
        if let c = codes[k] { return UnsafeBufferPointer(c.buffer) }
        let c = Int16Scratch(from: results[k])
        codes[k] = c
        return UnsafeBufferPointer(c.buffer)
    }

    /// Output k's codes widened to Int32 (zone columns of the crossed tables; caller deallocates).
    func zoneCodes(_ k: Int) -> UnsafeMutableBufferPointer<Int32> {
        let c = codes(k)
        let out = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, count))
        for i in 0..<count { out[i] = Int32(c[i]) }
        return out
    }

    func free() {
        km2.deallocate()
        units.deallocate()
        codes.values.forEach { $0.free() }
        codes = [:]
    }
}

/// An observer of an `ldn` layer pass that tallies ``LDNLayerChunk``s: fed alone, it forms the chunk itself from the
/// pass's results; beside others (``LDNLayerObservers``) it is handed the one chunk they share.
protocol LDNChunkTally: ChunkObserver {
    /// The true pixel areas the chunks are formed with.
    var gridAreas: GridAreas { get }
    /// Tallies one chunk.
    func observe(chunk: Int, _ c: LDNLayerChunk)
}

extension LDNChunkTally {
    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let shared = LDNLayerChunk(firstRow: firstRow, firstColumn: firstColumn, width: width, results: results, areas: gridAreas)
        defer { shared.free() }
        observe(chunk: chunk, shared)
    }
}

/// Pass 2's observers of a whole `ldn` period fed one shared ``LDNLayerChunk`` per chunk.
final class LDNLayerObservers: ChunkObserver, @unchecked Sendable {
    let tally: LDNTally
    let unccd: UNCCDObserver
    /// The SDG layer's patches drawn during the pass (``PatchDrawing``), with the outputs of the SDG layer and of
    /// the zone layer's ids.
    let patches: (drawing: PatchDrawing, sdg: Int, zone: Int?)?

    init(tally: LDNTally, unccd: UNCCDObserver, patches: (drawing: PatchDrawing, sdg: Int, zone: Int?)? = nil) {
        self.tally = tally
        self.unccd = unccd
        self.patches = patches
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let shared = LDNLayerChunk(firstRow: firstRow, firstColumn: firstColumn, width: width, results: results, areas: tally.gridAreas)
        defer { shared.free() }
        tally.observe(chunk: chunk, shared)
        unccd.observe(chunk: chunk, shared)
        if let p = patches {
            p.drawing.observe(firstRow: firstRow, firstColumn: firstColumn, width: width, classes: results[p.sdg], zone: p.zone.map { results[$0] })
        }
    }

    /// The patch drawing's failure stops the pass.
    var stopReason: Error? { patches?.drawing.failure }
}
