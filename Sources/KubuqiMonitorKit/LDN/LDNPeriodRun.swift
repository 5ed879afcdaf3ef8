import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What one period produced: its layers and their area tables.
public struct LDNPeriodResult: Sendable {
    /// `baseline` or `reporting-Y0-Y1`.
    public var name: String
    /// The period's years.
    public var years: ClosedRange<Int>
    /// Land-cover map years used (start, end).
    public var landCoverYears: (Int, Int)
    /// Written layers by file stem.
    var files: [LDNPeriod.Layer: String]
    /// Area tables (km2) by layer, over the whole area (zone 0).
    var areas: [LDNPeriod.Layer: AreaTable]
    /// With zones: area tables (km2) by layer per zone, each zone with its full area
    /// (zone 0: outside every zone); empty without zones.
    var zoneAreas: [LDNPeriod.Layer: AreaTable] = [:]
    /// Land-cover transitions start -> end (7 x 7, km2).
    public var transitions: TransitionTable
    /// The 90th percentile of mean productivity per land unit (performance).
    public var performanceMaxima: [LandUnit: Double]
    /// Statistics of each year's productivity over the region (the years this period read).
    public var annualProductivity: [Int: SummaryStatistics]
    /// The same, exact and mergeable (tiles).
    var annualExact: [Int: ExactStatistics] = [:]
    /// A tile's stats pass: the mean productivity per land unit, the tile file's survey (nil otherwise).
    var performanceSurvey: PerformanceAccumulator?
    /// The UNCCD reporting tables' own figures, gathered in the layer pass.
    var unccd = UNCCDFigures()
    /// The SDG layer's patch GeoPackage when the layer pass drew it (``LDNPeriodRun/patches``), else nil.
    var patches: String? = nil

    /// The period's name with its years, once: "baseline 2000-2015", "reporting-2016-2019".
    public var title: String {
        let span = "\(years.lowerBound)-\(years.upperBound)"
        return name.hasSuffix(span) ? name : "\(name) \(span)"
    }

    /// Percent degraded/stable/improved of the SDG layer over the whole region (all zones together).
    public var summaryLine: String {
        guard let t = areas[.sdg] else { return "" }
        var km2: [Int16: Double] = [:]
        for r in t.rows { km2[r.classValue, default: 0] += r.areaKm2 }
        let valid = [-1, 0, 1].reduce(0.0) { $0 + (km2[Int16($1)] ?? 0) }
        func pct(_ v: Int16) -> Double { valid > 0 ? 100 * (km2[v] ?? 0) / valid : 0 }
        return String(format: "SDG 15.3.1: %.4f km2 degraded (%.2f %%), %.4f km2 stable (%.2f %%), %.4f km2 improved (%.2f %%)",
                      km2[-1] ?? 0, pct(-1), km2[0] ?? 0, pct(0), km2[1] ?? 0, pct(1))
    }
}

/// The streamed passes of one period. A whole run: the stack pass (the stack's layers, the means scratch, the
/// performance search's first digits), the search's refinements over the means, then the layer pass (every other
/// layer, the stack read no more). A tile: its stats pass (the distinct-value survey), or its final pass (every
/// layer in one pass, with the merged survey's maxima). docs/ldn-method.md §6.
struct LDNPeriodRun {
    let period: LDNPeriod
    let inputs: LDNJob.Inputs
    let output: OutputFolder
    let work: WorkFolder
    /// The baseline period's status layers (reporting periods; empty for the baseline):
    /// its SDG layer for the status against the baseline, all of them for the UNCCD crosstabs.
    let baseline: [LDNPeriod.Layer: String]
    let creationOptions: CreationOptions
    let quiet: Bool
    /// A window of the grid to compute alone (a tile), nil for the whole grid.
    var region: Window? = nil
    /// The first pass's figures merged over every tile: pass 1 is skipped and these are used.
    var surveyed: (performance: PerformanceAccumulator?, annual: [Int: ExactStatistics])? = nil
    /// Run pass 1 only (a tile's stats pass): the result holds its figures and no layer.
    var surveyOnly = false
    /// Called with the stack pass's layers once they are final (legends attached), before the rest of the period:
    /// a whole run's publisher copies them beside it (``LDNPeriodPublisher/submitStackLayers(of:files:)``).
    var stackLayersDone: (([LDNPeriod.Layer: String]) -> Void)? = nil
    /// Draw the SDG layer's patches during the layer pass, split by these zones (``PatchDrawing``: a whole run, no
    /// zones or one zone layer); nil: not drawn here (``LDNPeriodPublisher`` draws them after the period, if asked).
    var patches: ZoneLayer?? = nil

