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
        func code(_ v: Float) -> Int16 { v.isFinite ? Int16(saturating: v) : DegradationStatus.nodata }
        let lpd = result("lpd")
        let crossed = UNCCDFigures.crossedLayers.compactMap { l -> (LDNPeriod.Layer, Int, Int)? in
            guard let now = result("now-\(l.rawValue)"), let base = result("base-\(l.rawValue)") else { return nil }
            return (l, base, now)
        }
        let (y0, y1) = years
        parts.update(chunk) { f in
            for i in 0..<n {
                let from = code(results[0][i]), to = code(results[1][i]), a = km2[i]
                f.landCover.add(zone: Int32(y0), classValue: from, areaKm2: a)
                if y1 != y0 { f.landCover.add(zone: Int32(y1), classValue: to, areaKm2: a) }
                let s0 = results[2][i], s1 = results[3][i]
                if s0.isFinite && s1.isFinite {
                    // t/ha x km2 x 100 ha/km2.
                    f.socTonnes[y0, default: [:]][from, default: 0] += Double(s0) * a * 100
                    f.socArea.add(zone: Int32(y0), classValue: from, areaKm2: a)
                    if y1 != y0 {
                        f.socTonnes[y1, default: [:]][to, default: 0] += Double(s1) * a * 100
                        f.socArea.add(zone: Int32(y1), classValue: to, areaKm2: a)
                    }
                }
                if let lpd {
                    let transition: Int16 = (1...7).contains(from) && (1...7).contains(to) ? from * 10 + to : DegradationStatus.nodata
                    f.lpdByTransition.add(zone: Int32(code(results[lpd][i])), classValue: transition, areaKm2: a)
                }
                for (layer, base, now) in crossed {
                    f.baselineVsReporting[layer, default: AreaTable()].add(zone: Int32(code(results[base][i])),
                                                                           classValue: code(results[now][i]), areaKm2: a)
                }
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
