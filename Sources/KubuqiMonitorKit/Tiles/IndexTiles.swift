import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `index --plan P --tile I [--phase stats]` and its part of `tiles merge`.
/// With a plan, `-o` is a folder: the merged indices are `OUTDIR/NAME.tif`.
extension IndexJob {
    /// Computes one tile: the NDVI histogram for FVC's end-members (stats pass),
    /// or every index's raster of the tile (tile pass).
    public static func runTile(_ options: IndexOptions, request: TileRequest) throws -> TileRunOutcome {
        try IndexTileJob(options).runTile(request)
    }

    /// Assembles each index's tiles into `OUTDIR/NAME.tif` (COG) and `OUTDIR/NAME.vrt`, and
    /// describes the COGs in the STAC catalogue a one-machine run writes (``IndexPublication``).
    public static func mergeTiles(_ options: IndexOptions, plan: TilePlan, outdir: String) throws -> [IndexResult] {
        let folder = try OutputFolder(outdir)
        // Staged and published all or nothing (the VRTs' tile paths made relative to their published place).
        return try folder.runStaged { _, stage in
            let mosaic = try TileMosaic(plan: plan, outdir: outdir, destination: stage.path)
            let figures = try mosaic.mergedFigures(IndexTileFigures.self) ?? IndexTileFigures()
            let results = try mosaic.manifests[0].layers.map { layer in
                let name = (layer as NSString).deletingPathExtension
                let raster = try mosaic.assemble(layer, legend: name == "ddi-grades" ? SceneDependentIndex.gradeLegend : nil).raster
                return IndexResult(index: name, path: raster, width: plan.grid.width, height: plan.grid.height,
                                   statistics: figures.statistics[name] ?? SummaryStatistics())
            }
            let indices = try options.indices.map { try resolve($0, options: options) }
            let (_, _, sceneBands) = try Self.sceneBands(options, indices: indices)
            let names = results.map(\.index)
            try IndexPublication.describe(names: names, paths: results.map(\.path), folder: stage, options: options, sceneBands: sceneBands,
                                          classes: names.contains("ddi-grades") ? ["ddi-grades": SceneDependentIndex.gradeLegend] : [:])
            try TileMosaic.relocateVRTs(staged: stage.path, publishedIn: outdir)
            let published = results.map { r in
                IndexResult(index: r.index, path: folder.file(String(r.path.dropFirst(stage.path.count + 1))), width: r.width, height: r.height,
                            statistics: r.statistics)
            }
            return (published, [])
        }
    }
}

/// `index` as a ``TiledJob``: FVC's end-members from the region's NDVI histogram.
struct IndexTileJob: TiledJob {
    let options: IndexOptions
    let names: [String]
    let outdir: String
    let needsStatistics: Bool

    init(_ options: IndexOptions) throws {
        names = options.indices.map { $0.lowercased() }
        if names.contains("ddi") && (options.sceneDependent.ddiK == nil || (options.sceneDependent.grades && options.sceneDependent.gradeBreaks == nil)) {
            throw KubuqiError(.usage, "with --plan, ddi needs --ddi-k (and with --grades, --grade-breaks): the scene fit and natural breaks are not computed per tile")
        }
        needsStatistics = names.contains("fvc") && (options.sceneDependent.fvcSoil == nil || options.sceneDependent.fvcVegetation == nil)
        outdir = try OutputFolder(options.output).path
        self.options = options
    }

    private func check(_ request: TileRequest) -> (Grid) throws -> Void {
        { try request.plan.check(grid: $0, planPath: request.planPath) }
    }

    func statistics(_ tile: TileContext) throws -> IndexTileFigures? {
        var figures = IndexTileFigures()
        if needsStatistics {
            // The tile's NDVI, counted into the fixed-range histogram the single-machine survey uses.
            var o = options
            o.indices = ["ndvi"]
            o.encoding = .float32
            o.output = tile.file(".ndvi.tif")
            _ = try IndexJob.run(o, region: tile.window, checkGrid: check(tile.request))
            var h = Histogram(lowerBound: -1, upperBound: 1, bins: 2000)
            let values = try Dataset.open(o.output).band(1).read(Window(column: 0, row: 0, width: tile.window.width, height: tile.window.height))
            values.withUnsafeBufferPointer { h.add($0) }
            unlink(o.output)
            figures.ndviHistogram = h
        }
        return figures
    }

    func compute(_ tile: TileContext, reduced: IndexTileFigures?) throws -> TileOutput<IndexTileFigures> {
        var o = options
        if needsStatistics {
            guard let h = reduced?.ndviHistogram, let ends = FractionalVegetationCover.endMembers(from: h) else {
                throw KubuqiError(.input, "\(outdir)/\(ReducedStatistics.fileName): cannot derive the FVC end-members (no NDVI histogram, or its 5th and 95th percentiles are equal); give --fvc-soil and --fvc-vegetation")
            }
            // A given end-member replaces the scene's, as on one machine.
            let completed = try options.sceneDependent.fvcEndMembers(completing: ends, source: "\(outdir)/\(ReducedStatistics.fileName)")
            o.sceneDependent.fvcSoil = completed.soil
            o.sceneDependent.fvcVegetation = completed.vegetation
        }
        o.output = names.count == 1 ? tile.file("\(names[0]).tif") : tile.staging
        let results = try IndexJob.run(o, region: tile.window, checkGrid: check(tile.request))
        return TileOutput(figures: IndexTileFigures(statistics: Dictionary(uniqueKeysWithValues: results.map { ($0.index, $0.statistics) })),
                          layers: results.map { ($0.path as NSString).lastPathComponent })
    }
}
