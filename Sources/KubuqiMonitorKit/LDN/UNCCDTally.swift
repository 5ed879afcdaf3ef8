import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The figures of the UNCCD reporting tables of one period that the area
/// tables do not hold (docs/ldn.md, "UNCCD reporting tables"): land cover by
/// class and map year (SO1-1), the soil organic carbon stock in tonnes by class
/// and year (SO1-3), the land productivity dynamics crossed with the land-cover
/// transitions (SO1-2) and, for reporting periods, each sub-indicator's
/// baseline status crossed with its reporting status. Gathered by
/// ``UNCCDObserver`` in the period's layer pass (pass 2), and mergeable across
/// tiles: every sum is in integer units, so any order gives the same figures.
struct UNCCDFigures: Sendable, Codable {
    /// Land-cover area by map year: zone = the year, class = UNCCD class 1...7.
    var landCover = AreaTable()
    /// SOC stock in grams (10⁻⁶ t, per pixel rounded) by map year and land-cover class (pixels the SOC sub-indicator counts).
    var socGrams: [Int: [Int16: Int64]] = [:]
    /// The area the SOC stock covers: zone = the year, class = UNCCD class.
    var socArea = AreaTable()
    /// LPD class x land-cover transition: zone = LPD class (1...5, nodata), class = from * 10 + to.
    var lpdByTransition = AreaTable()
    /// Baseline x reporting status per sub-indicator (by layer file stem): zone = baseline status, class = reporting status.
    var baselineVsReporting: [String: AreaTable] = [:]

    /// The sub-indicator layers crossed with the baseline, in report order.
    static let crossedLayers: [LDNPeriod.Layer] = [.sdg, .productivity, .landCover, .soc]

    /// SOC stock in tonnes by year and class.
    var socTonnes: [Int: [Int16: Double]] { socGrams.mapValues { $0.mapValues { Double($0) / 1e6 } } }

    /// Adds another part's (chunk's, tile's) figures.
    mutating func merge(_ p: UNCCDFigures) {
        landCover.merge(p.landCover)
        socArea.merge(p.socArea)
        lpdByTransition.merge(p.lpdByTransition)
        for (y, byClass) in p.socGrams { for (c, g) in byClass { socGrams[y, default: [:]][c, default: 0] += g } }
        for (l, t) in p.baselineVsReporting { baselineVsReporting[l, default: AreaTable()].merge(t) }
    }
}

/// Where pass 2's results hold what ``UNCCDObserver`` reads.
struct UNCCDResults: Sendable {
    /// UNCCD land-cover classes at the start and end map years.
    var startClass: Int, endClass: Int
    /// SOC stock (t/ha) at the start and, by the SOC sub-indicator's kernel, at the end (NaN where it does not count).
    var startStock: Int, endStock: Int
    /// The LPD layer.
    var lpd: Int?
    /// This period's and the baseline's status layers, crossed (reporting periods).
    var crossed: [(layer: LDNPeriod.Layer, now: Int, base: Int)] = []
}

/// Tallies the UNCCD figures of pass 2's results by true pixel area, one accumulator per chunk.
final class UNCCDObserver: LDNChunkTally, @unchecked Sendable {
    let gridAreas: GridAreas
    let years: (Int, Int)
    let at: UNCCDResults
    private let parts = PerChunk(UNCCDFigures())

    init(areas: GridAreas, years: (Int, Int), results: UNCCDResults) {
        gridAreas = areas
        self.years = years
        at = results
    }

    /// Tallies one chunk from its areas and codes, formed once for every observer of the pass (``LDNLayerObservers``).
    func observe(chunk: Int, _ c: LDNLayerChunk) {
        let n = c.count, results = c.results, km2 = c.km2, units = UnsafeBufferPointer(c.units)
        let start = c.codes(at.startClass), end = c.codes(at.endClass)
        let (y0, y1) = years
        // The SOC stock in grams and the area it covers (pixels, area units) by class at each map year, counted here
        // (the area table's cells at zone = the year; pixels where the stock is not counted are left out).
        // Six rows of eight (class 0...7) in one block without arrays' checks: grams, pixels and area units at each year.
        let sums = UnsafeMutablePointer<Int64>.allocate(capacity: 48)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: 48)
        let grams0 = sums, grams1 = sums + 8, pixels0 = sums + 16, pixels1 = sums + 24, units0 = sums + 32, units1 = sums + 40
        let stock0 = results[at.startStock], stock1 = results[at.endStock]
        for i in 0..<n {
            let s0 = stock0[i], s1 = stock1[i]
            guard s0.isFinite, s1.isFinite, (1...7).contains(start[i]), (1...7).contains(end[i]) else { continue }
            let k0 = Int(start[i]), k1 = Int(end[i])
            // t/ha x km2 x 100 ha/km2, in grams.
            grams0[k0] += Int64((Double(s0) * km2[i] * 100 * 1e6).rounded())
            grams1[k1] += Int64((Double(s1) * km2[i] * 100 * 1e6).rounded())
            pixels0[k0] += 1; units0[k0] += units[i]
            pixels1[k1] += 1; units1[k1] += units[i]
        }
        // The land-cover transitions (the chunk's buffer, reused from chunk to chunk: slot 0 is this observer's).
        let transition = c.scratch16(0)
        transition.update(repeating: DegradationStatus.nodata)
        for i in 0..<n where (1...7).contains(start[i]) && (1...7).contains(end[i]) { transition[i] = start[i] * 10 + end[i] }
        let lpd = at.lpd.map { c.zoneCodes($0) }
        let crossed = at.crossed.map { x in (x.layer.file, c.zoneCodes(x.base), c.codes(x.now)) }
        func add(_ t: inout AreaTable, _ classes: UnsafeBufferPointer<Int16>, _ zones: UnsafeBufferPointer<Int32>, nodata: Int32? = nil) {
            t.add(classes: classes, zones: zones, zoneNodata: nodata, pixelAreaUnits: units)
        }
        parts.update(chunk) { f in
            f.landCover.add(classes: start, zone: Int32(y0), pixelAreaUnits: units)
            if y1 != y0 { f.landCover.add(classes: end, zone: Int32(y1), pixelAreaUnits: units) }
            for k in 1...7 where pixels0[k] > 0 { f.socArea.add(zone: Int32(y0), classValue: Int16(k), pixels: Int(pixels0[k]), units: units0[k]) }
            if y1 != y0 {
                for k in 1...7 where pixels1[k] > 0 { f.socArea.add(zone: Int32(y1), classValue: Int16(k), pixels: Int(pixels1[k]), units: units1[k]) }
            }
            if let lpd { add(&f.lpdByTransition, UnsafeBufferPointer(transition), lpd) }
            for (layer, base, now) in crossed { add(&f.baselineVsReporting[layer, default: AreaTable()], now, base) }
            for c in 1...7 {
                if grams0[c] > 0 { f.socGrams[y0, default: [:]][Int16(c), default: 0] += grams0[c] }
                if y1 != y0 && grams1[c] > 0 { f.socGrams[y1, default: [:]][Int16(c), default: 0] += grams1[c] }
            }
        }
    }

    /// The chunks' figures merged.
    func figures() -> UNCCDFigures { parts.values.reduce(into: UNCCDFigures()) { $0.merge($1) } }
}
