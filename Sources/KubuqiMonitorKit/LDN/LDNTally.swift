import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Pass 2 observer: area tables of every layer (over the whole area and, with
/// zones, per zone: results[layers.count + 2 + k] are the ids of zone layer k,
/// 0 = none), and the land-cover transition table. In the land-cover status
/// table, water at both dates is counted as ``LDNReport/waterCode`` (water is
/// not land: it is neither stable land nor no data), in every table alike.
final class LDNTally: LDNChunkTally, @unchecked Sendable {
    let layers: [LDNPeriod.Layer]
    let gridAreas: GridAreas
    let zoneLayers: Int
    private let tables: PerChunk<[AreaTable]>
    private let zoneTables: PerChunk<[AreaTable]>
    private let transitions = PerChunk(TransitionTable())

    init(layers: [LDNPeriod.Layer], areas: GridAreas, zoneLayers: Int = 0) {
        self.layers = layers
        gridAreas = areas
        self.zoneLayers = zoneLayers
        tables = PerChunk(Array(repeating: AreaTable(), count: layers.count))
        zoneTables = PerChunk(Array(repeating: AreaTable(), count: layers.count))
    }

    /// Tallies one chunk from its areas and codes, formed once for every observer of the pass (``LDNLayerObservers``).
    func observe(chunk: Int, _ c: LDNLayerChunk) {
        let n = c.count, results = c.results
        // Zone ids per zone layer, and a layer of 0 where no zone holds the pixel ("outside every zone");
        // -1 marks pixels a layer does not count (skipped as zone nodata).
        var zoneIDs: [UnsafeMutableBufferPointer<Int32>] = []
        if zoneLayers > 0 {
            let outside = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
            outside.initialize(repeating: 0)
            for k in 0..<zoneLayers {
                let ids = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
                let z = results[layers.count + 2 + k]
                for i in 0..<n {
                    let id = z[i].isFinite ? Int32(saturating: z[i]) : 0
                    ids[i] = id == 0 ? -1 : id
                    if id != 0 { outside[i] = -1 }
                }
                zoneIDs.append(ids)
            }
            zoneIDs.append(outside)
        }
        defer { zoneIDs.forEach { $0.deallocate() } }
        let start = c.codes(layers.count), end = c.codes(layers.count + 1)
        // Each layer's codes as tallied: the land-cover status of water at both dates is "water", not stable land
        // (in a copy: the shared codes stay the layer's own, which UNCCDObserver crosses with the baseline's).
        let landCoverIndex = layers.firstIndex(of: .landCover)
        let landCover = landCoverIndex.map { k -> UnsafeMutableBufferPointer<Int16> in
            let tallied = c.scratch16(10)   // the chunk's buffer, reused from chunk to chunk (slot 10 is this observer's)
            _ = tallied.update(fromContentsOf: c.codes(k))
            let water = LandCoverClass.water.rawValue
            for i in 0..<n where start[i] == water && end[i] == water { tallied[i] = LDNReport.waterCode }
            return tallied
        }
        func codes(_ k: Int) -> UnsafeBufferPointer<Int16> { k == landCoverIndex ? UnsafeBufferPointer(landCover!) : c.codes(k) }
        let units = UnsafeBufferPointer(c.units)
        tables.update(chunk) { t in
            for k in 0..<layers.count { t[k].add(classes: codes(k), pixelAreaUnits: units) }
        }
        if !zoneIDs.isEmpty {
            zoneTables.update(chunk) { t in
                for k in 0..<layers.count {
                    for ids in zoneIDs {
                        t[k].add(classes: codes(k), zones: UnsafeBufferPointer(ids), zoneNodata: -1, pixelAreaUnits: units)
                    }
                }
            }
        }
        transitions.update(chunk) { $0.add(initial: start, final: end, pixelAreaUnits: units) }
    }

    /// Whole-area tables per layer.
    func areas() -> [LDNPeriod.Layer: AreaTable] { merged(tables) }

    /// Per-zone tables per layer (empty without zones).
    func zoneAreas() -> [LDNPeriod.Layer: AreaTable] { zoneLayers == 0 ? [:] : merged(zoneTables) }

    private func merged(_ parts: PerChunk<[AreaTable]>) -> [LDNPeriod.Layer: AreaTable] {
        var out: [LDNPeriod.Layer: AreaTable] = [:]
        for (k, layer) in layers.enumerated() {
            out[layer] = parts.values.reduce(into: AreaTable()) { $0.merge($1[k]) }
        }
        return out
    }

    func transitionTable() -> TransitionTable { transitions.values.reduce(into: TransitionTable()) { $0.merge($1) } }
}
