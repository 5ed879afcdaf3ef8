import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// `ldn --plan P --tile I [--phase stats]` and its part of `tiles merge`.
extension LDNJob {
    /// Computes one tile of a plan: per period, the first pass's figures
    /// (stats pass: mean productivity per land unit, annual statistics) or every
    /// layer and area table (tile pass, with the performance maxima of the
    /// whole region from `reduced.json`).
    public static func runTile(_ o: LDNOptions, request: TileRequest, log: @escaping (String) -> Void = { _ in }) throws -> TileRunOutcome {
        try LDNTileJob(o, request: request, log: log).runTile(request)
    }

    /// Assembles the tiles of a plan in OUTDIR into the single-machine outputs:
    /// every period's layers (VRT and COG), the report (JSON, Markdown, HTML, CSV),
    /// the SDG layers' patch polygons and the STAC catalogue (``LDNPublication``).
    public static func mergeTiles(_ o: LDNOptions, plan: TilePlan, outdir: String, log: (String) -> Void = { _ in }) throws -> LDNReport {
        var config = try LDNConfig.load(o.config)
        config.titleBlock = config.titleBlock.overridden(by: o.titleBlock)
        try LDNTileJob.refuseCollection(config)
        let inputs = try open(config)
        let periods = try self.plan(config, inputs: inputs)
        if let diff = plan.grid.grid.difference(from: inputs.grid) {
            throw KubuqiError(.input, "the plan's grid is not the inputs' grid: \(diff)")
        }
        let destination = try OutputFolder(outdir)
        // Staged and published all or nothing (the VRTs' tile paths made relative to their published place).
        let finished: LDNReport = try destination.runStaged { work, stage in
            let mosaic = try TileMosaic(plan: plan, outdir: outdir, destination: stage.path)
            let merged = try mosaic.mergedFigures(LDNTileFigures.self, required: true)
            // The first pass's figures: reduced.json (the same tiles' stats pass), absent with an external LPD.
            let reduced = try mosaic.reduced(LDNTileFigures.self)
            var report = LDNReport(config: config, grid: inputs.grid, periods: [])
            if !inputs.productivity.isEmpty {
                report.yearCompleteness = YearCompleteness(inputs.productivity.map { ($0.year, $0.bands.count) }, fraction: config.minimumYearFraction)
            }
            report.zoneNames = try config.zones.map { try ZoneLayer.names($0, field: config.zoneField) } ?? [:]
            var cogs: [String: [LDNPeriod.Layer: String]] = [:]
            for period in periods {
                guard let figures = merged?.periods.first(where: { $0.name == period.name }) else {
                    throw KubuqiError(.input, "\(outdir): the tiles have no period \(period.name)")
                }
                let first = reduced?.periods.first { $0.name == period.name }
                let correction = inputs.lpd == nil ? config.climateCorrection : nil
                let layers = LDNPeriod.Layer.written(isBaseline: period.isBaseline, externalLPD: inputs.lpd != nil, climate: correction)
                var files: [LDNPeriod.Layer: String] = [:]
                for layer in layers {
                    // The report's maps are drawn from the VRT (no overviews), as one machine draws them from its full-resolution layer.
                    let (vrt, cog) = try mosaic.assemble("\(period.name)/\(layer.file).tif", legend: LDNLegend.entries(layer))
                    files[layer] = vrt
                    cogs[period.name, default: [:]][layer] = cog
                }
                // `[climate]`'s Float32 layers (the fit and the corrected trend).
                for l in correction.map({ ClimateLayers.written($0) }) ?? [] { _ = try mosaic.assemble("\(period.name)/\(l.file).tif") }
                var areas: [LDNPeriod.Layer: AreaTable] = [:]
                for layer in layers { areas[layer] = figures.areas?[layer.file] ?? AreaTable() }
                var zoneAreas: [LDNPeriod.Layer: AreaTable] = [:]
                if config.zones != nil { for layer in layers { zoneAreas[layer] = figures.zoneAreas?[layer.file] ?? AreaTable() } }
                let annual = Dictionary(uniqueKeysWithValues: (first?.annual ?? [:]).compactMap { k, v in Int(k).map { ($0, v) } })
                let maxima = first?.performance.map { ProductivityPerformance(accumulator: $0).maxima } ?? [:]
                let result = LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                                             files: files, areas: areas, zoneAreas: zoneAreas, transitions: figures.transitions ?? TransitionTable(),
                                             performanceMaxima: maxima, annualProductivity: annual.mapValues(\.summary),
                                             annualExact: annual, performanceSurvey: first?.performance, unccd: figures.unccd ?? UNCCDFigures())
                report.periods.append(result)
                log("period \(period.name): \(result.summaryLine)")
            }
            try report.write(to: stage, inputs: config.inputFiles)
            // The one-machine run's publication (docs/publishing.md) of the COGs: SDG patches, the STAC catalogue.
            var published = report
            for i in published.periods.indices { published.periods[i].files = cogs[published.periods[i].name] ?? [:] }
            let zoneLayer = try config.zones.map { try ZoneLayer.load($0, field: config.zoneField, grid: inputs.grid, work: work) }
            let patches = o.patches ? try LDNPublication.patches(published, zones: zoneLayer, work: work, quiet: o.quiet) : [:]
            try LDNPublication.catalogue(published, folder: stage, patches: patches)
            try TileMosaic.relocateVRTs(staged: stage.path, publishedIn: outdir)
            for i in report.periods.indices {
                report.periods[i].files = report.periods[i].files.mapValues { destination.file(String($0.dropFirst(stage.path.count + 1))) }
            }
            return (report, [])
        }
        // Said once the folder is published (it is staged until then, and a later failure publishes nothing).
        log("report written: \(destination.file("report.html")), report.json, report.md, tables/*.csv")
        log("STAC catalogue written: \(destination.file("catalog.json"))" + (o.patches ? ", with the SDG layers' patches" : ""))
        return finished
    }

}