    /// Productivity state as Trends.Earth runs it: a change of two or more
    /// percentile classes, and of at least 0.01 in the productivity units
    /// (NDVI), so that noise around a flat mean is not read as a change.
    static let state = ProductivityState(minimumMeanDifference: 0.01)

    /// The state metric of a config: Trends.Earth's deciles, or the GPG v2 z-score.
    static func state(_ c: LDNConfig) -> ProductivityState {
        ProductivityState(method: c.stateMethod, minimumMeanDifference: c.stateMethod == .percentileClasses ? 0.01 : 0)
    }

    /// Input slots of the streamed calculation.
    struct Slots {
        var productivity: [Int: [Int]] = [:]   // year -> input indices (averaged)
        var lcStart = 0, lcEnd = 0, lcUnits = 0, soc = 0
        var lpd: Int?, eco: Int?, climate: Int?, baseline: Int?
        /// The stack pass's layers read back by the layer pass of a whole run, by layer.
        var stackLayers: [LDNPeriod.Layer: Int] = [:]
        /// The stack pass's four means bands (`PeriodMeans.encode`), read back by the refinements and the layer pass.
        var means: [Int] = []
        /// The baseline's status layers by layer (reporting periods), for the UNCCD crosstabs.
        var baselineStatus: [LDNPeriod.Layer: Int] = [:]
        var zones: [Int] = []
        /// `[climate]`: year -> the input index of its precipitation total (the trajectory window's years).
        var precipitation: [Int: Int] = [:]
        var count = 0
    }

    /// Integer productivity (Byte, Int8, UInt16, Int16 bands, exact in Float) with one decimal scaling
    /// for every band is compared in exact fractions; anything else in Double.
    static func productivityValues(_ inputs: LDNJob.Inputs) -> ProductivityValues {
        let bands = inputs.productivity.flatMap(\.bands)
        // One value per year: a year's mean of several observations is no longer an integer.
        guard !bands.isEmpty, inputs.productivity.allSatisfy({ $0.bands.count == 1 }),
              bands.allSatisfy({ [.byte, .int8, .uint16, .int16].contains($0.dataType) }) else { return .floating }
        let scalings = bands.map { band -> [Double] in
            if let s = inputs.config.productivityScale { return [s, 0] }
            let d = band.declaredScaling
            return [d?.scale ?? 1, d?.offset ?? 0]
        }
        guard let first = scalings.first, scalings.allSatisfy({ $0 == first }) else { return .floating }
        return ProductivityValues.integer(scale: first[0], offset: first[1]) ?? .floating
    }

    /// The Float scale and offset PixelInput would apply, for the annual statistics of stored integers.
    static func physicalScaling(_ values: ProductivityValues) -> (Float, Float)? {
        guard case .integer(let s, let o) = values else { return nil }
        return (Float(s.doubleValue), Float(o.doubleValue))
    }

    /// Which inputs a pass reads (`inputs(for:)`).
    enum Pass {
        /// Every input (one pass: a tile's final pass, an external LPD).
        case whole
        /// A tile's stats pass: the productivity and the land units.
        case survey
        /// The stack pass of a whole run: the productivity, the land units, the precipitation.
        case stack
        /// The performance search's refinement: the means scratch and the land units.
        case refine
        /// The layer pass of a whole run: everything but the productivity and the precipitation, with the stack
        /// pass's layers and means read back.
        case layers
    }

    /// The layers computed from the productivity stack (written by the stack pass of a whole run).
    static let stackLayers: [LDNPeriod.Layer] = [.trajectory, .state, .plainTrajectory, .rainfallExplained, .climateFallback]

