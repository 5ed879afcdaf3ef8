import CGDAL
import Foundation

/// Process-wide GDAL set-up: drivers, the block cache and `--gdal-config` options.
public enum GDALEnvironment {
    private static let once: Void = {
        GDALAllRegister()
        // GDAL's default cache is 5 % of RAM (1.2 GB on a 24 GB machine): far
        // more than streaming needs. 64 MB keeps memory bounded (one strip of output tiles needs ~22 MB); users may
        // raise it with --gdal-config GDAL_CACHEMAX.
        if CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil {
            GDALSetCacheMax64(64 * 1024 * 1024)
        }
        // GDAL's own messages are routed through ``GDALErrors``; outside those
        // calls, keep GDAL's default handler quiet about debug output.
        CPLSetConfigOption("CPL_DEBUG", "OFF")
    }()

    /// Registers GDAL's drivers once per process; safe to call repeatedly.
    public static func initialize() { _ = once }

    /// Sets a GDAL configuration option (as `gdal_translate --config KEY VALUE`).
    public static func setConfig(_ key: String, _ value: String) {
        initialize()
        CPLSetConfigOption(key, value)
        if key == "GDAL_CACHEMAX" {
            // The cache size is read once at start; apply a later change too.
            if value.hasSuffix("%") || value.hasSuffix("MB") || value.hasSuffix("GB") {
                return
            }
            if let mb = Int64(value) {
                GDALSetCacheMax64(mb < 100_000 ? mb * 1024 * 1024 : mb)
            }
        }
    }

    /// The GDAL release, e.g. `3.6.2`.
    public static var version: String {
        String(cString: GDALVersionInfo("RELEASE_NAME"))
    }

    /// Whether a GDAL driver of that short name is available.
    public static func hasDriver(_ name: String) -> Bool {
        initialize()
        return GDALGetDriverByName(name) != nil
    }
}
