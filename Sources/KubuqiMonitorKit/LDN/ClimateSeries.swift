import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The precipitation of `[climate]` as annual (or seasonal) totals on the
/// productivity grid, built by `stack` (its series readers and GDAL's warper,
/// bilinear) into the run's work folder (docs/climate.md).
enum ClimateSeries {
    /// What the series holds before any pixel is read.
    struct Plan: Sendable {
        /// Observations per period of the most complete period (12 for monthly data, 1 for annual totals).
        let full: Int
        /// Observations per year (the year a period ends in).
        let observations: [Int: Int]
        /// The complete years, ascending.
        var years: [Int] { observations.keys.filter { observations[$0]! == full }.sorted() }
    }

    /// The `stack` options summing (or, `reducer`, reducing) the series on its own grid.
    static func options(_ c: ClimateCorrection, output: String, reducer: SeriesReducer = .sum, minimumObservations: Int = 1) -> StackOptions {
        var o = StackOptions(inputs: [c.precipitation], output: output, scheme: c.scheme, reducer: reducer,
                             minimumObservations: minimumObservations, minimumCoverage: 0, scale: c.scale)
        o.monthBands = true
        return o
    }

    /// The year a period's total counts for: its last day's (a season across the new year belongs to the year it ends in).
    static func year(of period: SeriesPeriod) -> Int { period.last.year }

    /// Reads the series' dates (no pixel): which years are complete.
    static func plan(_ c: ClimateCorrection) throws -> Plan {
        let o = options(c, output: "/nonexistent/kubuqi-precipitation.tif")
        let observations = try StackSources.collect(o, rasters: InputRasters())
        guard !observations.isEmpty else { throw KubuqiError.input(c.precipitation, "no dated precipitation observation") }
        let plan = StackPlan(observations: observations, scheme: c.scheme, minimumObservations: 1, minimumCoverage: 0)
        var counts: [Int: Int] = [:]
        for p in plan.periods { counts[year(of: p.period), default: 0] += p.observations.count }
        return Plan(full: counts.values.max() ?? 0, observations: counts)
    }

    /// Refuses a period whose trajectory window needs a year the series lacks or holds incompletely.
    static func check(_ plan: Plan, windows: [(name: String, years: ClosedRange<Int>)], file: String) throws {
        let have = Set(plan.years)
        for w in windows {
            guard let missing = w.years.first(where: { !have.contains($0) }) else { continue }
            let held = plan.observations[missing].map { "holds \($0) of \(plan.full) observations in \(missing)" } ?? "has nothing in \(missing)"
            throw KubuqiError.input(file, "the \(w.name) window \(w.years.lowerBound)-\(w.years.upperBound) needs precipitation for every year; the series \(held) (complete years: \(spans(plan.years)))")
        }
    }

    /// The windows of `period` that read precipitation: the trajectory's, and state's two when state is corrected.
    static func windows(_ period: LDNPeriod, _ c: ClimateCorrection) -> [(name: String, years: ClosedRange<Int>)] {
        let w = period.windows
        var out = [(name: "\(period.name) trajectory", years: w.trajectory)]
        if c.correctsState {
            if w.stateBaselineCount > 0 { out.append((name: "\(period.name) state baseline", years: w.stateBaseline)) }
            out.append((name: "\(period.name) state recent", years: w.stateRecent))
        }
        return out
    }

    /// The years of `period` whose precipitation the run reads.
    static func years(_ period: LDNPeriod, _ c: ClimateCorrection) -> [Int] {
        Array(Set(windows(period, c).flatMap { Array($0.years) })).sorted()
    }

    /// `2000-2012, 2014-2024`.
    static func spans(_ years: [Int]) -> String {
        guard var start = years.first else { return "none" }
        var out: [String] = [], last = start
        for y in years.dropFirst() {
            if y == last + 1 { last = y; continue }
            out.append(start == last ? "\(start)" : "\(start)-\(last)")
            start = y; last = y
        }
        out.append(start == last ? "\(start)" : "\(start)-\(last)")
        return out.joined(separator: ", ")
    }

    /// Sums the series per year on its own grid (one grid for the whole series; a pixel-year needs every
    /// observation of the most complete year, else it is nodata) into `work`, refuses negative
    /// precipitation, and presents the totals on `grid` through GDAL's warper (bilinear; the sum of
    /// bilinear interpolations is the interpolation of the sum, so summing first is exact and reads
    /// each month once).
    ///
    /// A tile (`region` of `grid`) reduces only the window of the series' grid its reads need
    /// (``tileWindow(of:grid:source:)``), so its cost follows its own size, not the whole grid's; the totals
    /// are placed in the series' whole grid and warped exactly as one machine warps them, so the tile's
    /// pixels are bit-identical to one machine's (docs/climate.md, "Tiles").
    /// - Returns: the total's band of each year, on `grid`.
    static func build(_ c: ClimateCorrection, plan: Plan, grid: Grid, work: WorkFolder, region: Window? = nil) throws -> [Int: RasterBand] {
        if let region, let bands = try windowed(c, plan: plan, grid: grid, work: work, region: region) { return bands }
        let minimum = try StackJob.run(options(c, output: work.file("precipitation-min.tif"), reducer: .min))
        try refuseNegative(c, minima: try Dataset.open(minimum.path), labels: minimum.manifest.periods.filter { $0.band != nil }.map(\.label))
        let o = options(c, output: work.file("precipitation-total.tif"), minimumObservations: plan.full)
        let totals = try StackJob.run(o)
        var ds = try Dataset.open(totals.path)
        if grid.difference(from: ds.grid) != nil {
            var w = o
            w.resampling = .bilinear
            ds = try StackJob.warp(ds, onto: grid, w)
        }
        var out: [Int: RasterBand] = [:]
        for p in totals.manifest.periods {
            guard let b = p.band, let y = Int(p.last.prefix(4)) else { continue }
            out[y] = try ds.band(b)
        }
        return out
    }