    /// The inputs of `pass` and their slots; `scratch` the stack pass's layers and the four means bands (`.layers`, `.refine`).
    func inputs(for pass: Pass, values: ProductivityValues, correction: ClimateCorrection?,
                scratch: (layers: [(LDNPeriod.Layer, String)], means: [String]) = ([], [])) throws -> ([PixelInput], Slots) {
        let c = inputs.config
        var pixelInputs: [PixelInput] = []
        var slots = Slots()
        func add(_ input: PixelInput) -> Int { pixelInputs.append(input); return pixelInputs.count - 1 }
        let needed = period.productivityYears
        if inputs.lpd == nil, [.whole, .survey, .stack].contains(pass) {
            for (year, bands) in inputs.productivity where needed.contains(year) {
                slots.productivity[year] = bands.map { band in
                    if case .integer = values { return add(PixelInput(band: band)) }   // stored integers, scaled in exact arithmetic
                    return add(c.productivityScale.map { PixelInput(band: band, scale: Float($0)) } ?? PixelInput.declared(band))
                }
            }
        }
        let all = pass == .whole || pass == .layers
        if all {
            slots.lcStart = add(PixelInput(band: inputs.landCover[period.landCoverStart]!))
            slots.lcEnd = add(PixelInput(band: inputs.landCover[period.landCoverEnd]!))
        }
        slots.lcUnits = all && period.landUnitsYear == period.landCoverEnd ? slots.lcEnd
            : all && period.landUnitsYear == period.landCoverStart ? slots.lcStart
            : add(PixelInput(band: inputs.landCover[period.landUnitsYear]!))
        if let b = inputs.ecologicalUnits { slots.eco = add(PixelInput(band: b)) }
        if all {
            slots.soc = add(PixelInput(band: inputs.soc))
            if let b = inputs.lpd { slots.lpd = add(PixelInput(band: b)) }
            if let b = inputs.climateZones { slots.climate = add(PixelInput(band: b)) }
            if let p = baseline[.sdg] { slots.baseline = add(PixelInput(band: try Dataset.open(p).band(1))) }
            for l in UNCCDFigures.crossedLayers where l != .sdg {
                if let p = baseline[l] { slots.baselineStatus[l] = add(PixelInput(band: try Dataset.open(p).band(1))) }
            }
            if let b = slots.baseline { slots.baselineStatus[.sdg] = b }
            for z in inputs.zones { slots.zones.append(add(PixelInput(band: try Dataset.open(z).band(1), nodata: .some(nil)))) }
        }
        if let correction, pass == .whole || pass == .stack {   // a tile's stats pass has no precipitation built
            for year in ClimateSeries.years(period, correction) { slots.precipitation[year] = add(PixelInput(band: inputs.precipitation[year]!)) }
        }
        for (layer, path) in scratch.layers { slots.stackLayers[layer] = add(PixelInput(band: try Dataset.open(path).band(1))) }
        for path in scratch.means { slots.means.append(add(PixelInput(band: try Dataset.open(path).band(1), nodata: .some(nil)))) }
        slots.count = pixelInputs.count
        return (pixelInputs, slots)
    }

    /// Runs the period: the plan (``LDNPeriodPlan``, worked out once), then a tile's stats pass alone, or the
    /// performance maxima (the stack pass and the search's refinements of a whole run, the tiles' merged survey, or
    /// none with an external LPD) and the layer pass.
    func run() throws -> LDNPeriodResult {
        let plan = try LDNPeriodPlan(self)
        if surveyOnly { return try surveyPass(plan) }
        // One level, never the staging folder itself: after an interruption renamed it away, a writer must not recreate it.
        try SafeFiles.makeFolders(period.name, under: output.path)
        let kernel = LDNStackKernel(plan, config: inputs.config)
        defer { for p in plan.meansPaths { try? FileManager.default.removeItem(atPath: p) } }
        let figures = try performanceFigures(plan, kernel)
        return try layerPass(plan, kernel, figures)
    }

    /// A class layer's output: staged for the COG copy in a whole run, its published tiles compressed by the pass
    /// that writes it (``TileSpools``: the COG copy then only lays them out); a tile's layers are published by the
    /// merge, so they are written as published.
    func layerSpec(_ layer: LDNPeriod.Layer) -> RasterOutputSpec {
        var spec = RasterOutputSpec(path: output.file("\(period.name)/\(layer.file).tif"), encoding: .classes, creationOptions: creationOptions,
                                    bandDescription: layer.title,
                                    metadata: [("KUBUQI_LDN_PERIOD", "\(period.years.lowerBound)-\(period.years.upperBound)"),
                                               ("KUBUQI_LDN_LAYER", layer.file), ("KUBUQI_TOOL", ToolVersion.nameAndVersion)],
                                    storage: region == nil ? .stagedForCOG : .published)
        spec.compressesTiles = region == nil
        return spec
    }

