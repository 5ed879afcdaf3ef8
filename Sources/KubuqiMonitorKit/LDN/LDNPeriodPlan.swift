import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What every pass of one ldn period shares, worked out once from the config and the inputs before any pass runs
/// (as GDAL's apps parse their options once and hand them to the library function that does the work): how the
/// productivity is compared, whether the run splits into a stack pass and a layer pass, the first pass's inputs
/// and slots, the stack's geometry, the layers written and where the scratch goes.
struct LDNPeriodPlan {
    /// How the productivity is compared: exact fractions of stored integers, or Double.
    let values: ProductivityValues
    /// Stored integers (``values`` not `.floating`).
    let integer: Bool
    /// The Float scale and offset of stored integers (annual statistics).
    let physical: (Float, Float)?
    /// `[climate]` (nil with an external LPD).
    let correction: ClimateCorrection?
    /// A whole run computing its own LPD decodes the stack once: the stack pass writes the stack's layers and every
    /// pixel's mean, the layer pass reads them back (docs/ldn-method.md, "Two passes, one decode").
    let split: Bool
    /// The first pass's inputs (the survey's, the stack pass's or the one pass's) and their slots.
    let pixelInputs: [PixelInput]
    let slots: LDNPeriodRun.Slots
    /// Which stack layers are the windows, and the years a pixel needs.
    let geometry: StackGeometry
    /// Each year's productivity statistics over the region, counted by the first pass.
    let annual: AnnualStatistics
    /// The layers the period writes, in output order.
    let layers: [LDNPeriod.Layer]
    /// The layers the stack pass of a split run writes (empty otherwise).
    let computedLayers: [LDNPeriod.Layer]
    /// `[climate]`'s Float32 layers and their specs.
    let climateLayers: [ClimateLayers]
    let climateSpecs: [RasterOutputSpec]
    /// The stack pass's means scratch: two or four Float32 bands in the work folder (`PeriodMeans.scratchBands`; a split
    /// run; empty otherwise).
    let meansPaths: [String]

    init(_ run: LDNPeriodRun) throws {
        let c = run.inputs.config, period = run.period
        values = LDNPeriodRun.productivityValues(run.inputs)
        integer = values != .floating
        physical = LDNPeriodRun.physicalScaling(values)
        correction = run.inputs.lpd == nil ? c.climateCorrection : nil
        split = run.region == nil && run.surveyed == nil && !run.surveyOnly && run.inputs.lpd == nil
        let pass: LDNPeriodRun.Pass = run.surveyOnly ? .survey : split ? .stack : .whole
        (pixelInputs, slots) = try run.inputs(for: pass, values: values, correction: correction)
        geometry = Self.geometry(years: slots.productivity.keys.sorted(), windows: period.windows,
                                 completeness: YearCompleteness(run.inputs.productivity.map { ($0.year, $0.bands.count) },
                                                                fraction: c.minimumYearFraction))
        annual = AnnualStatistics(years: slots.productivity.keys.sorted())
        layers = LDNPeriod.Layer.written(isBaseline: period.isBaseline, externalLPD: run.inputs.lpd != nil, climate: correction)
        computedLayers = split ? layers.filter { LDNPeriodRun.stackLayers.contains($0) } : []
        climateLayers = correction.map { ClimateLayers.written($0) } ?? []
        climateSpecs = climateLayers.map { l in
            RasterOutputSpec(path: run.output.file("\(period.name)/\(l.file).tif"), encoding: .float32, creationOptions: run.creationOptions,
                             bandDescription: l.title,
                             metadata: [("KUBUQI_LDN_PERIOD", "\(period.years.lowerBound)-\(period.years.upperBound)"),
                                        ("KUBUQI_LDN_LAYER", l.file), ("KUBUQI_TOOL", ToolVersion.nameAndVersion)])
        }
        let meansBands = PeriodMeans.scratchBands(integer: integer, years: geometry.performanceLayers.count)
        meansPaths = split ? (0..<meansBands).map { run.work.file("\(period.name)-means-\($0).tif") } : []
    }

    /// The stack's layers of each window (`years` the stack's years, in order).
    static func geometry(years: [Int], windows w: LDNWindows, completeness: YearCompleteness) -> StackGeometry {
        func layers(_ r: ClosedRange<Int>) -> Range<Int> { years.firstIndex(of: r.lowerBound).map { $0..<($0 + r.count) } ?? 0..<0 }
        let recent = layers(w.stateRecent)
        let baselineLayers = w.stateBaselineCount > 0 ? layers(w.stateBaseline) : recent.lowerBound..<recent.lowerBound
        var shape = StackGeometry(years: years.map(Double.init), periodLayers: layers(w.trajectory), recentLayers: recent,
                                  baselineLayers: baselineLayers, requiredObservations: completeness.required)
        shape.performanceLayers = layers(w.performance)
        return shape
    }
}
