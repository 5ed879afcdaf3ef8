import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The finished tiles of a plan in OUTDIR, assembled into one raster per
/// layer: a VRT mosaic (GDAL's BuildVRT) and a copy of it as a Cloud
/// Optimized GeoTIFF (``CloudOptimizedOutput``).
public struct TileMosaic: Sendable {
    /// The plan.
    public let plan: TilePlan
    /// OUTDIR.
    public let outdir: String
    /// Every tile's manifest (final pass), in tile order.
    public let manifests: [TileManifest]

    /// Collects the tiles; an input error names the missing ones.
    public init(plan: TilePlan, outdir: String) throws {
        self.plan = plan
        self.outdir = outdir
        manifests = try TileFolder.collect(outdir: outdir, phase: .tile, plan: plan)
    }

    /// A path in OUTDIR.
    public func file(_ relative: String) -> String { (outdir as NSString).appendingPathComponent(relative) }

    /// The layer `relative` (e.g. `baseline/sdg-15-3-1.tif`) of every tile,
    /// assembled into `OUTDIR/relative` and `OUTDIR/<relative stem>.vrt`.
    /// Class layers get nearest-neighbour overviews and their legend.
    @discardableResult
    public func assemble(_ relative: String, legend: [ClassLegend.Entry]? = nil) throws -> (vrt: String, raster: String) {
        let sources = manifests.map { m in (TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).path as NSString).appendingPathComponent(relative) }
        for s in sources where !FileManager.default.fileExists(atPath: s) {
            throw KubuqiError.input(s, "missing from its tile folder; rerun that tile")
        }
        let target = file(relative)
        try SafeFiles.makeFolders(PathNames.parent(relative), under: outdir)
        let vrt = (target as NSString).deletingPathExtension + ".vrt"
        do {
            try Mosaic.buildVRT(vrt, sources: sources)
            let ds = try Dataset.open(vrt)
            if let diff = ds.grid.difference(from: plan.grid.grid) {  // the mosaic's values first
                throw KubuqiError(.internal, "\(vrt): the mosaic is not on the plan's grid: \(diff)")
            }
            try ds.close()
            if let legend { try ClassLegend.attach(to: vrt, entries: legend) }
            try translate(vrt, to: target)
        } catch let e as GDALError {
            throw KubuqiError.output(target, e.description)
        }
        return (vrt, target)
    }

    /// Copies `source` to `target` as a COG (``CloudOptimizedOutput``, the one
    /// place every command's rasters become COGs), through a hidden temporary file.
    public func translate(_ source: String, to target: String) throws {
        try CloudOptimizedOutput.write(source, to: target)
    }
}