    /// A tile's stats pass: the whole distinct-value survey (its tile file), merged over the tiles by `tiles merge`;
    /// the result holds its figures and no layer.
    private func surveyPass(_ plan: LDNPeriodPlan) throws -> LDNPeriodResult {
        var survey: PerformanceAccumulator?
        var annualFigures: [Int: ExactStatistics] = [:]
        if inputs.lpd == nil {
            let surveyor = PerformanceSurvey()
            let s = plan.slots, geometry = plan.geometry, annual = plan.annual, physical = plan.physical
            let integer = plan.integer, legend = inputs.config.legend
            _ = try StreamedCalculation.runJoint(inputs: plan.pixelInputs, outputs: [nil], kernel: { ins, outs, _, _ in
                let n = outs[0].count
                let stack = geometry.pack(ins, slots: s, count: n)
                defer { stack.deallocate() }
                annual.add(stack: UnsafeBufferPointer(stack), pixelCount: n, physical: physical)
                let means = PeriodMeans(stack: UnsafeBufferPointer(stack), pixelCount: n, layers: geometry.performanceLayers, integer: integer)
                defer { means.free() }
                let units = LandUnits(ins, slots: s, legend: legend, count: n)
                defer { units.free() }
                surveyor.add { part in
                    part.add(means: means, landCover: UnsafeBufferPointer(units.landCover.buffer),
                             ecologicalUnit: units.ecological.map { UnsafeBufferPointer($0.buffer) })
                }
            }, region: region, statistics: false, progress: ProgressBar("\(period.name) performance", quiet: quiet).update)
            survey = surveyor.merged()
            annualFigures = plan.annual.merged()
        }
        let maxima = survey.map { ProductivityPerformance(accumulator: $0, values: plan.values).maxima } ?? [:]
        return LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                               files: [:], areas: [:], transitions: TransitionTable(), performanceMaxima: maxima,
                               annualProductivity: annualFigures.mapValues(\.summary), annualExact: annualFigures, performanceSurvey: survey)
    }

    /// What the layer pass takes from before it: performance's land-unit maxima, the annual statistics, and a tile's
    /// survey (kept for its tile file; nil in a whole run).
    struct PerformanceFigures {
        var performance = ProductivityPerformance(maxima: [:])
        var annual: [Int: ExactStatistics] = [:]
        var survey: PerformanceAccumulator?
    }

    /// Performance's land-unit maxima: given (a tile's final pass), none (an external LPD), or found by the stack pass
    /// and the search's refinements (a split run).
    private func performanceFigures(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel) throws -> PerformanceFigures {
        var figures = PerformanceFigures()
        if let surveyed {
            figures.survey = surveyed.performance
            figures.annual = surveyed.annual
            if let s = figures.survey { figures.performance = ProductivityPerformance(accumulator: s, values: plan.values) }
        } else if plan.split {
            let first = try stackPass(plan, kernel)
            let stackLayers = try attachLegends(plan.computedLayers)   // whether or not anyone is told
            stackLayersDone?(stackLayers)
            figures.annual = plan.annual.merged()
            figures.performance = try refinedPerformance(plan, first: first)
        }
        // A whole run drops the survey here: only the maxima are used from here on (tiles take theirs from their stats pass).
        if region == nil { figures.survey = nil }
        return figures
    }

    /// The stack pass of a split run: the stack's layers (staged as published), the `[climate]` fields, and each pixel's
    /// sum and count of the performance window (four Float32 scratch bands, exact) for the layer pass; returns the
    /// performance search's first digits.
    private func stackPass(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel) throws -> PerformancePercentileSearch.Counts {
        let computedLayers = plan.computedLayers
        let specs: [RasterOutputSpec?] = computedLayers.map { layerSpec($0) } + plan.climateSpecs
            + plan.meansPaths.map { RasterOutputSpec(path: $0, encoding: .float32, storage: .scratch) }
        let first = SearchPass(PerformancePercentileSearch(integer: plan.integer).nextPass())
        let s = plan.slots, climateFirst = computedLayers.count, meansFirst = computedLayers.count + plan.climateSpecs.count
        let annual = plan.annual, legend = inputs.config.legend, scratches = LDNScratchPool()
        _ = try StreamedCalculation.runJoint(inputs: plan.pixelInputs, outputs: specs, kernel: { ins, outs, _, _ in
            let n = outs[0].count
            scratches.with(count: n) { scratch in
                let means = kernel.compute(ins, s, n, scratch, climateOuts: Array(outs[climateFirst..<meansFirst]), annual: annual)
                defer { means.free() }
                for (k, layer) in computedLayers.enumerated() { scratch[layer].store(into: outs[k]) }
                let meanOuts = Array(outs[meansFirst..<(meansFirst + 4)])
                for i in 0..<n { means.encode(i, into: meanOuts) }
                let units = LandUnits(ins, slots: s, legend: legend, count: n)
                defer { units.free() }
                first.add(means: means, units: units)
            }
        }, region: region, statistics: false, progress: ProgressBar("\(period.name) trends", quiet: quiet).update)
        return first.merged()
    }

    /// The search's refinements over the means scratch and the land units only, until every unit's two ranks are
    /// values: the exact 90th percentile of the mean per land unit (docs/ldn-method.md §1.4).
    private func refinedPerformance(_ plan: LDNPeriodPlan, first: PerformancePercentileSearch.Counts) throws -> ProductivityPerformance {
        let integer = plan.integer, legend = inputs.config.legend
        var search = PerformancePercentileSearch(integer: integer)
        search.advance(with: first)
        while !search.isComplete {
            let pass = SearchPass(search.nextPass())
            let (ins, rs) = try inputs(for: .refine, values: plan.values, correction: nil, scratch: ([], plan.meansPaths))
            _ = try StreamedCalculation.runJoint(inputs: ins, outputs: [nil], kernel: { ins, outs, _, _ in
                let n = outs[0].count
                let means = PeriodMeans(count: n, integer: integer)
                defer { means.free() }
                means.decode(rs.means.map { ins[$0] })
                let units = LandUnits(ins, slots: rs, legend: legend, count: n)
                defer { units.free() }
                pass.add(means: means, units: units)
            }, statistics: false, progress: ProgressBar("\(period.name) performance", quiet: quiet).update)
            search.advance(with: pass.merged())
        }
        return ProductivityPerformance(percentiles: search.percentiles(), values: plan.values)
    }

    /// The layer pass: every layer (a split run reads the stack pass's layers and means back instead of the stack),
    /// tallied by area (``LDNTally``) and for the UNCCD tables (``UNCCDObserver``); the layers get their legends.
    private func layerPass(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel, _ figures: PerformanceFigures) throws -> LDNPeriodResult {
        let c = inputs.config, layers = plan.layers
        let (passInputs, slots) = plan.split
            ? try inputs(for: .layers, values: plan.values, correction: plan.correction,
                         scratch: (plan.computedLayers.map { ($0, layerSpec($0).path) }, plan.meansPaths))
            : (plan.pixelInputs, plan.slots)
        let outputs = LDNLayerOutputs(layers: layers, computed: plan.computedLayers, layerSpec: layerSpec, zones: inputs.zones.count,
                                      climateSpecs: plan.climateSpecs, split: plan.split, slots: slots)
        let layerKernel = LDNLayerKernel(stack: kernel, slots: slots, outputs: outputs, performance: figures.performance,
                                         isBaseline: period.isBaseline, externalLPD: inputs.lpd != nil, legend: c.legend,
                                         climate: c.climate, matrix: c.transitions, gpgStatus: c.gpgLPDStatus,
                                         socYears: Double(period.landCoverEnd - period.landCoverStart))
        let areas = GridAreas(grid: inputs.grid), layerIndex = outputs.layerIndex
        let tally = LDNTally(layers: layers, areas: areas, zoneLayers: inputs.zones.count)
        var unccdAt = UNCCDResults(startClass: layerIndex.count, endClass: layerIndex.count + 1, startStock: outputs.stockFirst,
                                   endStock: outputs.stockFirst + 1, lpd: layerIndex[.lpd])
        unccdAt.crossed = outputs.crossedBase.enumerated().compactMap { k, l in layerIndex[l].map { (l, $0, outputs.baseFirst + k) } }
        let unccd = UNCCDObserver(areas: areas, years: (period.landCoverStart, period.landCoverEnd), results: unccdAt)
        let scratches = LDNScratchPool()
        // The SDG layer's patches, drawn from the pass's chunks as they finish (docs/publishing.md, "Patches").
        var drawing: (drawing: PatchDrawing, sdg: Int, zone: Int?)? = nil
        if case .some(let zones) = patches, region == nil, let sdg = layerIndex[.sdg], PatchDrawing.applies(to: zones) {
            let gpkg = LDNPublication.patchPath(sdg: layerSpec(.sdg).path)
            drawing = (try PatchDrawing(grid: inputs.grid, legend: LDNLegend.status, wanted: LDNPublication.patchClasses, zones: zones,
                                        units: .ldnTables, to: gpkg, layer: "patches", work: work),
                       sdg, zones == nil ? nil : layerIndex.count + 2)
        }
        do {
            _ = try StreamedCalculation.runJoint(inputs: passInputs, outputs: outputs.specs, kernel: { ins, outs, _, _ in
                let n = outs[0].count
                scratches.with(count: n) { layerKernel.compute(ins, outs, n, $0) }
            }, region: region, observer: LDNLayerObservers(tally: tally, unccd: unccd, patches: drawing), statistics: false,
               progress: ProgressBar("\(period.name) layers", quiet: quiet).update)
        } catch {
            drawing?.drawing.cancel()
            throw error
        }
        try drawing?.drawing.finish()

        // The stack pass's layers have theirs already (and may be published by now).
        var files = try attachLegends(layerIndex.keys.filter { !plan.computedLayers.contains($0) })
        for layer in plan.computedLayers where layerIndex[layer] != nil { files[layer] = layerSpec(layer).path }
        return LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                               files: files, areas: tally.areas(), zoneAreas: tally.zoneAreas(), transitions: tally.transitionTable(),
                               performanceMaxima: figures.performance.maxima, annualProductivity: figures.annual.mapValues(\.summary),
                               annualExact: figures.annual, performanceSurvey: figures.survey, unccd: unccd.figures(),
                               patches: drawing?.drawing.path)
    }
}

