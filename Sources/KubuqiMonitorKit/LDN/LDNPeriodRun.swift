import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

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
        /// The stack pass's two or four means bands (`PeriodMeans.encode(into:)`), read back by the refinements and the layer pass.
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

    /// The inputs of `pass` and their slots; `scratch` the stack pass's layers and the means bands (`.layers`, `.refine`).
    func inputs(for pass: Pass, values: ProductivityValues, correction: ClimateCorrection?,
                scratch: (layers: [(LDNPeriod.Layer, String)], means: [String]) = ([], [])) throws -> ([PixelInput], Slots) {
        let c = inputs.config
        var pixelInputs: [PixelInput] = []
        var slots = Slots()
        func add(_ input: PixelInput) -> Int { pixelInputs.append(input); return pixelInputs.count - 1 }
        let needed = period.productivityYears
        if inputs.lpd == nil, [.whole, .survey, .stack].contains(pass) {
            for (year, bands) in inputs.productivity where needed.contains(year) {
                slots.productivity[year] = try bands.map { band in
                    if case .integer = values { return add(PixelInput(band: band)) }   // stored integers, scaled in exact arithmetic
                    return add(try c.productivityScale.map { PixelInput(band: band, scale: Float($0)) } ?? PixelInput.declared(band))
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
        defer { plan.meansPaths.forEach(RunStagingLedger.removeScratch) }
        MallocTrim.betweenPasses()
        let figures = try performanceFigures(plan, kernel)
        MallocTrim.betweenPasses()
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
