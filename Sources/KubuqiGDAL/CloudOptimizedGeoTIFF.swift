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
