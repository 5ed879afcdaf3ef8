import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The figures of the UNCCD reporting tables of one period that the layer
/// pass does not keep (docs/ldn.md, "UNCCD reporting tables"): land cover by
/// class and map year (SO1-1), the soil organic carbon stock in tonnes by class
/// and year (SO1-3), the land productivity dynamics crossed with the land-cover
/// transitions (SO1-2) and, for reporting periods, each sub-indicator's
/// baseline status crossed with its reporting status.
struct UNCCDFigures: Sendable {
    /// Land-cover area by map year: zone = the year, class = UNCCD class 1...7.
    var landCover = AreaTable()
    /// SOC stock in tonnes by map year and land-cover class (pixels the SOC sub-indicator counts).
    var socTonnes: [Int: [Int16: Double]] = [:]
    /// The area the SOC stock covers: zone = the year, class = UNCCD class.
    var socArea = AreaTable()
    /// LPD class x land-cover transition: zone = LPD class (1...5, nodata), class = from * 10 + to.
    var lpdByTransition = AreaTable()
    /// Baseline x reporting status per sub-indicator: zone = baseline status, class = reporting status.
    var baselineVsReporting: [LDNPeriod.Layer: AreaTable] = [:]

    /// The sub-indicator layers crossed with the baseline, in report order.
    static let crossedLayers: [LDNPeriod.Layer] = [.sdg, .productivity, .landCover, .soc]
}

/// One streamed pass (StreamedCalculation, nothing written) over a period's
/// land-cover maps, the SOC baseline, its LPD layer and status layers (and the
/// baseline's status layers), gathering `UNCCDFigures`.
enum UNCCDTally {
    /// Gathers the figures of `period` (baseline status layers in `baseline`, nil for the baseline itself).
    static func run(config: LDNConfig, grid: Grid, period: LDNPeriodResult, baseline: LDNPeriodResult?) throws -> UNCCDFigures {
        let files = InputRasters()
        let (y0, y1) = period.landCoverYears
        guard let lc0 = config.landCoverMaps[y0], let lc1 = config.landCoverMaps[y1] else { return UNCCDFigures() }
        var inputs = [PixelInput(band: try files.band(BandSelection(parsing: lc0))),
                      PixelInput(band: try files.band(BandSelection(parsing: lc1))),
                      PixelInput(band: try files.band(BandSelection(parsing: config.socBaseline)))]
        var slot: [String: Int] = [:]
        func add(_ key: String, _ path: String?) throws {
            guard let path else { return }
            slot[key] = inputs.count
            inputs.append(PixelInput(band: try Dataset.open(path).band(1)))
        }
        try add("climate", config.climateZones.map { BandSelection(parsing: $0).path })
        try add("lpd", period.files[.lpd])
        for l in UNCCDFigures.crossedLayers {
            try add("now-\(l.rawValue)", period.files[l])
            if let b = baseline { try add("base-\(l.rawValue)", b.files[l]) }
        }
        let legend = config.legend, climate = config.climate, years = Double(y1 - y0)
        let s = slot
        // Results: 0 start class, 1 end class, 2 start stock, 3 end stock (t/ha), then the LPD and status layers as read.
        let passThrough = Array(s.values).sorted()
        let outputCount = 4 + passThrough.count
        let observer = UNCCDObserver(areas: GridAreas(grid: grid), years: (y0, y1), slots: s, passThrough: passThrough)
        _ = try StreamedCalculation.runJoint(
            inputs: inputs, outputs: Array(repeating: nil, count: outputCount),
            kernel: { ins, outs, _, _ in
                let n = outs[0].count
                let start = Int16Scratch(n), end = Int16Scratch(n)
                defer { start.free(); end.free() }
                var unknown = UnknownCodeCounter()
                legend.reclassify(ins[0], nodata: nil, into: start.buffer, unknown: &unknown)
                legend.reclassify(ins[1], nodata: nil, into: end.buffer, unknown: &unknown)
                let zones = s["climate"].map { Int16Scratch(from: ins[$0]) }
                defer { zones?.free() }
                let status = Int16Scratch(n)
                defer { status.free() }
                // The SOC sub-indicator's own kernel: the same pixels (water at the start excluded) and stocks.
                SoilOrganicCarbon.trendsEarth.run(initialStock: ins[2], initialLandCover: UnsafeBufferPointer(start.buffer),
                                                  finalLandCover: UnsafeBufferPointer(end.buffer), years: years, climate: climate,
                                                  climateZoneCodes: zones.map { UnsafeBufferPointer($0.buffer) },
                                                  finalStock: outs[3], status: status.buffer)
                start.store(into: outs[0])
                end.store(into: outs[1])
                for i in 0..<n { outs[2][i] = outs[3][i].isFinite ? ins[2][i] : .nan }
                for (k, input) in passThrough.enumerated() { _ = outs[4 + k].update(fromContentsOf: ins[input]) }
            }, observer: observer)
        return observer.figures()
    }
}