    /// GDAL's warped VRT computes whole blocks of `min(512, width)` x `min(128, height)` pixels, each from
    /// the source window its footprint needs (the bilinear kernel, a pixel each side when refining):
    /// the window of the series' grid under the blocks `region` touches, with 8 source pixels to spare,
    /// so no block a tile reads sees a pixel the tile did not reduce. Nil (the whole series is reduced)
    /// when the footprint cannot be placed or the series is not coarser than `grid` (coarsening reads
    /// the series' overviews, which only the whole series has).
    static func tileWindow(of region: Window, grid: Grid, source: Grid) -> Window? {
        let bx = min(512, grid.width), by = min(128, grid.height)
        let c0 = region.column / bx * bx, r0 = region.row / by * by
        let c1 = min(grid.width, (region.column + region.width + bx - 1) / bx * bx), r1 = min(grid.height, (region.row + region.height + by - 1) / by * by)
        let blocks = Window(column: c0, row: r0, width: c1 - c0, height: r1 - r0)
        guard let exact = grid.footprint(of: blocks, in: source, margin: 0),
              exact.width <= blocks.width, exact.height <= blocks.height else { return nil }
        return grid.footprint(of: blocks, in: source, margin: 8)
    }

    /// A tile's totals (``build(_:plan:grid:work:region:)``): the series reduced over ``tileWindow(of:grid:source:)``
    /// only, negative precipitation refused there, placed in the series' whole grid and warped as one machine
    /// warps it; nil when the whole series must be reduced.
    static func windowed(_ c: ClimateCorrection, plan: Plan, grid: Grid, work: WorkFolder, region: Window) throws -> [Int: RasterBand]? {
        let o = options(c, output: work.file("precipitation-total.tif"), minimumObservations: plan.full)
        let totals = try StackJob.setup(o)
        let warps = grid.difference(from: totals.grid) != nil
        guard let window = warps ? tileWindow(of: region, grid: grid, source: totals.grid) : region else { return nil }
        let lows = try StackJob.setup(options(c, output: work.file("precipitation-min.tif"), reducer: .min))
        let minimum = try reduce(lows, options(c, output: work.file("precipitation-min.tif"), reducer: .min), window: window, work: work, name: "precipitation-min")
        try refuseNegative(c, minima: minimum, labels: lows.kept.map(\.period.label))
        _ = try reduce(totals, o, window: window, work: work, name: "precipitation-total")
        let placed = work.file("precipitation-total.vrt")
        do { try Mosaic.placeVRT(placed, tile: work.file("precipitation-total-window.tif"), window: window, grid: totals.grid) } catch let e as GDALError {
            throw KubuqiError.output(placed, e.description)
        }
        var ds = try Dataset.open(placed)
        if warps {
            var w = o
            w.resampling = .bilinear
            ds = try StackJob.warp(ds, onto: grid, w)
            // The window assumed GDAL's block size of a warped VRT: another GDAL may choose otherwise.
            let block = try ds.band(1).blockSize
            guard block.width == min(512, grid.width), block.height == min(128, grid.height) else { return nil }
        }
        var out: [Int: RasterBand] = [:]
        for (k, p) in totals.kept.enumerated() { out[year(of: p.period)] = try ds.band(k + 1) }
        return out
    }

    /// Reduces every kept period of `setup` over `window` of its grid into WORK/NAME-window.tif (georeferenced on the window).
    private static func reduce(_ setup: StackJob.Setup, _ o: StackOptions, window: Window, work: WorkFolder, name: String) throws -> Dataset {
        let path = work.file("\(name)-window.tif")
        _ = try StackJob.withBlockCache(o) {
            try StackJob.stream(setup.kept, setup.plan.rule, inputs: setup.inputs, grid: setup.grid, o, stackAt: path,
                                countsAt: work.file("\(name)-window.count.tif"), region: window, progress: { _ in })
        }
        return try Dataset.open(path)
    }

    /// An input error at the first period (band k + 1 of `minima`, labelled `labels[k]`) whose lowest value is negative.
    static func refuseNegative(_ c: ClimateCorrection, minima: Dataset, labels: [String]) throws {
        for (k, label) in labels.enumerated() {
            if let v = try lowest(try minima.band(k + 1)), v < 0 {
                throw KubuqiError.input(c.precipitation, "negative precipitation (\(v) mm after scaling) in \(label); precipitation must be zero or more")
            }
        }
    }

