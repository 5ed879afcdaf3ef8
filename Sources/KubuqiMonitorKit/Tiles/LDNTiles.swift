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
    public static func runTile(_ o: LDNOptions, request: TileRequest, log: (String) -> Void = { _ in }) throws -> TileRunOutcome {
        let config = try LDNConfig.load(o.config)
        try refuseClimate(config)
        let inputs = try open(config)
        let periods = try plan(config, inputs: inputs)
        try request.plan.check(grid: inputs.grid, planPath: request.planPath)
        let outdir = try OutputFolder(o.output).path
        // Pass 1 exists unless the productivity dynamics come from an external LPD raster.
        let needsStatistics = inputs.lpd == nil
        let start = try TileFolder.start(outdir: outdir, request: request, needsStatistics: needsStatistics)
        if let done = start.done { return done }
        let folder = start.folder, reduced = start.reduced
        try LDNJob.checkLegend(inputs, region: request.window, quiet: o.quiet)
        let staging = try folder.begin()
        defer { folder.discard(staging: staging) }
        let work = try WorkFolder(in: staging)
        defer { work.remove() }
        let stage = try OutputFolder(staging)
        var manifest = TileManifest(kind: "ldn", request: request, reducedFingerprint: reduced?.1)
        var figures = LDNTileFigures(periods: [])

        if request.phase == .stats {
            for period in periods {
                var p = LDNTileFigures.Period(name: period.name)
                if needsStatistics {
                    let r = try LDNPeriodRun(period: period, inputs: inputs, output: stage, work: work, baselineSDG: nil,
                                             creationOptions: o.creationOptions, quiet: o.quiet, region: request.window, surveyOnly: true).run()
                    p.performance = r.performanceSurvey
                    p.annual = Dictionary(uniqueKeysWithValues: r.annualExact.map { (String($0.key), $0.value) })
                }
                figures.periods.append(p)
                log("tile \(request.tile.index) period \(period.name): statistics")
            }
            manifest.ldn = figures
            try folder.commit(staging: staging, manifest: manifest)
            return TileRunOutcome(tile: request.tile.index, phase: .stats, computed: true, folder: folder.path)
        }

        let zoneLayer = try config.zones.map { try ZoneLayer.load($0, field: config.zoneField, grid: inputs.grid, work: work, region: request.window) }
        let tileInputs = Inputs(config: config, grid: inputs.grid, productivity: inputs.productivity, lpd: inputs.lpd,
                                landCover: inputs.landCover, soc: inputs.soc, ecologicalUnits: inputs.ecologicalUnits,
                                climateZones: inputs.climateZones, zones: zoneLayer?.rasters ?? [], zoneNames: zoneLayer?.names ?? [:])
        var baselineSDG: String?
        var layers: [String] = []
        for period in periods {
            let merged = reduced?.0.ldn?.periods.first { $0.name == period.name }
            let surveyed = merged.map { m in
                (performance: m.performance, annual: Dictionary(uniqueKeysWithValues: (m.annual ?? [:]).compactMap { k, v in Int(k).map { ($0, v) } }))
            }
            let r = try LDNPeriodRun(period: period, inputs: tileInputs, output: stage, work: work, baselineSDG: baselineSDG,
                                     creationOptions: o.creationOptions, quiet: o.quiet, region: request.window,
                                     surveyed: surveyed ?? (nil, [:])).run()
            if period.isBaseline, let sdg = r.files[.sdg] {
                // The reporting periods read the baseline's SDG layer with whole-grid rows and columns.
                let placed = work.file("baseline-sdg.vrt")
                do { try Mosaic.placeVRT(placed, tile: sdg, window: request.window, grid: inputs.grid) } catch let e as GDALError {
                    throw KubuqiError.output(placed, e.description)
                }
                baselineSDG = placed
            }
            var p = LDNTileFigures.Period(name: period.name)
            p.areas = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.key.file, $0.value) })
            if config.zones != nil { p.zoneAreas = Dictionary(uniqueKeysWithValues: r.zoneAreas.map { ($0.key.file, $0.value) }) }
            p.transitions = r.transitions
            figures.periods.append(p)
            layers += r.files.keys.sorted { $0.rawValue < $1.rawValue }.map { "\(period.name)/\($0.file).tif" }
            log("tile \(request.tile.index) period \(period.name): \(r.summaryLine)")
        }
        manifest.ldn = figures
        manifest.layers = layers
        try folder.commit(staging: staging, manifest: manifest)
        return TileRunOutcome(tile: request.tile.index, phase: .tile, computed: true, folder: folder.path)
    }

    /// Assembles the tiles of a plan in OUTDIR into the single-machine outputs:
    /// every period's layers (VRT and COG) and the report (JSON, Markdown, HTML, CSV).
    public static func mergeTiles(_ o: LDNOptions, plan: TilePlan, outdir: String, log: (String) -> Void = { _ in }) throws -> LDNReport {
        let config = try LDNConfig.load(o.config)
        try refuseClimate(config)
        let inputs = try open(config)
        let periods = try self.plan(config, inputs: inputs)
        if let diff = plan.grid.grid.difference(from: inputs.grid) {
            throw KubuqiError(.input, "the plan's grid is not the inputs' grid: \(diff)")
        }
        let mosaic = try TileMosaic(plan: plan, outdir: outdir)
        var merged: LDNTileFigures?
        for m in mosaic.manifests {
            guard let l = m.ldn else { throw KubuqiError.input(TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).manifestPath, "has no LDN figures") }
            if merged == nil { merged = l } else { try merged!.merge(l) }
        }
        let destination = try OutputFolder(outdir)
        try destination.lock()
        // The first pass's figures: reduced.json (the same tiles' stats pass), absent with an external LPD.
        let reducedPath = destination.file(ReducedStatistics.fileName)
        let reduced = FileManager.default.fileExists(atPath: reducedPath) ? try TileJSON.decode(ReducedStatistics.self, from: reducedPath) : nil
        if let reduced, reduced.jobFingerprint != mosaic.manifests[0].jobFingerprint {
            throw KubuqiError.input(reducedPath, "reduced from another job than the tiles'; rerun --phase stats and tiles reduce")
        }
        var report = LDNReport(config: config, grid: inputs.grid, periods: [])
        if !inputs.productivity.isEmpty {
            report.yearCompleteness = YearCompleteness(inputs.productivity.map { ($0.year, $0.bands.count) }, fraction: config.minimumYearFraction)
        }
        report.zoneNames = try config.zones.map { try ZoneLayer.names($0, field: config.zoneField) } ?? [:]
        for period in periods {
            guard let figures = merged?.periods.first(where: { $0.name == period.name }) else {
                throw KubuqiError(.input, "\(outdir): the tiles have no period \(period.name)")
            }
            let first = reduced?.ldn?.periods.first { $0.name == period.name }
            let layers = LDNPeriod.Layer.written(isBaseline: period.isBaseline, externalLPD: inputs.lpd != nil, climate: nil)
            var files: [LDNPeriod.Layer: String] = [:]
            for layer in layers {
                // The report's maps are drawn from the VRT (no overviews), as one machine draws them from its full-resolution layer.
                files[layer] = try mosaic.assemble("\(period.name)/\(layer.file).tif", legend: LDNLegend.entries(layer)).vrt
            }
            var areas: [LDNPeriod.Layer: AreaTable] = [:]
            for layer in layers { areas[layer] = figures.areas?[layer.file] ?? AreaTable() }
            var zoneAreas: [LDNPeriod.Layer: AreaTable] = [:]
            if config.zones != nil { for layer in layers { zoneAreas[layer] = figures.zoneAreas?[layer.file] ?? AreaTable() } }
            let annual = Dictionary(uniqueKeysWithValues: (first?.annual ?? [:]).compactMap { k, v in Int(k).map { ($0, v) } })
            let maxima = first?.performance.map { ProductivityPerformance(accumulator: $0).maxima } ?? [:]
            let result = LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                                         files: files, areas: areas, zoneAreas: zoneAreas, transitions: figures.transitions ?? TransitionTable(),
                                         performanceMaxima: maxima, annualProductivity: annual.mapValues(\.summary),
                                         annualExact: annual, performanceSurvey: first?.performance)
            report.periods.append(result)
            log("period \(period.name): \(result.summaryLine)")
        }
        try report.write(to: destination, inputs: config.inputFiles)
        log("report written: \(destination.file("report.html")), report.json, report.md, tables/*.csv")
        return report
    }


    /// Tiles do not run the climate-corrected trajectory yet (docs/climate.md): refused, not silently ignored.
    static func refuseClimate(_ config: LDNConfig) throws {
        if config.climateCorrection != nil {
            throw KubuqiError.input(config.file, "[climate] (climate-corrected productivity) runs on one machine only; tiles do not support it yet: run ldn without tiles")
        }
    }
}
