import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The finished tiles of a plan in OUTDIR, assembled into one raster per
/// layer: a VRT mosaic (GDAL's BuildVRT) and a copy of it as a Cloud
/// Optimized GeoTIFF (GDALTranslate `-of COG`), or a tiled GeoTIFF when
/// GDAL has no COG driver.
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
            let type = try ds.band(1).dataType
            try ds.close()
            if let legend { try ClassLegend.attach(to: vrt, entries: legend) }
            try translate(vrt, to: target, integer: type != .float32 && type != .float64, classes: legend != nil)
        } catch let e as GDALError {
            throw KubuqiError.output(target, e.description)
        }
        return (vrt, target)
    }

    /// Copies `source` to `target` as a COG (or tiled GeoTIFF), through a hidden temporary file.
    public func translate(_ source: String, to target: String, integer: Bool, classes: Bool) throws {
        let folder = try SafeFiles.privateFolder(in: PathNames.parent(target))
        defer { try? FileManager.default.removeItem(atPath: folder); Interruption.unregister(folder) }
        let temp = folder + "/" + (target as NSString).lastPathComponent
        var options: [String]
        if Mosaic.hasDriver("COG") {
            options = ["-of", "COG", "-co", "BLOCKSIZE=256", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES",
                       "-co", "NUM_THREADS=ALL_CPUS", "-co", "BIGTIFF=IF_SAFER", "-co", "RESAMPLING=\(classes ? "NEAREST" : "AVERAGE")"]
        } else {
            options = ["-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256", "-co", "COMPRESS=DEFLATE",
                       "-co", "PREDICTOR=\(integer ? 2 : 3)", "-co", "NUM_THREADS=ALL_CPUS", "-co", "BIGTIFF=IF_SAFER"]
        }
        try Mosaic.translate(source, to: temp, options: options)
        try SafeFiles.renameFinished(temp, onto: target)
        if SafeFiles.entry(temp + ".aux.xml")?.isRegular == true {
            try SafeFiles.renameFinished(temp + ".aux.xml", onto: target + ".aux.xml")
        }
    }
}
