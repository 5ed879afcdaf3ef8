import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `change --plan P --tile I [--phase stats]` and its part of `tiles merge`.
extension ChangeJob {
    /// Computes one tile of a plan: its statistics (stats pass) or its rasters
    /// and tables (tile pass) into `OUTDIR/stats/I/` or `OUTDIR/tiles/I/`.
    public static func runTile(_ o: ChangeOptions, request: TileRequest) throws -> TileRunOutcome {
        try checkIndices(o)
        guard o.sensor == nil else {
            throw KubuqiError(.usage, "with --plan, --before/--after must be index rasters: compute them per tile with `index --plan` and `tiles merge` first (the merged NAME.vrt or NAME.tif), then run change on those")
        }
        let outdir = try OutputFolder(o.outputFolder).path
        let needsStatistics = o.threshold.needsStatistics
        let start = try TileFolder.start(outdir: outdir, request: request, needsStatistics: needsStatistics)
        if let done = start.done { return done }
        let folder = start.folder, reduced = start.reduced
        let staging = try folder.begin()
        defer { folder.discard(staging: staging) }
        let work = try WorkFolder(in: staging)
        defer { work.remove() }
        let setup = try prepare(o, work: work)
        try request.plan.check(grid: setup.grid, planPath: request.planPath)
        var manifest = TileManifest(kind: "change", request: request, reducedFingerprint: reduced?.1)

        if request.phase == .stats {
            if needsStatistics { manifest.change = try statisticsPass(setup, region: request.window, histogram: o.threshold.needsHistogram, quiet: o.quiet) }
            try folder.commit(staging: staging, manifest: manifest)
            return TileRunOutcome(tile: request.tile.index, phase: .stats, computed: true, folder: folder.path)
        }

        let thresholds: ChangeThresholds
        if let reduced, let figures = reduced.0.change {
            thresholds = try deriveThresholds(o, before: setup.before[0].path, after: setup.after[0].path, figures: figures)
        } else {
            thresholds = o.threshold.thresholds(statistics: SummaryStatistics(), absoluteHistogram: Histogram(lowerBound: 0, upperBound: 1, bins: 1))!
        }
        let out = try OutputFolder(staging)
        let outputs = classOutputs(o, setup: setup, thresholds: thresholds, classPath: out.file("change-class.tif"), folder: out)
        let layers = outputs.compactMap { $0.spec.map { ($0.path as NSString).lastPathComponent } }
        let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: setup.grid, work: work, region: request.window) }
        let survey = DifferenceSurvey(limit: setup.histogramLimit, output: 1, histogram: o.threshold.needsHistogram)
        let counter = try classPass(setup, outputs: outputs, zoning: zoning, region: request.window, also: [survey],
                                    label: "tile \(request.tile.index)", quiet: o.quiet)
        var figures = survey.merged()
        figures.tally = counter.mergedWhole()
        if o.zones != nil { figures.zoneTally = counter.mergedZones() }
        manifest.change = figures
        manifest.layers = layers
        try folder.commit(staging: staging, manifest: manifest)
        return TileRunOutcome(tile: request.tile.index, phase: .tile, computed: true, folder: folder.path)
    }

    /// Assembles the tiles of a plan in OUTDIR into the single-machine outputs:
    /// the rasters (VRT and COG), quicklook, change-stats.json and .csv.
    public static func mergeTiles(_ o: ChangeOptions, plan: TilePlan, outdir: String) throws -> ChangeResult {
        try checkIndices(o)
        let mosaic = try TileMosaic(plan: plan, outdir: outdir)
        var figures: ChangeTileFigures?
        for m in mosaic.manifests {
            guard let c = m.change else { throw KubuqiError.input(TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).manifestPath, "has no change figures") }
            if figures == nil { figures = c } else { try figures!.merge(c) }
        }
        let merged = figures!
        let destination = try OutputFolder(outdir)
        try destination.lock()
        let work = try destination.workFolder()
        defer { work.remove() }
        let (before, after) = try indexRasters(o, work: work)
        let grid = plan.grid.grid
        let thresholds = try deriveThresholds(o, before: before[0].path, after: after[0].path, figures: merged)
        var files: [String: String] = [:]
        files["magnitude"] = try mosaic.assemble("change-magnitude.tif").raster
        if o.method == .cva { files["direction"] = try mosaic.assemble("change-direction.tif").raster }
        let (classVRT, classPath) = try mosaic.assemble("change-class.tif", legend: ClassLegend.change)
        files["class"] = classPath
        var tally = merged.tally ?? ClassAreaTally()
        var zoneTally = o.zones == nil ? nil : (merged.zoneTally ?? ClassAreaTally())
        var quicklookSource = classVRT
        var mmuPixels = 0
        if let mmu = o.mmu {
            // A minimum mapping unit joins patches across tile edges: sieve the whole class raster here.
            mmuPixels = try pixels(for: mmu, grid: grid)
            let whole = work.file("change-class.tif")
            do {
                try Mosaic.translate(classVRT, to: whole, options: ["-of", "GTiff", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER"])
                try ChangeSieve.apply(whole, threshold: mmuPixels)
            } catch let e as GDALError { throw KubuqiError.output(classPath, e.description) }
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: grid, work: work) }
            (tally, zoneTally) = try tallyAreas(classPath: whole, zones: zoning, grid: grid, quiet: o.quiet)
            try ClassLegend.attach(to: whole, entries: ClassLegend.change)
            try mosaic.translate(whole, to: classPath)
            unlink(classVRT)   // the tiles are not sieved: the VRT would show patches under the unit
            quicklookSource = whole
        }
        let zoneNames = try o.zones.map { try ZoneLayer.names($0, field: o.zoneField) } ?? [:]
        let report = ChangeReport(options: o, grid: grid, before: before, after: after, thresholds: thresholds,
                                  difference: merged.difference.summary, tally: tally, zoneTally: zoneTally, zoneNames: zoneNames, mmuPixels: mmuPixels)
        files["json"] = destination.file("change-stats.json")
        files["csv"] = destination.file("change-stats.csv")
        files["quicklook"] = destination.file("quicklook.png")
        try report.writeTables(json: files["json"]!, csv: files["csv"]!)
        try report.writeQuicklook(classPath: quicklookSource, to: files["quicklook"]!)
        return ChangeResult(files: files, thresholds: thresholds, tally: tally, zoneTally: zoneTally, difference: merged.difference.summary, summary: report.summary())
    }
}
