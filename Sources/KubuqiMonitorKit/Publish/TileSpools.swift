import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The published tiles of class rasters compressed while they are computed (docs/publishing.md, "COG from the
/// workers' tiles"): ``CloudOptimizedOutput/write(_:to:userOptions:)`` then lays out their COG from these tiles
/// (``CloudOptimizedTileWriter``) instead of encoding every tile again with GDAL's COG driver, so publishing a
/// raster that is complete only at the end of a run is copying bytes.
///
/// A streamed pass (``StreamedCalculation``) starts a spool for each output that asks for it
/// (``RasterOutputSpec/compressesTiles``) and whose published form this writer gives exactly as GDAL's driver
/// would (``level(ofPublished:)``: DEFLATE with predictor 2 in 256 x 256 tiles, Int16 class codes with `NEAREST`
/// overviews, the raster staged uncompressed); every other raster, and every option this writer does not make,
/// goes through GDAL's COG driver as before. The spool is a file in a private folder beside the output, handed
/// over here by the output's path once the staged raster is in place, and taken (and deleted) by its COG copy.
public enum TileSpools {
    /// A spool of one raster and the private folder holding it.
    final class Spooled: @unchecked Sendable {
        let spool: CompressedTileSpool
        let folder: String
        /// The staged raster's file (device, inode) once it is in place: the COG copy uses the spool only for it.
        var staged: (dev: UInt64, ino: UInt64)?
        /// nil: full-resolution tiles with `NEAREST` overviews (``CompressedTileSpool/add(_:values:)``); else the
        /// Int16 nodata (`.some(nil)`: none, or Float32) of `AVERAGE` overviews (``AveragedTileRows``, ``StagedAveragingFeed``).
        var averagedNodata: Int16?? = nil

        init(spool: CompressedTileSpool, folder: String) {
            self.spool = spool
            self.folder = folder
        }

        /// Deletes the spool and its folder.
        func discard() {
            spool.remove()
            SafeFiles.removeTree(folder)
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var finished: [String: Spooled] = [:]

    /// The libdeflate level GDAL compresses the published GeoTIFF options `published` with
    /// (``DeflateTileEncoder/libdeflateLevel(forZLEVEL:)``) when this writer makes exactly the COG GDAL's driver makes
    /// of them: `COMPRESS=DEFLATE`, `PREDICTOR=2`, square 256-pixel tiles, any `ZLEVEL` (1-12), `NUM_THREADS` and
    /// `BIGTIFF`; nil for anything else (another codec, block size, interleaving or option).
    public static func level(ofPublished published: CreationOptions) -> Int? { level(ofPublished: published, predictor: 2) }

    /// ``level(ofPublished:)`` for the TIFF `predictor` the writer gives (2: Int16 samples; 3: Float32 samples).
    public static func level(ofPublished published: CreationOptions, predictor: Int) -> Int? {
        let predictors = predictor == 3 ? ["3", "FLOATING_POINT"] : ["2", "STANDARD"]
        var level: Int? = nil
        for o in published.pairs {
            let v = o.value.uppercased()
            switch o.key.uppercased() {
            case "TILED": guard ["YES", "TRUE", "ON", "1"].contains(v) else { return nil }
            case "BLOCKXSIZE", "BLOCKYSIZE": guard v == "256" else { return nil }
            case "COMPRESS": guard v == "DEFLATE" else { return nil }
            case "PREDICTOR": guard predictors.contains(v) else { return nil }
            case "ZLEVEL":
                guard let l = Int(v), (1...12).contains(l) else { return nil }
                level = l
            case "NUM_THREADS": break
            case "BIGTIFF": guard ["YES", "NO", "IF_NEEDED", "IF_SAFER", "TRUE", "FALSE", "ON", "OFF", "1", "0"].contains(v) else { return nil }
            case "INTERLEAVE": guard v == "PIXEL" || v == "BAND" else { return nil }   // one band: the same file
            default: return nil
            }
        }
        guard published.value("COMPRESS")?.uppercased() == "DEFLATE", predictors.contains(published.value("PREDICTOR")?.uppercased() ?? "") else {
            return nil
        }
        return DeflateTileEncoder.libdeflateLevel(forZLEVEL: level)
    }

    /// A spool for the output `spec` written on a `width` x `height` grid with the GeoTIFF options `writing`, when it
    /// asks for one and its COG can be made from it; nil otherwise.
    static func start(for spec: RasterOutputSpec, width: Int, height: Int, writing: CreationOptions) throws -> Spooled? {
        guard spec.compressesTiles, spec.encoding == .classes, spec.storage == .stagedForCOG,
              (try? CloudOptimizedOutput.isRequested(spec.creationOptions)) == true,
              (writing.value("COMPRESS") ?? "NONE").uppercased() == "NONE",
              let level = level(ofPublished: spec.effectiveCreationOptions),
              CloudOptimizedLevels(width: width, height: height).nearestIsGDALs else { return nil }
        let parent = PathNames.parent(spec.path)
        let folder = try SafeFiles.privateFolder(in: parent.isEmpty ? "." : parent, blame: spec.path)
        do {
            let spool = try CompressedTileSpool(path: folder + "/tiles", width: width, height: height, level: level)
            return Spooled(spool: spool, folder: folder)
        } catch let e as GDALError {
            SafeFiles.removeTree(folder)
            throw KubuqiError.output(spec.path, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
        }
    }

    /// Hands `spooled` over for the staged raster now at `path` (replacing and deleting any spool left for it).
    static func finish(_ spooled: Spooled, for path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { spooled.discard(); return }
        spooled.staged = (UInt64(s.st_dev), UInt64(s.st_ino))
        let previous = lock.withLock { () -> Spooled? in
            let p = finished[path]
            finished[path] = spooled
            return p
        }
        previous?.discard()
    }

    /// Takes the spool handed over for the staged raster at `path`, if it is still that file (the caller deletes it).
    static func take(_ path: String) -> Spooled? {
        guard let spooled = lock.withLock({ finished.removeValue(forKey: path) }) else { return nil }
        var s = stat()
        guard stat(path, &s) == 0, let staged = spooled.staged, staged == (UInt64(s.st_dev), UInt64(s.st_ino)) else {
            spooled.discard()
            return nil
        }
        return spooled
    }

    /// Whether a spool waits for the COG copy of the raster at `path` (tests).
    static func isWaiting(for path: String) -> Bool { lock.withLock { finished[path] != nil } }
}
