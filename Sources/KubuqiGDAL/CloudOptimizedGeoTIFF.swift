import CGDAL
import Foundation

/// Cloud Optimized GeoTIFF copies through GDAL's COG driver (GDAL >= 3.1):
/// internal square tiles, overviews down to one tile, the IFDs and tile
/// indexes first and the tiles in overview-then-full-resolution order, so a
/// client reads any window or zoom level with a few HTTP range requests.
///
/// The copy is streamed: the driver computes the overviews block by block
/// into a temporary file beside the target and then copies the source and
/// the overviews tile by tile; no raster is ever held whole in memory.
///
/// The options given are GeoTIFF (`GTiff` driver) creation options, as
/// users pass them with `--co`, translated to the COG driver's own names:
/// `BLOCKXSIZE`/`BLOCKYSIZE` -> `BLOCKSIZE` (COG tiles are square),
/// `ZLEVEL`/`ZSTD_LEVEL` -> `LEVEL`, `JPEG_QUALITY`/`WEBP_LEVEL` -> `QUALITY`,
/// `PREDICTOR=1|2|3` -> `NO|STANDARD|FLOATING_POINT`; `TILED=YES` and
/// `INTERLEAVE=PIXEL` are implied;
/// any other key is passed as it is and checked by the COG driver.
public enum CloudOptimizedGeoTIFF {
    /// Whether this GDAL has the COG driver.
    public static var isAvailable: Bool { Mosaic.hasDriver("COG") }

    /// Overview resampling for a raster: `NEAREST` for class codes (a class
    /// never averaged with its neighbours into a code that means something
    /// else), `AVERAGE` for measured values.
    public static func resampling(classes: Bool) -> String { classes ? "NEAREST" : "AVERAGE" }

    /// The COG driver options equivalent to GeoTIFF creation options `gtiff`,
    /// with overview resampling `resampling`; a GDAL error naming the option
    /// that has no COG equivalent.
    public static func options(from gtiff: CreationOptions, resampling: String) throws -> CreationOptions {
        var cog = CreationOptions()
        let bx = gtiff.value("BLOCKXSIZE"), by = gtiff.value("BLOCKYSIZE")
        if let bx, let by, bx != by {
            throw GDALError("invalid creation option for a Cloud Optimized GeoTIFF",
                            messages: ["BLOCKXSIZE=\(bx) and BLOCKYSIZE=\(by) differ; its tiles are square (or give COG=NO for a plain GeoTIFF)"])
        }
        for o in gtiff.pairs {
            switch o.key.uppercased() {
            case "TILED":
                guard ["YES", "TRUE", "ON", "1"].contains(o.value.uppercased()) else {
                    throw GDALError("invalid creation option for a Cloud Optimized GeoTIFF",
                                    messages: ["TILED=\(o.value): its layout is tiled (give COG=NO for a plain GeoTIFF)"])
                }
            case "INTERLEAVE":
                guard o.value.uppercased() == "PIXEL" else {
                    throw GDALError("invalid creation option for a Cloud Optimized GeoTIFF",
                                    messages: ["INTERLEAVE=\(o.value): GDAL's COG driver interleaves by pixel (give COG=NO for a plain GeoTIFF)"])
                }
            case "BLOCKXSIZE", "BLOCKYSIZE": cog.set("BLOCKSIZE", o.value)
            case "ZLEVEL", "ZSTD_LEVEL", "LZMA_PRESET": cog.set("LEVEL", o.value)
            case "JPEG_QUALITY", "WEBP_LEVEL": cog.set("QUALITY", o.value)
            case "PREDICTOR":
                switch o.value.uppercased() {
                case "1", "NO", "NONE": cog.set("PREDICTOR", "NO")
                case "2", "STANDARD": cog.set("PREDICTOR", "STANDARD")
                case "3", "FLOATING_POINT": cog.set("PREDICTOR", "FLOATING_POINT")
                default: cog.set("PREDICTOR", o.value)
                }
            default: cog.set(o.key, o.value)
            }
        }
        cog.set("RESAMPLING", resampling)
        return cog
    }

