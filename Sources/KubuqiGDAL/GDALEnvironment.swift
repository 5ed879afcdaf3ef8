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
        // Messages raised outside ``GDALErrors/capture`` (GDAL's own worker
        // threads, e.g. the compression threads meeting a full disk) would be
        // printed as extra `ERROR 1: ...` lines; the failure reaches the tool
        // through the call's result, so only warnings are shown, on one line.
        CPLSetErrorHandler { cls, _, message in
            guard cls == CE_Warning, let message else { return }
            Diagnostics.warn("GDAL: " + String(cString: message))
        }
        for (key, value) in untrustedInputSettings where CPLGetConfigOption(key, nil) == nil {
            CPLSetConfigOption(key, value)
        }
    }()

    /// GDAL settings for inputs downloaded from anywhere, applied unless the
    /// environment or `--gdal-config` sets them: a VRT may not read a raw file
    /// (`VRTRawRasterBand` over `/etc/passwd` would turn its bytes into pixels)
    /// nor run Python; a remote read (only when the user names a `/vsicurl/`
    /// path or URL) gives up after 30 s without a connection or 60 s without data.
    public static let untrustedInputSettings: [(String, String)] = [
        ("GDAL_VRT_ENABLE_RAWRASTERBAND", "NO"),
        ("GDAL_VRT_ENABLE_PYTHON", "NO"),
        ("GDAL_HTTP_CONNECTTIMEOUT", "30"),
        ("GDAL_HTTP_TIMEOUT", "60"),
        ("GDAL_HTTP_LOW_SPEED_TIME", "60"),
        ("GDAL_HTTP_LOW_SPEED_LIMIT", "1"),
        ("GDAL_HTTP_MAX_RETRY", "0"),
    ]

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

    /// Runs `body` with GDAL's block cache lowered to at most `bytes` (process-wide), restored
    /// afterwards; unchanged when the user set `GDAL_CACHEMAX` (environment or `--gdal-config`).
    /// For streamed passes whose windows are whole input and output blocks, where no block is
    /// read twice and a larger cache only holds blocks already used (`stack`).
    public static func withBlockCacheLimit<T>(_ bytes: Int64, _ body: () throws -> T) rethrows -> T {
        initialize()
        guard CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil else { return try body() }
        let before = GDALGetCacheMax64()
        GDALSetCacheMax64(min(before, bytes))
        defer { GDALSetCacheMax64(before) }
        return try body()
    }

    /// Runs `body` with a GDAL configuration option set for the calling thread
    /// only, unless the option is already set (environment, `--gdal-config`).
    public static func withThreadConfig<T>(_ key: String, _ value: String, _ body: () throws -> T) rethrows -> T {
        guard config(key) == nil else { return try body() }
        CPLSetThreadLocalConfigOption(key, value)
        defer { CPLSetThreadLocalConfigOption(key, nil) }
        return try body()
    }

    /// The value of a GDAL configuration option (from the environment,
    /// `--gdal-config` or the tool's defaults), nil when unset.
    public static func config(_ key: String) -> String? {
        initialize()
        return CPLGetConfigOption(key, nil).map { String(cString: $0) }
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
