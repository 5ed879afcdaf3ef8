import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `change --plan P --tile I [--phase stats]` and its part of `tiles merge`.
extension ChangeJob {
    /// Computes one tile of a plan: its statistics (stats pass) or its rasters
    /// and tables (tile pass) into `OUTDIR/stats/I/` or `OUTDIR/tiles/I/`.
    public static func runTile(_ o: ChangeOptions, request: TileRequest) throws -> TileRunOutcome {
        try ChangeTileJob(o).runTile(request)
    }

    /// Assembles the tiles of a plan in OUTDIR into the single-machine outputs:
    /// the rasters (VRT and COG), quicklook, change-stats.json and .csv, the
    /// patch polygons and the STAC catalogue (``ChangePublication``).
    public static func mergeTiles(_ o: ChangeOptions, plan: TilePlan, outdir: String) throws -> ChangeResult {
        try checkIndices(o)
        let destination = try OutputFolder(outdir)
        // Staged and published all or nothing (the VRTs' tile paths made relative to their published place).
        var published: ChangeResult = try destination.runStaged { work, stage in
            let mosaic = try TileMosaic(plan: plan, outdir: outdir, destination: stage.path)
            let merged = try mosaic.mergedFigures(ChangeTileFigures.self, required: true)!
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
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: grid, work: work) }
            if let mmu = o.mmu {
                // A minimum mapping unit joins patches across tile edges: sieve the whole class raster here.
                mmuPixels = try pixels(for: mmu, grid: grid)
                let whole = work.file("change-class.tif")
                do {
                    try Mosaic.translate(classVRT, to: whole, options: ["-of", "GTiff", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER"])
                    try ChangeSieve.apply(whole, threshold: mmuPixels)
                } catch let e as GDALError { throw KubuqiError.output(classPath, e.description) }
                (tally, zoneTally) = try tallyAreas(classPath: whole, zones: zoning, grid: grid, quiet: o.quiet)
                try ClassLegend.attach(to: whole, entries: ClassLegend.change)
                try mosaic.translate(whole, to: classPath)
                unlink(classVRT)   // the tiles are not sieved: the VRT would show patches under the unit
                quicklookSource = whole
            }
            let zoneNames = try o.zones.map { try ZoneLayer.names($0, field: o.zoneField) } ?? [:]
            let report = ChangeReport(options: o, grid: grid, before: before, after: after, thresholds: thresholds,
                                      difference: merged.difference.summary, tally: tally, zoneTally: zoneTally, zoneNames: zoneNames, mmuPixels: mmuPixels)
            files["json"] = stage.file("change-stats.json")
            files["csv"] = stage.file("change-stats.csv")
            files["quicklook"] = stage.file("quicklook.png")
            try report.writeTables(json: files["json"]!, csv: files["csv"]!)
            try report.writeQuicklook(classPath: quicklookSource, to: files["quicklook"]!)
            // The one-machine run's publication (docs/publishing.md): patches from the final classes, the STAC catalogue.
            if o.patches {
                files["patches"] = try ChangePublication.patches(classPath: classPath, zones: zoning, folder: stage, work: work, quiet: o.quiet)
            }
            try ChangePublication.catalogue(o, report: report, folder: stage)
            try TileMosaic.relocateVRTs(staged: stage.path, publishedIn: outdir)
            let result = ChangeResult(files: files, thresholds: thresholds, tally: tally, zoneTally: zoneTally, difference: merged.difference.summary, summary: report.summary())
            return (result, [])
        }
        published.files = published.files.mapValues { destination.file(($0 as NSString).lastPathComponent) }
        // With a unit the class VRT is not published (the tiles are not sieved); an earlier merge's would show their patches.
        if o.mmu != nil, let e = SafeFiles.entry(destination.file("change-class.vrt")), e.isRegular { unlink(destination.file("change-class.vrt")) }
        return published
    }
}

/// `change` as a ``TiledJob``: the region's statistics of the change value
/// (sigma and Otsu thresholds) from the stats pass.
struct ChangeTileJob: TiledJob {
    let options: ChangeOptions
    let outdir: String
    let needsStatistics: Bool

    init(_ o: ChangeOptions) throws {
        try ChangeJob.checkIndices(o)
        guard o.sensor == nil else {
            throw KubuqiError(.usage, "with --plan, --before/--after must be index rasters: compute them per tile with `index --plan` and `tiles merge` first (the merged NAME.vrt or NAME.tif), then run change on those")
        }
        outdir = try OutputFolder(o.outputFolder).path
        needsStatistics = o.threshold.needsStatistics
        options = o
    }

    /// The inputs, checked against the plan.
    private func setup(_ tile: TileContext) throws -> ChangeJob.Setup {
        let setup = try ChangeJob.prepare(options, work: tile.work)
        try tile.request.plan.check(grid: setup.grid, planPath: tile.request.planPath)
        return setup
    }

    func statistics(_ tile: TileContext) throws -> ChangeTileFigures? {
        let setup = try setup(tile)
        guard needsStatistics else { return nil }
        return try ChangeJob.statisticsPass(setup, region: tile.window, histogram: options.threshold.needsHistogram, quiet: options.quiet)
    }

    func compute(_ tile: TileContext, reduced: ChangeTileFigures?) throws -> TileOutput<ChangeTileFigures> {
        let o = options
        let setup = try setup(tile)
        let thresholds: ChangeThresholds
        if let reduced {
            thresholds = try ChangeJob.deriveThresholds(o, before: setup.before[0].path, after: setup.after[0].path, figures: reduced)
        } else {
            thresholds = o.threshold.thresholds(statistics: SummaryStatistics(), absoluteHistogram: Histogram(lowerBound: 0, upperBound: 1, bins: 1))!
        }
        let out = try OutputFolder(tile.staging)
        let outputs = ChangeJob.classOutputs(o, setup: setup, thresholds: thresholds, classPath: out.file("change-class.tif"), folder: out)
        let layers = outputs.compactMap { $0.spec.map { ($0.path as NSString).lastPathComponent } }
        let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: setup.grid, work: tile.work, region: tile.window) }
        let survey = DifferenceSurvey(limit: setup.histogramLimit, output: 1, histogram: o.threshold.needsHistogram)
        let counter = try ChangeJob.classPass(setup, outputs: outputs, zoning: zoning, region: tile.window, also: [survey],
                                              label: "tile \(tile.request.tile.index)", quiet: o.quiet)
        var figures = survey.merged()
        figures.tally = counter.mergedWhole()
        if o.zones != nil { figures.zoneTally = counter.mergedZones() }
        return TileOutput(figures: figures, layers: layers)
    }
}