    /// Copies the multi-band raster `source` to `target` as a band-interleaved COG through GDAL's GeoTIFF driver,
    /// in memory that does not grow with the bands (GDAL 3.6's COG driver has no `INTERLEAVE=BAND`, and its
    /// pixel-interleaved tiles hold every band): `source` copied into `scratch` (a private folder, emptied by the
    /// caller) as a band-interleaved tiled GeoTIFF (DEFLATE level 1), its overviews built there with `resampling`
    /// (factors 2, 4, ... while the level before is larger than a tile, as the COG driver), then copied with
    /// `COPY_SRC_OVERVIEWS=YES`, the layout GDAL >= 3.11's COG driver writes with `INTERLEAVE=BAND` and GDAL's COG
    /// validator accepts (IFDs first, smaller levels first). The options are those of ``copy(_:to:creationOptions:resampling:)``,
    /// checked as there; the tiles are square, `BLOCKXSIZE` (512, the COG driver's default, when not given).
    public static func copyBandInterleaved(_ source: String, to target: String, scratch: String,
                                           creationOptions gtiff: CreationOptions, resampling: String) throws {
        _ = try options(from: gtiff, resampling: resampling)   // the COG's rules: square tiles, tiled
        let tile = gtiff.value("BLOCKXSIZE") ?? gtiff.value("BLOCKYSIZE") ?? "512"
        guard let side = Int(tile), side >= 16, side % 16 == 0 else {
            throw GDALError("invalid creation option for a Cloud Optimized GeoTIFF", messages: ["BLOCKXSIZE=\(tile): expected a multiple of 16"])
        }
        let staged = scratch + "/band-interleaved.tif"
        defer { unlink(staged) }
        // DEFLATE level 1: the scratch copy and its overviews take little disk where the tiles are mostly padding (a thin
        // grid in 512-pixel tiles: 1000 x 1 x 240 months staged 806 MB uncompressed for a 7 MB result).
        try Mosaic.translate(source, to: staged, options: ["-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=\(side)",
                                                           "-co", "BLOCKYSIZE=\(side)", "-co", "INTERLEAVE=BAND",
                                                           "-co", "COMPRESS=DEFLATE", "-co", "ZLEVEL=1", "-co", "BIGTIFF=IF_SAFER"])
        let input = try Dataset.open(source)
        let levels = CloudOptimizedLevels(width: input.width, height: input.height, tile: side)
        try input.close()
        if levels.sizes.count > 1 {
            let ds = try Dataset.open(staged, update: true)
            var factors = (1..<levels.sizes.count).map { Int32(1 << $0) }
            let (status, collector) = GDALErrors.capture(echoWarnings: false) {
                GDALBuildOverviews(ds.liveHandle, resampling, Int32(factors.count), &factors, 0, nil, nil, nil)
            }
            guard status == CE_None, collector.failures.isEmpty else {
                ds.discard()
                throw GDALError("cannot build the overviews of \(target)", messages: collector.failures)
            }
            try ds.close()
        }
        var out = CreationOptions()
        for o in gtiff.pairs where !["BLOCKXSIZE", "BLOCKYSIZE", "TILED", "INTERLEAVE"].contains(o.key.uppercased()) {
            out.set(o.key, o.value)
        }
        for (k, v) in [("TILED", "YES"), ("BLOCKXSIZE", "\(side)"), ("BLOCKYSIZE", "\(side)"), ("INTERLEAVE", "BAND"),
                       ("COPY_SRC_OVERVIEWS", "YES")] { out.set(k, v) }
        if out.value("BIGTIFF") == nil { out.set("BIGTIFF", "IF_SAFER") }
        try out.check(driver: "GTiff")
        try Mosaic.translate(staged, to: target, options: ["-of", "GTiff"] + out.strings.flatMap { ["-co", $0] })
    }

    /// Copies the raster `source` to `target` as a COG with GeoTIFF creation
    /// options `gtiff` (see the type's notes) and overview `resampling`.
    /// Band descriptions, nodata, scale/offset, metadata, colour tables and
    /// raster attribute tables are copied (the last into `target.aux.xml`).
    public static func copy(_ source: String, to target: String, creationOptions gtiff: CreationOptions, resampling: String) throws {
        let cog = try options(from: gtiff, resampling: resampling)
        try cog.check(driver: "COG")
        var arguments = ["-of", "COG"]
        for s in cog.strings { arguments += ["-co", s] }
        try Mosaic.translate(source, to: target, options: arguments)
    }
}
