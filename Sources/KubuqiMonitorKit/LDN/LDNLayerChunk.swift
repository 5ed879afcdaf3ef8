import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// One chunk of pass 2 as its observers (``LDNTally``, ``UNCCDObserver``) read it: each pixel's true
/// area (km2, and in the area tables' integer units of 10⁻⁹ km2) and the Int16 codes of the results
/// they tally, each formed once for all of them instead of once per observer and layer
/// (docs/benchmarks.md, "ldn observers"). Used by one thread, for one chunk; its buffers are an
/// ``LDNLayerChunkBuffers`` reused from chunk to chunk (``LDNLayerChunkBuffers/Pool``) or its own.
final class LDNLayerChunk {
    /// Output k's values for the chunk (NaN = nodata).
    let results: [UnsafeBufferPointer<Float>]
    /// Pixels in the chunk.
    let count: Int
    /// Each pixel's true area in km2 (docs/ldn-method.md §5).
    let km2: UnsafeMutableBufferPointer<Double>
    /// The same as ``AreaTable/units(_:)`` (rounded 10⁻⁹ km2), the unit every table adds.
    let units: UnsafeMutableBufferPointer<Int64>
    private let buffers: LDNLayerChunkBuffers
    /// The outputs whose codes (Int16, Int32) are formed for this chunk.
    private var formed: Set<Int> = [], formedWide: Set<Int> = []

    /// The chunk of `width` columns starting at grid row `firstRow`, column `firstColumn`, in `buffers` (nil: its own,
    /// released by ``free()``).
    init(firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>], areas: GridAreas,
         buffers: LDNLayerChunkBuffers? = nil) {
        self.results = results
        let n = results[0].count, rows = n / width
        count = n
        self.buffers = buffers ?? LDNLayerChunkBuffers()
        (km2, units) = self.buffers.areas(count: n)
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
        let c = buffers.codes(k)
        if formed.insert(k).inserted { c.reset(count: count, from: results[k]) }
        return UnsafeBufferPointer(c.buffer)
    }

    /// Output k's codes widened to Int32 (zone columns of the crossed tables), formed on first use.
    func zoneCodes(_ k: Int) -> UnsafeBufferPointer<Int32> {
        let c = codes(k)
        let out = buffers.wide(k, count: count)
        if formedWide.insert(k).inserted { for i in 0..<count { out[i] = Int32(c[i]) } }
        return UnsafeBufferPointer(out)
    }

    /// Room for `count` Int32 values (uninitialised) that an observer fills for this chunk, by `slot`.
    func scratch32(_ slot: Int) -> UnsafeMutableBufferPointer<Int32> { buffers.scratch32(slot, count: count) }

    /// Room for `count` Int16 values (uninitialised) that an observer fills for this chunk, by `slot`.
    func scratch16(_ slot: Int) -> UnsafeMutableBufferPointer<Int16> { buffers.scratch16(slot, count: count) }

    /// Ends the chunk: its buffers go back to their pool, or are released when they were its own.
    func free() {
        if buffers.pool == nil { buffers.release() } else { buffers.pool!.put(buffers) }
    }
}

/// The buffers of an ``LDNLayerChunk`` (areas, codes, observers' scratch), each grown to the largest chunk it served.
final class LDNLayerChunkBuffers {
    /// The pool they go back to (nil: a chunk's own).
    fileprivate(set) weak var pool: Pool?
    private var km2 = UnsafeMutableBufferPointer<Double>.allocate(capacity: 1)
    private var units = UnsafeMutableBufferPointer<Int64>.allocate(capacity: 1)
    private var codes: [Int: Int16Scratch] = [:]
    private var wide: [Int: UnsafeMutableBufferPointer<Int32>] = [:]
    private var slots32: [Int: UnsafeMutableBufferPointer<Int32>] = [:]
    private var slots16: [Int: UnsafeMutableBufferPointer<Int16>] = [:]

    fileprivate func areas(count n: Int) -> (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Int64>) {
        if n > km2.count {
            km2.deallocate(); units.deallocate()
            km2 = .allocate(capacity: n); units = .allocate(capacity: n)
        }
        return (UnsafeMutableBufferPointer(rebasing: km2[0..<n]), UnsafeMutableBufferPointer(rebasing: units[0..<n]))
    }

    fileprivate func codes(_ k: Int) -> Int16Scratch {
        if let c = codes[k] { return c }
        let c = Int16Scratch(0)
        codes[k] = c
        return c
    }

    private static func grown<T>(_ table: inout [Int: UnsafeMutableBufferPointer<T>], _ k: Int, _ n: Int) -> UnsafeMutableBufferPointer<T> {
        if let b = table[k], b.count >= n { return UnsafeMutableBufferPointer(rebasing: b[0..<n]) }
        table[k]?.deallocate()
        let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, n))
        table[k] = b
        return UnsafeMutableBufferPointer(rebasing: b[0..<n])
    }

    fileprivate func wide(_ k: Int, count n: Int) -> UnsafeMutableBufferPointer<Int32> { Self.grown(&wide, k, n) }
    fileprivate func scratch32(_ slot: Int, count n: Int) -> UnsafeMutableBufferPointer<Int32> { Self.grown(&slots32, slot, n) }
    fileprivate func scratch16(_ slot: Int, count n: Int) -> UnsafeMutableBufferPointer<Int16> { Self.grown(&slots16, slot, n) }

    fileprivate func release() {
        km2.deallocate(); units.deallocate()
        codes.values.forEach { $0.free() }
        for b in wide.values { b.deallocate() }
        for b in slots32.values { b.deallocate() }
        for b in slots16.values { b.deallocate() }
        codes = [:]; wide = [:]; slots32 = [:]; slots16 = [:]
        km2 = .allocate(capacity: 1); units = .allocate(capacity: 1)
    }

    deinit { release(); km2.deallocate(); units.deallocate() }

    /// The buffers of one pass's observed chunks: one set per chunk observed at a time (at most the threads), all of
    /// them released with the pool.
    final class Pool: @unchecked Sendable {
        private let lock = NSLock()
        private var free: [LDNLayerChunkBuffers] = []
        /// A set of buffers, reused or new.
        func take() -> LDNLayerChunkBuffers {
            let b = lock.withLock { free.popLast() } ?? LDNLayerChunkBuffers()
            b.pool = self
            return b
        }
        fileprivate func put(_ b: LDNLayerChunkBuffers) { lock.withLock { free.append(b) } }
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
    /// The shared chunks' buffers, reused from chunk to chunk.
    private let buffers = LDNLayerChunkBuffers.Pool()

    init(tally: LDNTally, unccd: UNCCDObserver, patches: (drawing: PatchDrawing, sdg: Int, zone: Int?)? = nil) {
        self.tally = tally
        self.unccd = unccd
        self.patches = patches
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let shared = LDNLayerChunk(firstRow: firstRow, firstColumn: firstColumn, width: width, results: results, areas: tally.gridAreas,
                                   buffers: buffers.take())
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
