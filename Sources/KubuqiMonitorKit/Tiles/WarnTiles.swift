import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `warn --plan P --tile I` and its part of `tiles merge`. The per-pixel layers
/// are computed per tile; everything region-wide (hotspot patches joined across
/// tile edges, the minimum mapping unit, the zones' shares, the comparison with
/// --previous, the bulletin) is computed at the merge on the whole map, by the
/// same code as one machine (``WarnJob/finish``).
extension WarnJob {
    /// Computes one tile's layers into `OUTDIR/tiles/I/` with its exact area sums.
    /// The stats pass has nothing to do (every layer is per pixel).
    public static func runTile(_ o: WarnOptions, request: TileRequest) throws -> TileRunOutcome {
        try WarnTileJob(o).runTile(request)
    }

    /// Assembles the tiles of a plan into OUTDIR: each layer as a COG (and its VRT), then the hotspots,
    /// zones.csv, bulletin.json and .html and the STAC catalogue from the whole assembled map.
    public static func mergeTiles(_ o: WarnOptions, plan: TilePlan, outdir: String) throws -> WarnResult {
        try check(o)
        let destination = try OutputFolder(outdir)
        // Staged and published all or nothing (the VRTs' tile paths made relative to their published place).
        return try destination.runStaged { work, stage in
            let mosaic = try TileMosaic(plan: plan, outdir: outdir, destination: stage.path)
            let figures = try mosaic.mergedFigures(WarnTileFigures.self, required: true)!
            let setup = try Setup(o, work: work)
            if let diff = plan.grid.grid.difference(from: setup.grid) {
                throw KubuqiError(.input, "the plan's grid is not the series' grid: \(diff)")
            }
            let specs = outputSpecs(o, plan: setup.plan, stage: stage).compactMap { $0 }
            let layers = specs.map { ($0.path as NSString).lastPathComponent }
            for (layer, spec) in zip(layers, specs) {
                try mosaic.assemble(layer, legend: layer == Layer.level.file ? legend : nil) { ds in
                    // The band description and metadata one machine's writer sets.
                    if !spec.bandDescription.isEmpty { try ds.band(1).setDescription(spec.bandDescription) }
                    for (k, v) in spec.metadata { ds.setMetadataItem(k, v) }
                }
            }
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: setup.grid, work: work) }
            let bulletin = try finish(o, setup, zoning: zoning, sums: figures.sums, folder: stage, work: work)
            try TileMosaic.relocateVRTs(staged: stage.path, publishedIn: outdir)
            let files = layers + ["hotspots.gpkg", "hotspots.geojson", "zones.csv", "bulletin.json", "bulletin.html"]
            return (WarnResult(summary: bulletin.summary, bulletin: bulletin, files: files), [])
        }
    }
}

/// `warn` as a ``TiledJob``: no stats pass; each tile writes its window of every layer.
struct WarnTileJob: TiledJob {
    let options: WarnOptions
    let outdir: String
    var needsStatistics: Bool { false }

    init(_ o: WarnOptions) throws {
        try WarnJob.check(o)
        outdir = try OutputFolder(o.output).path
        options = o
    }

    func statistics(_ tile: TileContext) throws -> WarnTileFigures? { nil }

    func compute(_ tile: TileContext, reduced: WarnTileFigures?) throws -> TileOutput<WarnTileFigures> {
        let o = options
        let setup = try WarnJob.Setup(o, work: tile.work)
        try tile.request.plan.check(grid: setup.grid, planPath: tile.request.planPath)
        let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: setup.grid, work: tile.work, region: tile.window) }
        let pass = try WarnJob.pixelPass(o, setup, zoning: zoning, folder: try OutputFolder(tile.staging), region: tile.window)
        return TileOutput(figures: WarnTileFigures(pass.sums), layers: pass.layers)
    }
}