extension LDNPeriodRun {
    /// The trajectory classes through the Float Theil-Sen slope (`TrendBatch`): a floating-point stack
    /// classified in Double; an integer stack whose edge `IntegerTrajectory` refuses classified by Z and
    /// sign here, its significant pixels then re-decided near the edge in exact fractions.
    static func floatTrajectory(periodStack: UnsafeBufferPointer<Float>, years: [Double], pixelCount n: Int, values: ProductivityValues,
                                classifier: TrajectoryClass, classes: UnsafeMutableBufferPointer<Int16>) {
        let slope = UnsafeMutableBufferPointer<Float>.allocate(capacity: n), z = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        defer { slope.deallocate(); z.deallocate() }
        TrendBatch(years: years).run(stack: periodStack, pixelCount: n, pixels: 0..<n, slope: slope, z: z)
        guard case .integer(let scale, _) = values else {
            return classifier.classify(slope: UnsafeBufferPointer(slope), z: UnsafeBufferPointer(z), into: classes)
        }
        TrajectoryClass().classify(slope: UnsafeBufferPointer(slope), z: UnsafeBufferPointer(z), into: classes)
        ExactProductivity.trajectory(stack: periodStack, pixelCount: n, years: years, slope: UnsafeBufferPointer(slope),
                                     z: UnsafeBufferPointer(z), classifier: classifier, scale: scale, classes: classes)
    }
}

