import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The one place where finished rasters become Cloud Optimized GeoTIFFs
/// (docs/publishing.md): every raster a command publishes (`index`, `stack`,
/// `change`, `ldn`, `warn`, `drought`, `demo`, `tiles merge`) goes through ``write(_:to:userOptions:)``
/// or ``rewrite(_:userOptions:)`` as its last step, after its legend and
/// metadata are attached and before its checksum is taken.
///
/// Rasters are first written as tiled GeoTIFFs window by window (the
/// streamed pipeline), then copied by GDAL's COG driver, which builds the
/// overviews block by block (`NEAREST` for class rasters, recognised by
/// their class table, `AVERAGE` for values) and lays the file out for HTTP
/// range reads. The user's `--co` options are GeoTIFF options, translated by
/// ``CloudOptimizedGeoTIFF/options(from:resampling:)``; `--co COG=NO` opts
/// out and keeps the plain tiled GeoTIFF (no overviews, one pass less).
///
/// The full-resolution pixels are encoded once: a raster bound for a COG is
/// staged as an *uncompressed* tiled GeoTIFF (``stagingOptions(published:userOptions:)``,
/// a `RasterOutputSpec` with storage `.stagedForCOG`), so the COG driver's
/// copy reads it without decoding and does the only encode of every tile
/// (GDAL 3.6 has no raw copy of compressed tiles; before, every tile was
/// DEFLATE-encoded into the staged file, decoded twice and encoded again).
/// The staged file takes the uncompressed size on disk until the copy
/// replaces it (docs/benchmarks.md).
public enum CloudOptimizedOutput {
    /// The pseudo creation option that turns COG layout off (`COG=NO`).
    public static let switchKey = "COG"

    /// Whether `options` ask for a COG (the default); a usage error when
    /// `COG=` is neither YES nor NO.
    public static func isRequested(_ options: CreationOptions) throws -> Bool {
        guard let v = options.value(switchKey) else { return true }
        switch v.uppercased() {
        case "YES", "TRUE", "ON", "1": return true
        case "NO", "FALSE", "OFF", "0": return false
        default: throw KubuqiError(.usage, "--co COG=\(v): expected COG=YES (the default) or COG=NO")
        }
    }

    /// The GeoTIFF options a raster is written with while it is computed, when it is published with
    /// `published` GeoTIFF options by ``write(_:to:userOptions:)`` or ``rewrite(_:userOptions:)`` with
    /// `userOptions`: uncompressed tiles of the published block size and interleaving when a COG is asked
    /// for (the COG driver encodes each tile once), else the published options themselves.
    public static func stagingOptions(published: CreationOptions, userOptions: CreationOptions) -> CreationOptions {
        guard (try? isRequested(userOptions)) ?? false else { return published }
        var staged = uncompressed(like: published)
        if let interleave = published.value("INTERLEAVE") { staged.set("INTERLEAVE", interleave) }
        return staged
    }