/// Tallies `UNCCDTally`'s results by true pixel area, one accumulator per chunk.
final class UNCCDObserver: ChunkObserver, @unchecked Sendable {
    let gridAreas: GridAreas
    let years: (Int, Int)
    let slots: [String: Int]
    let passThrough: [Int]
    private let parts = PerChunk(UNCCDFigures())

    init(areas: GridAreas, years: (Int, Int), slots: [String: Int], passThrough: [Int]) {
        gridAreas = areas
        self.years = years
        self.slots = slots
        self.passThrough = passThrough
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    /// The result index of input slot `key`, nil when the input is absent.
    private func result(_ key: String) -> Int? { slots[key].flatMap { s in passThrough.firstIndex(of: s).map { 4 + $0 } } }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let n = results[0].count, rows = n / width
        var km2 = [Double](repeating: 0, count: n)
        for r in 0..<rows {
            let a = gridAreas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width))
            for c in 0..<width { km2[r * width + c] = a[c] / 1e6 }
        }
        func codes(_ k: Int) -> [Int16] { results[k].map { $0.isFinite ? Int16(saturating: $0) : DegradationStatus.nodata } }
        let start = codes(0), end = codes(1)
        let (y0, y1) = years
        // Zone columns: the map year; -1 where the SOC stock is not counted.
        var socYear0 = [Int32](repeating: -1, count: n), socYear1 = [Int32](repeating: -1, count: n)
        var tonnes0 = [Double](repeating: 0, count: 8), tonnes1 = [Double](repeating: 0, count: 8)
        for i in 0..<n {
            let s0 = results[2][i], s1 = results[3][i]
            guard s0.isFinite, s1.isFinite, (1...7).contains(start[i]), (1...7).contains(end[i]) else { continue }
            // t/ha x km2 x 100 ha/km2.
            tonnes0[Int(start[i])] += Double(s0) * km2[i] * 100
            tonnes1[Int(end[i])] += Double(s1) * km2[i] * 100
            socYear0[i] = Int32(y0)
            socYear1[i] = Int32(y1)
        }
        let year0 = [Int32](repeating: Int32(y0), count: n), year1 = [Int32](repeating: Int32(y1), count: n)
        var transition = [Int16](repeating: DegradationStatus.nodata, count: n)
        for i in 0..<n where (1...7).contains(start[i]) && (1...7).contains(end[i]) { transition[i] = start[i] * 10 + end[i] }
        let lpd = result("lpd").map { k in codes(k).map(Int32.init) }
        let crossed = UNCCDFigures.crossedLayers.compactMap { l -> (LDNPeriod.Layer, [Int32], [Int16])? in
            guard let now = result("now-\(l.rawValue)"), let base = result("base-\(l.rawValue)") else { return nil }
            return (l, codes(base).map(Int32.init), codes(now))
        }
        func add(_ t: inout AreaTable, _ classes: [Int16], _ zones: [Int32], nodata: Int32? = nil) {
            classes.withUnsafeBufferPointer { c in
                zones.withUnsafeBufferPointer { z in km2.withUnsafeBufferPointer { a in t.add(classes: c, zones: z, zoneNodata: nodata, pixelAreaKm2: a) } }
            }
        }
        parts.update(chunk) { f in
            add(&f.landCover, start, year0)
            if y1 != y0 { add(&f.landCover, end, year1) }
            add(&f.socArea, start, socYear0, nodata: -1)
            if y1 != y0 { add(&f.socArea, end, socYear1, nodata: -1) }
            if let lpd { add(&f.lpdByTransition, transition, lpd) }
            for (layer, base, now) in crossed { add(&f.baselineVsReporting[layer, default: AreaTable()], now, base) }
            for c in 1...7 {
                if tonnes0[c] > 0 { f.socTonnes[y0, default: [:]][Int16(c), default: 0] += tonnes0[c] }
                if y1 != y0 && tonnes1[c] > 0 { f.socTonnes[y1, default: [:]][Int16(c), default: 0] += tonnes1[c] }
            }
        }
    }

    /// The chunks' figures merged (in chunk order, so sums are reproducible).
    func figures() -> UNCCDFigures {
        var out = UNCCDFigures()
        for p in parts.values {
            out.landCover.merge(p.landCover)
            out.socArea.merge(p.socArea)
            out.lpdByTransition.merge(p.lpdByTransition)
            for (y, byClass) in p.socTonnes { for (c, t) in byClass { out.socTonnes[y, default: [:]][c, default: 0] += t } }
            for (l, t) in p.baselineVsReporting { out.baselineVsReporting[l, default: AreaTable()].merge(t) }
        }
        return out
    }
}
