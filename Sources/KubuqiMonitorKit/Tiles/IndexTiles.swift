import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `index --plan P --tile I [--phase stats]` and its part of `tiles merge`.
/// With a plan, `-o` is a folder: the merged indices are `OUTDIR/NAME.tif`.
extension IndexJob {
    /// Computes one tile: the NDVI histogram for FVC's end-members (stats pass),
    /// or every index's raster of the tile (tile pass).
    public static func runTile(_ options: IndexOptions, request: TileRequest) throws -> TileRunOutcome {
        let names = options.indices.map { $0.lowercased() }
        if names.contains("ddi") && (options.sceneDependent.ddiK == nil || (options.sceneDependent.grades && options.sceneDependent.gradeBreaks == nil)) {
            throw KubuqiError(.usage, "with --plan, ddi needs --ddi-k (and with --grades, --grade-breaks): the scene fit and natural breaks are not computed per tile")
        }
        let needsStatistics = names.contains("fvc") && (options.sceneDependent.fvcSoil == nil || options.sceneDependent.fvcVegetation == nil)
        let outdir = try OutputFolder(options.output).path
        let start = try TileFolder.start(outdir: outdir, request: request, needsStatistics: needsStatistics)
        if let done = start.done { return done }
        let folder = start.folder, reduced = start.reduced
        let staging = try folder.begin()
        defer { folder.discard(staging: staging) }
        var manifest = TileManifest(kind: "index", request: request, reducedFingerprint: reduced?.1)
        let check: (Grid) throws -> Void = { try request.plan.check(grid: $0, planPath: request.planPath) }

        if request.phase == .stats {
            var figures = IndexTileFigures()
            if needsStatistics {
                // The tile's NDVI, counted into the fixed-range histogram the single-machine survey uses.
                var o = options
                o.indices = ["ndvi"]
                o.encoding = .float32
                o.output = (staging as NSString).appendingPathComponent(".ndvi.tif")
                _ = try run(o, region: request.window, checkGrid: check)
                var h = Histogram(lowerBound: -1, upperBound: 1, bins: 2000)
                let values = try Dataset.open(o.output).band(1).read(Window(column: 0, row: 0, width: request.window.width, height: request.window.height))
                values.withUnsafeBufferPointer { h.add($0) }
                unlink(o.output)
                figures.ndviHistogram = h
            }
            manifest.index = figures
            try folder.commit(staging: staging, manifest: manifest)
            return TileRunOutcome(tile: request.tile.index, phase: .stats, computed: true, folder: folder.path)
        }

        var o = options
        if needsStatistics {
            guard let h = reduced?.0.index?.ndviHistogram, let ends = FractionalVegetationCover.endMembers(from: h) else {
                throw KubuqiError(.input, "\(outdir)/\(ReducedStatistics.fileName): cannot derive the FVC end-members (no NDVI histogram, or its 5th and 95th percentiles are equal); give --fvc-soil and --fvc-vegetation")
            }
            o.sceneDependent.fvcSoil = ends.soil
            o.sceneDependent.fvcVegetation = ends.vegetation
        }
        o.output = names.count == 1 ? (staging as NSString).appendingPathComponent("\(names[0]).tif") : staging
        let results = try run(o, region: request.window, checkGrid: check)
        manifest.layers = results.map { ($0.path as NSString).lastPathComponent }
        manifest.index = IndexTileFigures(statistics: Dictionary(uniqueKeysWithValues: results.map { ($0.index, $0.statistics) }))
        try folder.commit(staging: staging, manifest: manifest)
        return TileRunOutcome(tile: request.tile.index, phase: .tile, computed: true, folder: folder.path)
    }

    /// Assembles each index's tiles into `OUTDIR/NAME.tif` (COG) and `OUTDIR/NAME.vrt`.
    public static func mergeTiles(_ options: IndexOptions, plan: TilePlan, outdir: String) throws -> [IndexResult] {
        try OutputFolder(outdir).lock()
        let mosaic = try TileMosaic(plan: plan, outdir: outdir)
        var figures = IndexTileFigures()
        for m in mosaic.manifests { if let i = m.index { figures.merge(i) } }
        return try mosaic.manifests[0].layers.map { layer in
            let name = (layer as NSString).deletingPathExtension
            let raster = try mosaic.assemble(layer, legend: name == "ddi-grades" ? SceneDependentIndex.gradeLegend : nil).raster
            return IndexResult(index: name, path: raster, width: plan.grid.width, height: plan.grid.height,
                               statistics: figures.statistics[name] ?? SummaryStatistics())
        }
    }
}