    /// Whether an uncompressed staged raster of `bytes` fits comfortably (in half the free space)
    /// in the file system of `path`'s folder. When it does not (a huge declared scene), the raster is
    /// staged with its published, compressed options instead: the same pixels and the same COG, one
    /// more encode, and no "not enough disk space" failure for a file that would fit compressed.
    public static func stagingFits(bytes: Double, at path: String) -> Bool {
        var s = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &s) == 0 else { return false }
        return bytes <= Double(s.f_bavail) * Double(s.f_frsize) / 2
    }

    /// Uncompressed tiled GeoTIFF options with the block size of `options`
    /// (staged and intermediate rasters: written and read without a codec).
    public static func uncompressed(like options: CreationOptions) -> CreationOptions {
        var o = CreationOptions()
        o.set("TILED", "YES")
        o.set("BLOCKXSIZE", options.value("BLOCKXSIZE") ?? "256")
        o.set("BLOCKYSIZE", options.value("BLOCKYSIZE") ?? "256")
        o.set("COMPRESS", "NONE")
        o.set("BIGTIFF", "IF_NEEDED")
        return o
    }

    /// `options` without the ``switchKey`` (the GeoTIFF driver's own options).
    public static func geoTIFFOptions(_ options: CreationOptions) -> CreationOptions {
        var out = CreationOptions()
        for o in options.pairs where o.key.uppercased() != switchKey { out.set(o.key, o.value) }
        return out
    }

    /// The encoding a finished raster was written with (for its default
    /// options): Float32 values, Int16 class codes (it carries a class
    /// table) or scaled Int16 values.
    static func encoding(of band: RasterBand) -> IndexEncoding {
        if band.dataType == .float32 || band.dataType == .float64 { return .float32 }
        return band.categoryNames().isEmpty ? .int16 : .classes
    }

    /// The GeoTIFF driver's option for the ZSTD level of overviews, which sets the level of the COG
    /// driver's temporary (ZSTD) overview file.
    static let temporaryOverviewLevelKey = "ZSTD_LEVEL_OVERVIEW"

    /// GDAL's option for the most bytes of source pixels an overview computation reads at once.
    static let overviewChunkKey = "GDAL_OVR_CHUNK_MAX_SIZE"

    /// The overview chunk of a COG copy: 1 MiB. GDAL's default chunk grows with the raster's width (about
    /// 10 MB of buffers a copy at 2000 x 2000, 19 MB at 4000, heaptrack), and `ldn` copies two layers at once beside its
    /// next period; with 1 MiB a copy's memory is the same at 2000 and 8000 pixels wide, for the same
    /// file (docs/benchmarks.md, "ldn memory from 2000 to 8000 x 8000"). A user's setting wins.
    static let overviewChunkBytes = 1 << 20

    /// Copies the raster `source` to `target` as a COG (or, with `COG=NO`, as a
    /// tiled GeoTIFF) through a private temporary folder beside `target`;
    /// `target` (and its `.aux.xml`) appear only when complete.
    ///
    /// With `averagingRows` (`stack`'s outputs), a multi-band Float32 or Int16 value raster (no class table) whose
    /// published options this writer makes exactly (``averagedLevel(_:options:)``) is laid out from tiles encoded
    /// here on every core from the staged rows, its `AVERAGE` overviews computed as GDAL computes them
    /// (``AveragedTileRows``), instead of GDAL's driver (docs/publishing.md, "COG from the workers' tiles").
    public static func write(_ source: String, to target: String, userOptions: CreationOptions = CreationOptions(),
                             averagingRows: Bool = false) throws {
        let cog = try isRequested(userOptions)
        // The tiles compressed while `source` was computed, if any (TileSpools): deleted once the copy is made either way.
        let spooled = TileSpools.take(source)
        defer { spooled?.discard() }
        let parent = PathNames.parent(target)
        let folder = try SafeFiles.privateFolder(in: parent.isEmpty ? "." : parent, blame: target)
        defer { SafeFiles.removeTree(folder) }
        let temp = folder + "/" + (target as NSString).lastPathComponent
        do {
            // The staged raster opened once: its encoding, whether this writer averages it, and its rows.
            let ds = try Dataset.open(source)
            defer { try? ds.close() }
            let encoding = encoding(of: try ds.band(1))
            let options = geoTIFFOptions(userOptions).over(RasterOutputSpec.defaultCreationOptions(for: encoding))
            let averaged = cog && averagingRows ? try averagedLevel(ds, options: options) : nil
            let bandInterleaved = cog ? try isBandInterleaved(ds, options: options) : false
            if bandInterleaved, let plan = try bandInterleavedLevel(ds, options: options) {
                // Too many bands for pixel-interleaved tiles in bounded memory: band after band (any command).
                try layOutBandInterleaved(ds, to: temp, spool: folder + "/tiles.spool", level: plan.level, nodata: plan.nodata, options: options)
            } else if bandInterleaved {
                // Band after band too, where this writer does not make GDAL's tiles exactly (sizes that do not halve
                // exactly, class rasters, other options): GDAL's GeoTIFF driver with COPY_SRC_OVERVIEWS.
                try GDALEnvironment.withThreadConfig(overviewChunkKey, String(overviewChunkBytes)) {
                    try CloudOptimizedGeoTIFF.copyBandInterleaved(source, to: temp, scratch: folder, creationOptions: options,
                                                                  resampling: CloudOptimizedGeoTIFF.resampling(classes: encoding == .classes))
                }
            } else if cog, let spooled, spooled.spool.isComplete, encoding == .classes, averaged == nil, spooled.averagedNodata == nil,
               TileSpools.level(ofPublished: options) == spooled.spool.encoder.level {
                try layOut(spooled.spool, staged: source, to: temp, options: options)
            } else if let plan = averaged {
                // The tiles averaged and encoded while the raster was written (StagedAveragingFeed), when they are
                // this plan's; else encoded now from the staged rows.
                if let spooled, spooled.spool.isComplete, spooled.averagedNodata == .some(plan.nodata),
                   spooled.spool.encoder.level == plan.level, spooled.spool.encoder.format == (try averagedFormat(ds)) {
                    try layOut(spooled.spool, staged: source, to: temp, options: options)
                } else {
                    try layOutAveraged(ds, to: temp, spool: folder + "/tiles.spool", level: plan.level, nodata: plan.nodata, options: options)
                }
            } else if cog {
                let copy = {
                    try CloudOptimizedGeoTIFF.copy(source, to: temp, creationOptions: options,
                                                   resampling: CloudOptimizedGeoTIFF.resampling(classes: encoding == .classes))
                }
                // The driver's temporary overviews (ZSTD) at ZSTD level 1 instead of GDAL's 9: lossless
                // either way, so the same COG byte for byte, for about a third less CPU in the copy
                // (docs/benchmarks.md). Not when the COG itself is ZSTD: the option would set its overviews' level.
                // The overviews computed in chunks of at most `overviewChunkBytes` (GDAL's default, 10 MB and more, grows
                // with the raster's width): the same COG byte for byte, in memory that does not grow with the grid.
                try GDALEnvironment.withThreadConfig(overviewChunkKey, String(overviewChunkBytes)) {
                    if (options.value("COMPRESS") ?? "").uppercased().contains("ZSTD") {
                        try copy()
                    } else {
                        try GDALEnvironment.withThreadConfig(temporaryOverviewLevelKey, "1", copy)
                    }
                }
            } else {
                try Mosaic.translate(source, to: temp, options: ["-of", "GTiff"] + options.strings.flatMap { ["-co", $0] })
            }
        } catch let e as GDALError {
            throw KubuqiError.output(target, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
        }
        try SafeFiles.renameFinished(temp, onto: target)
        if SafeFiles.entry(temp + ".aux.xml")?.isRegular == true {
            try SafeFiles.renameFinished(temp + ".aux.xml", onto: target + ".aux.xml")
        } else if SafeFiles.entry(target + ".aux.xml")?.isRegular == true {
            unlink(target + ".aux.xml")  // the source's sidecar described the file replaced
        }
    }

    /// The COG of the staged raster `staged` laid out from the tiles of `spool` (compressed while it was computed,
    /// ``TileSpools``, or from its rows, ``layOutAveraged(_:to:spool:level:nodata:options:)``) at `temp`, BigTIFF as
    /// GDAL's driver decides it for `options` and the spool's bytes per pixel; the staged raster's `.aux.xml`
    /// (legend) beside it as GDAL's copy writes it.
    static func layOut(_ spool: CompressedTileSpool, staged: String, to temp: String, options: CreationOptions) throws {
        try CloudOptimizedTileWriter.write(spool, staged: staged, to: temp,
                                           bigTIFF: CloudOptimizedTileWriter.isBigTIFF(option: options.value("BIGTIFF"), levels: spool.levels,
                                                                                       bytesPerPixel: spool.encoder.format.bytesPerPixel * spool.planes))
        if SafeFiles.entry(staged + ".aux.xml")?.isRegular == true {
            try FileManager.default.copyItem(atPath: staged + ".aux.xml", toPath: temp + ".aux.xml")
        }
    }

    /// Rewrites the finished GeoTIFF at `path` in place as a COG; nothing
    /// to do with `COG=NO` (the file is already the tiled GeoTIFF asked for). `averagingRows`: as ``write(_:to:userOptions:averagingRows:)``.
    public static func rewrite(_ path: String, userOptions: CreationOptions = CreationOptions(), averagingRows: Bool = false) throws {
        guard try isRequested(userOptions) else { return }
        try write(path, to: path, userOptions: userOptions, averagingRows: averagingRows)
    }

    /// The most memory the averaging writer may hold in open rows of tiles for one raster
    /// (``AveragedTileRows/stripBytes(_:bytesPerPixel:)``, which grows with the width and the number of bands): a wider
    /// or deeper raster goes through GDAL's driver, whose overviews are computed in 1 MiB chunks, so memory stays
    /// bounded whatever the scene size (stack's 10 Float32 years at 2000 wide hold about 40 MB).
    static let averagingBudgetBytes = 64 << 20

    /// The libdeflate level and Int16 nodata with which ``layOutAveraged(_:to:spool:level:nodata:options:)`` makes
    /// exactly the COG GDAL's driver makes of the raster `ds` with the GeoTIFF `options` and `AVERAGE` overviews;
    /// nil when it does not: another codec, block size or option (``TileSpools/level(ofPublished:predictor:)``:
    /// DEFLATE, predictor 3 for Float32 and 2 for Int16, 256-pixel tiles), bands of another or of mixed types, a
    /// class table, nodata other than NaN on every Float32 band (or none or -32768 on every Int16 band), a level not
    /// exactly half the one before it (``AveragedTileRows/isGDALs(_:)``), open rows of tiles beyond ``averagingBudgetBytes``.
    /// Not when the raster is laid out band after band (``bandInterleavedLevel(_:options:)``).
    static func averagedLevel(_ ds: Dataset, options: CreationOptions) throws -> (level: Int, nodata: Int16?)? {
        guard try !isBandInterleaved(ds, options: options) else { return nil }
        return try averagingPlan(ds, options: options, bytesPerPixel: ds.bandCount * (try ds.band(1).dataType == .float32 ? 4 : 2))
    }

    /// The most bytes of one pixel-interleaved tile (256 x 256 pixels x the bands x the bytes of a sample) of a COG:
    /// a raster whose tiles would be larger is laid out band after band (``bandInterleavedLevel(_:options:)``).
    /// 8 MiB: 32 Float32 or 64 Int16 bands, above `stack`'s yearly rasters (10 to 25 bands, pixel-interleaved as
    /// before, byte for byte) and below `drought`'s SPI layers (240 months and more: 20 years at least) and `stack`'s
    /// monthly periods over 3 years and more. GDAL's COG driver holds about six tiles of every band at a time
    /// (`drought`, 360 Float32 bands of 94 MB tiles: 578 MB peak), so 8 MiB tiles keep it near 50 MB; the open rows of
    /// tiles of ``AveragedTileRows`` grow with the bands too (docs/publishing.md, "Band-interleaved COGs").
    static let pixelInterleavedTileBudgetBytes = 8 << 20

    /// Whether the raster `ds` (its first band's type) is published band after band with the GeoTIFF `options`: its
    /// pixel-interleaved 256 x 256 tile would exceed ``pixelInterleavedTileBudgetBytes``, unless the user asked for
    /// `INTERLEAVE=PIXEL` (then GDAL's driver writes it as before, in memory that grows with the bands).
    static func isBandInterleaved(_ ds: Dataset, options: CreationOptions) throws -> Bool {
        guard options.value("INTERLEAVE")?.uppercased() != "PIXEL" else { return false }
        let sample = try ds.band(1).dataType.byteSize
        return 256 * 256 * sample * ds.bandCount > pixelInterleavedTileBudgetBytes
    }

    /// The libdeflate level and Int16 nodata with which ``layOutBandInterleaved(_:to:spool:level:nodata:options:)``
    /// writes the raster `ds` band after band (``isBandInterleaved(_:options:)``), its pixels and overviews those of GDAL's COG
    /// driver with `options` and `AVERAGE` overviews; nil when it does not make them exactly (as
    /// ``averagedLevel(_:options:)``, one band's open rows of tiles within ``averagingBudgetBytes``): then GDAL's GeoTIFF
    /// driver writes it band-interleaved (``CloudOptimizedGeoTIFF/copyBandInterleaved(_:to:scratch:creationOptions:resampling:)``).
    static func bandInterleavedLevel(_ ds: Dataset, options: CreationOptions) throws -> (level: Int, nodata: Int16?)? {
        guard try isBandInterleaved(ds, options: options) else { return nil }
        return try averagingPlan(ds, options: options, bytesPerPixel: try ds.band(1).dataType == .float32 ? 4 : 2)
    }

    /// The plan of ``averagedLevel(_:options:)`` and ``bandInterleavedLevel(_:options:)``, its open rows of tiles of
    /// `bytesPerPixel` within ``averagingBudgetBytes``.
    static func averagingPlan(_ ds: Dataset, options: CreationOptions, bytesPerPixel: Int) throws -> (level: Int, nodata: Int16?)? {
        let first = try ds.band(1)
        let float = first.dataType == .float32
        let levels = CloudOptimizedLevels(width: ds.width, height: ds.height)
        guard float || first.dataType == .int16, AveragedTileRows.isGDALs(levels),
              AveragedTileRows.stripBytes(levels, bytesPerPixel: bytesPerPixel) <= averagingBudgetBytes,
              let level = TileSpools.level(ofPublished: options, predictor: float ? 3 : 2) else { return nil }
        let nodata = first.nodata
        for b in 1...ds.bandCount {
            let band = try ds.band(b)
            guard band.dataType == first.dataType, band.categoryNames().isEmpty else { return nil }
            let v = band.nodata
            if float {
                guard let v, v.isNaN else { return nil }
            } else {
                guard v == nodata, v == nil || v == -32768 else { return nil }
            }
        }
        return (level, float ? nil : nodata.map { Int16($0) })
    }

    /// The tile format of the averaged COG of `ds`: its bands interleaved by pixel, Float32 or Int16.
    static func averagedFormat(_ ds: Dataset) throws -> TileSampleFormat {
        TileSampleFormat(try ds.band(1).dataType == .float32 ? .float32 : .int16, samplesPerPixel: ds.bandCount)
    }

    /// Lays out the COG of the staged raster `ds` at `temp` from tiles encoded here (``AveragedTileRows`` into a
    /// ``CompressedTileSpool`` at `spool`, deleted after): its rows read a row of tiles at a time, pixel-interleaved,
    /// then ``layOut(_:staged:to:options:)``.
    static func layOutAveraged(_ ds: Dataset, to temp: String, spool path: String, level: Int, nodata: Int16?,
                               options: CreationOptions) throws {
        let format = try averagedFormat(ds)
        let spool = try CompressedTileSpool(path: path, width: ds.width, height: ds.height, level: level, format: format)
        defer { spool.remove() }
        let rows = AveragedTileRows(spool, nodata: nodata)
        let t = spool.levels.tile
        for y in stride(from: 0, to: ds.height, by: t) {
            let w = Window(column: 0, row: y, width: ds.width, height: min(t, ds.height - y))
            try rows.addRows(w.height) { try ds.readInterleaved(w, float: format.type == .float32, into: $0) }
        }
        try layOut(spool, staged: ds.path, to: temp, options: options)
    }

    /// Lays out the COG of the staged raster `ds` at `temp` band after band (``bandInterleavedLevel(_:options:)``): a
    /// ``CompressedTileSpool`` of one plane per band at `spool` (deleted after), each band's rows read a row of tiles
    /// at a time into its own ``AveragedTileRows`` (one band's open rows of tiles in memory at a time, whatever the
    /// number of bands), then ``layOut(_:staged:to:options:)`` (`PlanarConfiguration=2`).
    static func layOutBandInterleaved(_ ds: Dataset, to temp: String, spool path: String, level: Int, nodata: Int16?,
                                      options: CreationOptions) throws {
        let float = try ds.band(1).dataType == .float32
        let spool = try CompressedTileSpool(path: path, width: ds.width, height: ds.height, level: level,
                                            format: TileSampleFormat(float ? .float32 : .int16), planes: ds.bandCount)
        defer { spool.remove() }
        let t = spool.levels.tile
        for b in 0..<ds.bandCount {
            let band = try ds.band(b + 1)
            let rows = AveragedTileRows(spool, nodata: nodata, plane: b)
            for y in stride(from: 0, to: ds.height, by: t) {
                let w = Window(column: 0, row: y, width: ds.width, height: min(t, ds.height - y))
                try rows.addRows(w.height) { buffer in
                    if float {
                        try band.read(w, into: buffer.bindMemory(to: Float.self))
                    } else {
                        try band.read16(w, into: buffer, unsigned: false)
                    }
                }
            }
        }
        try layOut(spool, staged: ds.path, to: temp, options: options)
    }

    /// Checks, before any work, that `options` can make a COG of each
    /// encoding: a trial copy of a small raster in memory; an output error
    /// naming `output` and the option.
    static func check(_ options: CreationOptions, output: String, trial: String, encoding: IndexEncoding) throws {
        guard try isRequested(options) else { return }
        let gtiff = geoTIFFOptions(options).over(RasterOutputSpec.defaultCreationOptions(for: encoding))
        let target = trial + ".cog.tif"
        defer { Dataset.removeFile(target) }
        do {
            try CloudOptimizedGeoTIFF.copy(trial, to: target, creationOptions: gtiff,
                                           resampling: CloudOptimizedGeoTIFF.resampling(classes: encoding == .classes))
        } catch let e as GDALError {
            var text = e.messages.isEmpty ? e.context : e.messages.joined(separator: "; ")
            text = text.replacingOccurrences(of: #"/vsimem/kubuqi-creation-options-[^:]*: ?"#, with: "", options: .regularExpression)
            throw KubuqiError.output(output, "--co: " + text)
        }
    }
}