extension LDNPeriodRun {
    /// Attaches each of `layers`' legend to its written raster; their paths.
    func attachLegends(_ layers: [LDNPeriod.Layer]) throws -> [LDNPeriod.Layer: String] {
        var files: [LDNPeriod.Layer: String] = [:]
        for layer in layers {
            let path = layerSpec(layer).path
            try ClassLegend.attach(to: path, entries: LDNLegend.entries(layer))
            files[layer] = path
        }
        return files
    }
}

/// Which stack layers are the period, its recent years and the baseline years.
struct StackGeometry: Sendable {
    let years: [Double]
    let periodLayers: Range<Int>
    let recentLayers: Range<Int>
    let baselineLayers: Range<Int>
    /// The performance window's layers (the trajectory's, `periodLayers`, unless set).
    var performanceLayers: Range<Int> = 0..<0
    /// Valid observations a pixel needs for a year's value (`YearCompleteness`).
    var requiredObservations = 1

    /// A layer-major copy of the productivity inputs for one chunk, one layer
    /// per year: the mean of that year's valid values, NaN when fewer than
    /// `requiredObservations` are valid (caller deallocates).
    func pack(_ ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, count n: Int) -> UnsafeMutableBufferPointer<Float> {
        let stack = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, years.count * n))
        pack(ins, slots: slots, count: n, into: stack)
        return stack
    }

    /// The same copy into `stack` (at least `years.count × n` values; every one of them is written).
    func pack(_ ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, count n: Int, into stack: UnsafeMutableBufferPointer<Float>) {
        precondition(stack.count >= years.count * n, "the stack buffer is shorter than years x pixels")
        for (layer, year) in years.enumerated() {
            let sources = slots.productivity[Int(year)]!
            let dst = UnsafeMutableBufferPointer(rebasing: stack[(layer * n)..<((layer + 1) * n)])
            if sources.count < requiredObservations { dst.update(repeating: .nan); continue }
            if sources.count == 1 { _ = dst.update(fromContentsOf: ins[sources[0]]); continue }
            for i in 0..<n {
                var sum = 0.0, count = 0
                for k in sources where ins[k][i].isFinite { sum += Double(ins[k][i]); count += 1 }
                dst[i] = count >= max(1, requiredObservations) ? Float(sum / Double(count)) : .nan
            }
        }
    }
}

