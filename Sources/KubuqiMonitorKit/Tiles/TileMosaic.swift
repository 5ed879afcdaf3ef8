import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The finished tiles of a plan in OUTDIR, assembled into one raster per
/// layer: a VRT mosaic (GDAL's BuildVRT) and a copy of it as a Cloud
/// Optimized GeoTIFF (``CloudOptimizedOutput``).
///
/// The layers are assembled in `destination`: the merge's staging folder (in its work folder in OUTDIR), published
/// with the rest of the merge's outputs all or nothing (``OutputFolder/runStaged(_:)``); the VRTs' tile paths are
/// made relative to their published place by ``relocateVRTs(staged:publishedIn:)`` before the publication.
public struct TileMosaic: Sendable {
    /// The plan.
    public let plan: TilePlan
    /// OUTDIR.
    public let outdir: String
    /// Where the layers are assembled (OUTDIR itself unless given).
    public let destination: String
    /// Every tile's manifest (final pass), in tile order.
    public let manifests: [TileManifest]

    /// Collects the tiles; an input error names the missing ones.
    public init(plan: TilePlan, outdir: String, destination: String? = nil) throws {
        self.plan = plan
        self.outdir = outdir
        self.destination = destination ?? outdir
        manifests = try TileFolder.collect(outdir: outdir, phase: .tile, plan: plan)
    }

    /// A path in OUTDIR.
    public func file(_ relative: String) -> String { (outdir as NSString).appendingPathComponent(relative) }

    /// A path in the destination.
    public func assembled(_ relative: String) -> String { (destination as NSString).appendingPathComponent(relative) }

    /// Rewrites every VRT under `stage` (recursively) so that the tiles it names relative to itself are named
    /// relative to the place it is published at: the same relative path under `outdir`. A VRT built in
    /// `OUTDIR/.kubuqi-work-PID-X/stage/p/NAME.vrt` names a tile `../../../tiles/0/p/NAME.tif`; published at
    /// `OUTDIR/p/NAME.vrt` it names `../tiles/0/p/NAME.tif`, as a VRT built in place does.
    public static func relocateVRTs(staged stage: String, publishedIn outdir: String) throws {
        let cwd = FileManager.default.currentDirectoryPath
        let stageRoot = PathNames.absolute(stage, in: cwd), finalRoot = PathNames.absolute(outdir, in: cwd)
        for vrt in try SceneFiles.list(stage) where vrt.hasSuffix(".vrt") {
            let relative = String(PathNames.absolute(vrt, in: cwd).dropFirst(stageRoot.count + 1))
            let stagedFolder = PathNames.parent(PathNames.absolute(vrt, in: cwd))
            let finalFolder = PathNames.parent(PathNames.absolute(relative, in: finalRoot))
            guard let xml = try? String(contentsOfFile: vrt, encoding: .utf8) else {
                throw KubuqiError.output(vrt, "cannot read back the staged mosaic")
            }
            let open = "<SourceFilename relativeToVRT=\"1\">", close = "</SourceFilename>"
            var out = "", rest = Substring(xml)
            while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
                // The name as GDAL escaped it holds no '<' or '&' that a path step could split: resolved by name.
                let name = String(rest[start.upperBound..<end.lowerBound])
                let moved = PathNames.relative(from: finalFolder, to: PathNames.absolute(name, in: stagedFolder))
                out += String(rest[..<start.upperBound]) + moved + close
                rest = rest[end.upperBound...]
            }
            out += String(rest)
            do {
                try out.write(toFile: vrt, atomically: false, encoding: .utf8)
            } catch {
                throw KubuqiError.output(vrt, "cannot rewrite the staged mosaic (\(error.localizedDescription))")
            }
        }
    }

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

    /// The layer `relative` of every tile as one VRT mosaic at `DESTINATION/vrt` (tiles named relative to it),
    /// checked to be on the plan's grid.
    @discardableResult
    public func mosaic(_ relative: String, into vrt: String) throws -> String {
        let sources = manifests.map { m in (TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).path as NSString).appendingPathComponent(relative) }
        for s in sources where !FileManager.default.fileExists(atPath: s) {
            throw KubuqiError.input(s, "missing from its tile folder; rerun that tile")
        }
        let path = assembled(vrt)
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
    /// assembled into `DESTINATION/relative` and `DESTINATION/<relative stem>.vrt`.
    /// Class layers get nearest-neighbour overviews and their legend; `describe`, when given,
    /// sets what one machine's writer sets (band description, metadata) on the VRT before the copy.
    @discardableResult
    public func assemble(_ relative: String, legend: [ClassLegend.Entry]? = nil,
                         describe: ((Dataset) throws -> Void)? = nil) throws -> (vrt: String, raster: String) {
        let sources = manifests.map { m in (TileFolder(outdir: outdir, phase: .tile, index: m.tile.index).path as NSString).appendingPathComponent(relative) }
        for s in sources where !FileManager.default.fileExists(atPath: s) {
            throw KubuqiError.input(s, "missing from its tile folder; rerun that tile")
        }
        let target = assembled(relative)
        try SafeFiles.makeFolders(PathNames.parent(relative), under: destination)
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
