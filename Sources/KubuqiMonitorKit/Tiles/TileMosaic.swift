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

    /// The tiles' figures of the tile pass, merged in tile order; nil when no tile has any.
    /// With `required`, a tile without figures is an input error naming its manifest.
    public func mergedFigures<F: TileFigures>(_ type: F.Type, required: Bool = false) throws -> F? {
        var list: [F] = []
        for m in manifests {
            if let f = m.figures(F.self) { list.append(f) } else if required {
                throw KubuqiError.input(TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).manifestPath, "has no \(F.kind) figures")
            }
        }
        return try F.merged(list)
    }

    /// The stats pass's merged figures (`OUTDIR/reduced.json`), nil when the job had no stats pass;
    /// an input error when they were reduced from another job than the tiles'.
    public func reduced<F: TileFigures>(_ type: F.Type) throws -> F? {
        let path = file(ReducedStatistics.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let reduced = try TileJSON.decode(ReducedStatistics.self, from: path)
        guard reduced.jobFingerprint == manifests[0].jobFingerprint else {
            throw KubuqiError.input(path, "reduced from another job than the tiles'; rerun --phase stats and tiles reduce")
        }
        return reduced.figures(F.self)
    }

    /// The layer `relative` of every tile as one VRT mosaic at `OUTDIR/vrt` (tiles named relative to it),
    /// checked to be on the plan's grid.
    @discardableResult
    public func mosaic(_ relative: String, into vrt: String) throws -> String {
        let sources = manifests.map { m in (TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).path as NSString).appendingPathComponent(relative) }
        for s in sources where !FileManager.default.fileExists(atPath: s) {
            throw KubuqiError.input(s, "missing from its tile folder; rerun that tile")
        }
        let path = file(vrt)
        do {
            try Mosaic.buildVRT(path, sources: sources)
            let ds = try Dataset.open(path)
            if let diff = ds.grid.difference(from: plan.grid.grid) {
                throw KubuqiError(.internal, "\(path): the mosaic is not on the plan's grid: \(diff)")
            }
            try ds.close()
        } catch let e as GDALError {
            throw KubuqiError.output(path, e.description)
        }
        return path
    }

    /// The layer `relative` (e.g. `baseline/sdg-15-3-1.tif`) of every tile,
    /// assembled into `OUTDIR/relative` and `OUTDIR/<relative stem>.vrt`.
    /// Class layers get nearest-neighbour overviews and their legend; `describe`, when given,
    /// sets what one machine's writer sets (band description, metadata) on the VRT before the copy.
    @discardableResult
    public func assemble(_ relative: String, legend: [ClassLegend.Entry]? = nil,
                         describe: ((Dataset) throws -> Void)? = nil) throws -> (vrt: String, raster: String) {
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
            if let describe {
                let vrtDataset = try Dataset.open(vrt, update: true)
                try describe(vrtDataset)
                try vrtDataset.close()
            }
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