/// A chunk's Int16 layer. ``reset(count:)`` reuses it for another chunk (``LDNChunkScratch``): its storage grows to the
/// largest chunk it served and is never given back before ``free()``.
final class Int16Scratch {
    private var storage: UnsafeMutableBufferPointer<Int16>
    /// The chunk's codes.
    private(set) var buffer: UnsafeMutableBufferPointer<Int16>
    init(_ n: Int) {
        storage = .allocate(capacity: max(1, n))
        buffer = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        buffer.initialize(repeating: DegradationStatus.nodata)
    }
    /// Int16 codes from Float values (NaN -> nodata).
    convenience init(from values: UnsafeBufferPointer<Float>) {
        self.init(values.count)
        for i in 0..<values.count where values[i].isFinite { buffer[i] = Int16(saturating: values[i]) }
    }
    /// Makes the layer `n` nodata codes, as `init(_:)` does, in the storage it has when it is large enough.
    func reset(count n: Int) {
        if n > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: n)
        }
        buffer = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        buffer.update(repeating: DegradationStatus.nodata)
    }
    /// Reads the codes back from Float values (NaN -> nodata), as `init(from:)` does.
    func load(from values: UnsafeBufferPointer<Float>) {
        for i in 0..<buffer.count { buffer[i] = values[i].isFinite ? Int16(saturating: values[i]) : DegradationStatus.nodata }
    }
    /// Writes the codes as Float (nodata -> NaN) for the pipeline.
    func store(into out: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<out.count { out[i] = buffer[i] == DegradationStatus.nodata ? .nan : Float(buffer[i]) }
    }
    func free() { storage.deallocate() }
}

/// A chunk's Int32 codes (ecological units), nodata as -1.
final class Int32Scratch {
    let buffer: UnsafeMutableBufferPointer<Int32>
    init(_ values: UnsafeBufferPointer<Float>) {
        buffer = .allocate(capacity: values.count)
        for i in 0..<values.count { buffer[i] = values[i].isFinite ? Int32(saturating: values[i]) : 0 }
    }
    func free() { buffer.deallocate() }
}

/// Per-year productivity statistics over the region, from concurrent chunks; exact sums, so the
/// annual means do not depend on the order chunks (or tiles) are merged in.
final class AnnualStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private let years: [Int]
    private var stats: [ExactStatistics]
    init(years: [Int]) { self.years = years; stats = Array(repeating: ExactStatistics(), count: years.count) }
    /// Adds a chunk's layers; `physical` (scale, offset) turns stored integers into productivity first.
    func add(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, physical: (Float, Float)? = nil) {
        var local = Array(repeating: ExactStatistics(), count: years.count)
        let converted = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, n))
        defer { converted.deallocate() }
        for k in years.indices {
            let layer = UnsafeBufferPointer(rebasing: stack[(k * n)..<((k + 1) * n)])
            guard let (a, b) = physical else { local[k].add(layer); continue }
            for i in 0..<n { converted[i] = layer[i] * a + b }
            local[k].add(UnsafeBufferPointer(rebasing: converted[0..<n]))
        }
        lock.withLock { for k in years.indices { stats[k].merge(local[k]) } }
    }
    func merged() -> [Int: ExactStatistics] { lock.withLock { Dictionary(uniqueKeysWithValues: zip(years, stats)) } }
}