/// `ldn` as a ``TiledJob``: the performance maxima and annual productivity
/// statistics of the region from the stats pass (none with an external LPD).
struct LDNTileJob: TiledJob {
    let options: LDNOptions
    let config: LDNConfig
    let inputs: LDNJob.Inputs
    let periods: [LDNPeriod]
    let outdir: String
    let needsStatistics: Bool
    let log: (String) -> Void

    init(_ o: LDNOptions, request: TileRequest, log: @escaping (String) -> Void) throws {
        config = try LDNConfig.load(o.config)
        try Self.refuseCollection(config)
        inputs = try LDNJob.open(config)
        periods = try LDNJob.plan(config, inputs: inputs)
        try request.plan.check(grid: inputs.grid, planPath: request.planPath)
        outdir = try OutputFolder(o.output).path
        // Pass 1 exists unless the productivity dynamics come from an external LPD raster.
        needsStatistics = inputs.lpd == nil
        options = o
        self.log = log
    }

    /// A raw collection is reduced once for the region, not per tile: refused with a plan.
    static func refuseCollection(_ config: LDNConfig) throws {
        if case .collection? = config.productivity {
            throw KubuqiError(.usage, "\(config.file): with --plan, [productivity.collection] would be reduced again by every tile; "
                + "build the stack with stack --plan (tiles merge writes OUT/stack.tif) and name it as [productivity] stack")
        }
    }

    func prepare(_ request: TileRequest) throws {
        try LDNJob.checkLegend(inputs, region: request.window, quiet: options.quiet)
    }

    func statistics(_ tile: TileContext) throws -> LDNTileFigures? {
        let stage = try OutputFolder(tile.staging)
        var figures = LDNTileFigures(periods: [])
        for period in periods {
            var p = LDNTileFigures.Period(name: period.name)
            if needsStatistics {
                let r = try LDNPeriodRun(period: period, inputs: inputs, output: stage, work: tile.work, baseline: [:],
                                         creationOptions: options.creationOptions, quiet: options.quiet, region: tile.window, surveyOnly: true).run()
                p.performance = r.performanceSurvey
                p.annual = Dictionary(uniqueKeysWithValues: r.annualExact.map { (String($0.key), $0.value) })
            }
            figures.periods.append(p)
            log("tile \(tile.request.tile.index) period \(period.name): statistics")
        }
        return figures
    }

    func compute(_ tile: TileContext, reduced: LDNTileFigures?) throws -> TileOutput<LDNTileFigures> {
        let stage = try OutputFolder(tile.staging)
        let work = tile.work
        let zoneLayer = try config.zones.map { try ZoneLayer.load($0, field: config.zoneField, grid: inputs.grid, work: work, region: tile.window) }
        var tileInputs = LDNJob.Inputs(config: config, grid: inputs.grid, productivity: inputs.productivity, lpd: inputs.lpd,
                                       landCover: inputs.landCover, soc: inputs.soc, ecologicalUnits: inputs.ecologicalUnits,
                                       climateZones: inputs.climateZones, zones: zoneLayer?.rasters ?? [], zoneNames: zoneLayer?.names ?? [:])
        // `[climate]`: the annual totals of the series' window under this tile, warped onto the whole productivity
        // grid as one machine does (a lazy warp: only this tile's window is computed; docs/climate.md, "Tiles").
        if let cc = config.climateCorrection, let plan = inputs.precipitationPlan {
            tileInputs.precipitation = try ClimateSeries.build(cc, plan: plan, grid: inputs.grid, work: work, region: tile.window)
        }
        var baseline: [LDNPeriod.Layer: String] = [:]
        var layers: [String] = []
        var figures = LDNTileFigures(periods: [])
        for period in periods {
            let merged = reduced?.periods.first { $0.name == period.name }
            let surveyed = merged.map { m in
                (performance: m.performance, annual: Dictionary(uniqueKeysWithValues: (m.annual ?? [:]).compactMap { k, v in Int(k).map { ($0, v) } }))
            }
            let r = try LDNPeriodRun(period: period, inputs: tileInputs, output: stage, work: work, baseline: baseline,
                                     creationOptions: options.creationOptions, quiet: options.quiet, region: tile.window,
                                     surveyed: surveyed ?? (nil, [:])).run()
            if period.isBaseline {
                // The reporting periods read the baseline's status layers with whole-grid rows and columns.
                for l in UNCCDFigures.crossedLayers {
                    guard let layer = r.files[l] else { continue }
                    let placed = work.file("baseline-\(l.file).vrt")
                    do { try Mosaic.placeVRT(placed, tile: layer, window: tile.window, grid: inputs.grid) } catch let e as GDALError {
                        throw KubuqiError.output(placed, e.description)
                    }
                    baseline[l] = placed
                }
            }
            var p = LDNTileFigures.Period(name: period.name)
            p.areas = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.key.file, $0.value) })
            if config.zones != nil { p.zoneAreas = Dictionary(uniqueKeysWithValues: r.zoneAreas.map { ($0.key.file, $0.value) }) }
            p.transitions = r.transitions
            p.unccd = r.unccd
            figures.periods.append(p)
            layers += r.files.keys.sorted { $0.rawValue < $1.rawValue }.map { "\(period.name)/\($0.file).tif" }
            if inputs.lpd == nil, let cc = config.climateCorrection { layers += ClimateLayers.written(cc).map { "\(period.name)/\($0.file).tif" } }
            log("tile \(tile.request.tile.index) period \(period.name): \(r.summaryLine)")
        }
        return TileOutput(figures: figures, layers: layers)
    }
}
