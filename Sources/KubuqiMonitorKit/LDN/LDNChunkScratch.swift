import Foundation
import KubuqiIndicators

/// The Int16 layers one chunk of an ldn pass computes (every `LDNPeriod.Layer`, the land-cover classes at the
/// period's start and end, the trajectory's status), reused from chunk to chunk through a ``LDNScratchPool``
/// instead of allocated for every layer of every chunk. Each chunk starts from nodata codes, as new layers did.
final class LDNChunkScratch {
    /// Every layer of the period, by layer.
    let layers: [LDNPeriod.Layer: Int16Scratch]
    /// The UNCCD land-cover classes at the period's start and end map years.
    let lcStart = Int16Scratch(0), lcEnd = Int16Scratch(0)
    /// The trajectory classes as statuses (the LPD combination's input).
    let trajectoryStatus = Int16Scratch(0)
    /// The baseline period's SDG codes (a reporting period's status against the baseline), filled by its user.
    let baseline = Int16Scratch(0)
    /// The chunk's productivity stack (`StackGeometry.pack`), grown to the largest one asked for.
    private var stackStorage = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
    /// The chunk's performance-window sums and counts (`PeriodMeans`), grown to the largest chunk asked for.
    private var sumStorage = UnsafeMutableBufferPointer<Double>.allocate(capacity: 1)
    private var yearStorage = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 1)

    init() {
        layers = Dictionary(uniqueKeysWithValues: LDNPeriod.Layer.allCases.map { ($0, Int16Scratch(0)) })
    }

    /// Layer `l`'s codes.
    subscript(_ l: LDNPeriod.Layer) -> Int16Scratch { layers[l]! }

    /// Makes every layer `n` nodata codes for the next chunk.
    func reset(count n: Int) {
        for l in layers.values { l.reset(count: n) }
        for l in [lcStart, lcEnd, trajectoryStatus] { l.reset(count: n) }
    }

    /// Room for a layer-major stack of `values` Float values (overwritten by `StackGeometry.pack`).
    func stack(_ values: Int) -> UnsafeMutableBufferPointer<Float> {
        if values > stackStorage.count {
            stackStorage.deallocate()
            stackStorage = .allocate(capacity: values)
        }
        return UnsafeMutableBufferPointer(rebasing: stackStorage[0..<values])
    }

    /// Means of `n` pixels in the scratch's storage, to be filled (`PeriodMeans.fill`, `decode`); valid until the scratch
    /// serves another chunk, never freed by the caller.
    func means(count n: Int, integer: Bool) -> PeriodMeans {
        if n > sumStorage.count {
            sumStorage.deallocate()
            yearStorage.deallocate()
            sumStorage = .allocate(capacity: n)
            yearStorage = .allocate(capacity: n)
        }
        return PeriodMeans(sums: UnsafeMutableBufferPointer(rebasing: sumStorage[0..<n]),
                           years: UnsafeMutableBufferPointer(rebasing: yearStorage[0..<n]), integer: integer)
    }

    deinit {
        sumStorage.deallocate()
        yearStorage.deallocate()
        stackStorage.deallocate()
        layers.values.forEach { $0.free() }
        for l in [lcStart, lcEnd, trajectoryStatus, baseline] { l.free() }
    }
}

/// The chunk scratches of one pass: a chunk takes one out of the pool (or makes one when every one is in use) and
/// puts it back, so the pass holds one per chunk running at a time (at most the cores), whatever the grid size,
/// each as large as the largest chunk it served; all of them go with the pool at the end of the pass.
final class LDNScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var pool: [LDNChunkScratch] = []

    /// Runs `body` with a scratch of `n` nodata codes per layer (`resetLayers` false: the layers as the last chunk
    /// left them, for a pass that uses only the scratch's means).
    func with<R>(count n: Int, resetLayers: Bool = true, _ body: (LDNChunkScratch) -> R) -> R {
        let scratch = lock.withLock { pool.popLast() } ?? LDNChunkScratch()
        defer { lock.withLock { pool.append(scratch) } }
        if resetLayers { scratch.reset(count: n) }
        return body(scratch)
    }
}