/// Pass 1: a pool of performance accumulators, one per chunk running at a time; a chunk counts into one
/// taken out of the pool and puts it back, so none is shared and none is merged per chunk (merging every
/// chunk's distinct means into one total was 5 % of the periods); they are merged once at the end
/// (adding counts: the order does not matter).
final class PerformanceSurvey: @unchecked Sendable {
    private let lock = NSLock()
    private var pool: [PerformanceAccumulator] = []
    func add(_ body: (inout PerformanceAccumulator) -> Void) {
        var part = lock.withLock { pool.popLast() } ?? PerformanceAccumulator()
        body(&part)
        lock.withLock { pool.append(part) }
    }
    /// The pool merged into its largest accumulator, each other one released as soon as it is merged: the distinct
    /// means of a large grid are tens of MB per accumulator, so a new total built beside the whole pool was the
    /// run's peak (docs/benchmarks.md, "ldn memory").
    func merged() -> PerformanceAccumulator {
        lock.withLock {
            var parts = pool
            pool = []
            func size(_ a: PerformanceAccumulator) -> Int { a.values.values.reduce(0) { $0 + $1.count } }
            guard let largest = parts.indices.max(by: { size(parts[$0]) < size(parts[$1]) }) else { return PerformanceAccumulator() }
            var total = parts.remove(at: largest)
            while let part = parts.popLast() { total.merge(part) }
            return total
        }
    }
}

/// One pass of the performance search (`PerformancePercentileSearch`): a pool of counts, one per chunk running
/// at a time, as `PerformanceSurvey`; merged once at the end (adding counts: the order does not matter).
final class SearchPass: @unchecked Sendable {
    private let lock = NSLock()
    private let empty: PerformancePercentileSearch.Counts
    private var pool: [PerformancePercentileSearch.Counts] = []
    init(_ empty: PerformancePercentileSearch.Counts) { self.empty = empty }
    func add(means: PeriodMeans, units: LandUnits) {
        var part = lock.withLock { pool.popLast() } ?? empty
        part.add(means: means, landCover: UnsafeBufferPointer(units.landCover.buffer),
                 ecologicalUnit: units.ecological.map { UnsafeBufferPointer($0.buffer) })
        lock.withLock { pool.append(part) }
    }
    func merged() -> PerformancePercentileSearch.Counts {
        lock.withLock {
            var total = pool.popLast() ?? empty
            while let part = pool.popLast() { total.merge(part) }
            return total
        }
    }
}

/// A chunk's land units for performance: the UNCCD class of the land-units map (the period's end map
/// or the performance window's start map, `LDNPeriod.landUnitsYear`)
/// and, with ecological units, their codes; a pixel whose ecological unit is
/// nodata has no land unit (its land cover is set to nodata).
final class LandUnits {
    let landCover: Int16Scratch
    let ecological: Int32Scratch?
    init(_ ins: [UnsafeBufferPointer<Float>], slots s: LDNPeriodRun.Slots, legend: LandCoverLegend, count n: Int) {
        landCover = Int16Scratch(n)
        var unknown = UnknownCodeCounter()
        legend.reclassify(ins[s.lcUnits], nodata: nil, into: landCover.buffer, unknown: &unknown)
        ecological = s.eco.map { Int32Scratch(ins[$0]) }
        if let e = s.eco {
            for i in 0..<n where !ins[e][i].isFinite { landCover.buffer[i] = DegradationStatus.nodata }
        }
    }
    func free() { landCover.free(); ecological?.free() }
}

/// Pass 2 observer: area tables of every layer (over the whole area and, with
/// zones, per zone: results[layers.count + 2 + k] are the ids of zone layer k,
/// 0 = none), and the land-cover transition table. In the land-cover status
/// table, water at both dates is counted as ``LDNReport/waterCode`` (water is
/// not land: it is neither stable land nor no data), in every table alike.
final class LDNTally: ChunkObserver, @unchecked Sendable {
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

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let shared = LDNLayerChunk(firstRow: firstRow, firstColumn: firstColumn, width: width, results: results, areas: gridAreas)
        defer { shared.free() }
        observe(chunk: chunk, shared)
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
        let landCover = landCoverIndex.map { k -> Int16Scratch in
            let tallied = Int16Scratch(n)
            _ = tallied.buffer.update(fromContentsOf: c.codes(k))
            let water = LandCoverClass.water.rawValue
            for i in 0..<n where start[i] == water && end[i] == water { tallied.buffer[i] = LDNReport.waterCode }
            return tallied
        }
        defer { landCover?.free() }
        func codes(_ k: Int) -> UnsafeBufferPointer<Int16> { k == landCoverIndex ? UnsafeBufferPointer(landCover!.buffer) : c.codes(k) }
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