    /// The smallest finite value of a band, read strip by strip; nil when none is finite.
    static func lowest(_ band: RasterBand) throws -> Float? {
        let grid = band.dataset.grid
        var low: Float? = nil
        let rows = max(1, min(grid.height, 4_194_304 / max(1, grid.width)))
        var row = 0
        while row < grid.height {
            let h = min(rows, grid.height - row)
            for v in try band.read(Window(column: 0, row: row, width: grid.width, height: h)) where v.isFinite {
                if low == nil || v < low! { low = v }
            }
            row += h
        }
        return low
    }
}

/// The Float32 layers of `[climate]` per period.
enum ClimateLayers: CaseIterable {
    case fitR2, fitSlope, correctedSlope, correctedZ

    var file: String {
        switch self {
        case .fitR2: return "climate-fit-r2"
        case .fitSlope: return "climate-fit-slope"
        case .correctedSlope: return "climate-corrected-slope"
        case .correctedZ: return "climate-corrected-z"
        }
    }

    var title: String {
        switch self {
        case .fitR2: return "R2 of the least-squares fit of annual productivity on annual precipitation over the trajectory window"
        case .fitSlope: return "slope of that fit (productivity units per mm)"
        case .correctedSlope: return "Theil-Sen slope of the climate-corrected series (RESTREND residuals or the plain series where it fell back: productivity units per year; RUE: productivity per mm per year)"
        case .correctedZ: return "Mann-Kendall Z of the climate-corrected series"
        }
    }

    static func written(_ c: ClimateCorrection) -> [ClimateLayers] { allCases }
}

/// One chunk's `ClimateTrend` outputs.
final class ClimateFields {
    let r2, fitSlope, slope, z: UnsafeMutableBufferPointer<Float>
    let flag: UnsafeMutableBufferPointer<Int16>

    init(_ n: Int) {
        r2 = .allocate(capacity: n); fitSlope = .allocate(capacity: n); slope = .allocate(capacity: n); z = .allocate(capacity: n)
        flag = .allocate(capacity: n)
        flag.initialize(repeating: DegradationStatus.nodata)
    }

    /// Runs `kernel` on the trajectory window: `stack` the window's productivity (stored integers
    /// turned into productivity with `physical`), the precipitation totals from the chunk's inputs.
    static func compute(_ kernel: ClimateTrend, stack: UnsafeBufferPointer<Float>, physical: (Float, Float)?,
                        ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, years: [Int], pixelCount n: Int, into f: ClimateFields) {
        let layers = years.count
        let productivity = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, layers * n))
        let precipitation = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, layers * n))
        defer { productivity.deallocate(); precipitation.deallocate() }
        for (l, year) in years.enumerated() {
            let source = ins[slots.precipitation[year]!]
            for i in 0..<n {
                let v = stack[l * n + i]
                productivity[l * n + i] = physical.map { v * $0.0 + $0.1 } ?? v
                precipitation[l * n + i] = source[i]
            }
        }
        kernel.run(productivity: UnsafeBufferPointer(productivity), precipitation: UnsafeBufferPointer(precipitation), pixelCount: n,
                   pixels: 0..<n, r2: f.r2, fitSlope: f.fitSlope, slope: f.slope, z: f.z, flag: f.flag)
    }

    /// The climate-normalized productivity of every layer of the chunk's `stack` (all the period's years; docs/climate.md,
    /// "Correcting state too"), in productivity units, the fit over `fitLayers`; layers without precipitation are NaN
    /// (caller deallocates).
    static func normalized(_ kernel: ClimateNormalization, stack: UnsafeBufferPointer<Float>, physical: (Float, Float)?,
                           ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, years: [Int], fitLayers: Range<Int>,
                           pixelCount n: Int) -> UnsafeMutableBufferPointer<Float> {
        let layers = years.count
        let productivity = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, layers * n))
        let precipitation = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, layers * n))
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, layers * n))
        defer { productivity.deallocate(); precipitation.deallocate() }
        for (l, year) in years.enumerated() {
            let source = slots.precipitation[year].map { ins[$0] }
            for i in 0..<n {
                let v = stack[l * n + i]
                productivity[l * n + i] = physical.map { v * $0.0 + $0.1 } ?? v
                precipitation[l * n + i] = source?[i] ?? .nan
            }
        }
        kernel.run(productivity: UnsafeBufferPointer(productivity), precipitation: UnsafeBufferPointer(precipitation), layers: layers,
                   pixelCount: n, fitLayers: fitLayers, into: out)
        return out
    }

    func store(_ layer: ClimateLayers, into out: UnsafeMutableBufferPointer<Float>) {
        let source: UnsafeMutableBufferPointer<Float>
        switch layer {
        case .fitR2: source = r2
        case .fitSlope: source = fitSlope
        case .correctedSlope: source = slope
        case .correctedZ: source = z
        }
        _ = out.update(fromContentsOf: source)
    }

    func free() { r2.deallocate(); fitSlope.deallocate(); slope.deallocate(); z.deallocate(); flag.deallocate() }
}
