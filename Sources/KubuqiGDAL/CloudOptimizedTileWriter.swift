import CTIFF
import Foundation

/// Lays out a Cloud Optimized GeoTIFF from the tiles of a ``CompressedTileSpool`` with libtiff, as GDAL 3.6's COG
/// driver lays out its own (docs/publishing.md, "COG from the workers' tiles"), so that the only work left when
/// the raster is complete is copying bytes:
///
/// 1. The TIFF header, then GDAL's structural metadata ("ghost area": `LAYOUT=IFDS_BEFORE_DATA`,
///    `BLOCK_ORDER=ROW_MAJOR`, `BLOCK_LEADER=SIZE_AS_UINT4`, `BLOCK_TRAILER=LAST_4_BYTES_REPEATED`,
///    `KNOWN_INCOMPATIBLE_EDITION=NO`), byte for byte GDAL's, which GDAL reads back as `LAYOUT=COG`.
/// 2. Every IFD, full resolution first then the overviews (`SubfileType=1`), each written with its tile arrays
///    deferred (`TIFFDeferStrileArrayWriting`, `TIFFWriteCheck`, `TIFFWriteDirectory`); then the arrays of each
///    (`TIFFSetDirectory`, `TIFFForceStrileArrayWriting`), still before any tile data.
/// 3. The tiles, smallest overview first and full resolution last, row-major within a level, each preceded by
///    its byte count (4 bytes, little-endian) and followed by its last 4 bytes again (`TIFFWriteRawTile`; the
///    arrays are rewritten in place by `TIFFFlush` after each level).
///
/// Tags: the spool's ``TileSampleFormat`` (16-bit signed samples with predictor 2, or 32-bit floats with predictor 3;
/// one band, or several interleaved by pixel with `ExtraSamples` 0 for all but the first, as GDAL writes them; or, for
/// a spool of ``CompressedTileSpool/planes``, the bands stored one after the other, `PlanarConfiguration=2`, each
/// level's tiles band after band as GDAL's GeoTIFF driver writes `INTERLEAVE=BAND` with `COPY_SRC_OVERVIEWS=YES`),
/// Adobe DEFLATE (8), 256 x 256 tiles, MinIsBlack; the
/// georeferencing (ModelPixelScale, ModelTiepoint, ModelTransformation, GeoKeyDirectory, GeoDoubleParams,
/// GeoAsciiParams) and GDAL's `GDAL_METADATA` copied from the staged file GDAL wrote, `GDAL_NODATA` on every
/// level, as GDAL writes them. The staged file's `.aux.xml` (legends) is the caller's to copy.
public enum CloudOptimizedTileWriter {
    /// GDAL's structural metadata after the header (140 bytes after its size line), byte for byte.
    static let ghostArea = "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n"
        + "BLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n "

    /// The tags copied from the staged file to the full-resolution IFD.
    static let copiedTags: [UInt32] = [33550, 33922, 34264, 34735, 34736, 34737, 42112]
    /// GDAL's nodata tag, on every level.
    static let nodataTag: UInt32 = 42113

    /// Whether a COG of `levels` with BIGTIFF option `option` (YES, NO, IF_NEEDED, IF_SAFER; nil = IF_NEEDED) is a
    /// BigTIFF, as GDAL's GeoTIFF driver decides for a compressed copy with its overviews: YES/NO as said;
    /// IF_SAFER when the uncompressed pixels of every level (`bytesPerPixel` each) exceed 2 GB; IF_NEEDED never (compressed).
    public static func isBigTIFF(option: String?, levels: CloudOptimizedLevels, bytesPerPixel: Int = 2) -> Bool {
        switch (option ?? "IF_NEEDED").uppercased() {
        case "YES", "TRUE", "ON", "1": return true
        case "IF_SAFER":
            let bytes = levels.sizes.reduce(0.0) { $0 + Double($1.width) * Double($1.height) * Double(bytesPerPixel) }
            return bytes > 2_000_000_000
        default: return false
        }
    }

    /// Writes the COG of the tiles in `spool` to the new file `target` (created with `O_EXCL | O_NOFOLLOW`), its
    /// tags from the GeoTIFF `staged` (the same raster, its bands of the spool's type, written by GDAL), a BigTIFF when
    /// `bigTIFF`.
    public static func write(_ spool: CompressedTileSpool, staged: String, to target: String, bigTIFF: Bool) throws {
        guard spool.isComplete else {
            throw GDALError("the tile spool of \(staged) is incomplete", messages: spool.unusableReason.map { [$0] } ?? [])
        }
        let tags = try stagedTags(staged, levels: spool.levels, format: spool.encoder.format, planes: spool.planes)
        let fd = open(target, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw GDALError("cannot create \(target)", messages: [String(cString: strerror(errno))]) }
        let out: TIFFHandle
        do { out = try TIFFHandle(path: target, mode: bigTIFF ? "w8l" : "wl", fd: fd) } catch { close(fd); throw error }
        defer { out.close() }
        try writeGhostArea(fd: fd, headerSize: bigTIFF ? 16 : 8, out)
        try writeDirectories(out, levels: spool.levels, format: spool.encoder.format, planes: spool.planes, tags: tags)
        for level in 0..<spool.levels.count {
            try out.check(TIFFSetDirectory(out.tif, UInt32(level)), "cannot reread IFD \(level)")
            try out.check(TIFFForceStrileArrayWriting(out.tif), "cannot write the tile arrays of IFD \(level)")
        }
        for level in (0..<spool.levels.count).reversed() {
            try out.check(TIFFSetDirectory(out.tif, UInt32(level)), "cannot reread IFD \(level)")
            let t = spool.levels.sizes[level].tiles(spool.levels.tile)
            for index in 0..<(t.across * t.down * spool.planes) {
                try writeTile(try spool.tile(level: level, index: index), index: index, fd: fd, out)
            }
            try out.check(TIFFFlush(out.tif), "cannot update the tile arrays of IFD \(level)")
        }
    }

    /// The staged file's tags to copy, after checking it is the spool's raster (size, bands and their type).
    static func stagedTags(_ staged: String, levels: CloudOptimizedLevels, format: TileSampleFormat = .int16,
                           planes: Int = 1) throws -> [(UInt32, TIFFHandle.FieldValue)] {
        let source = try TIFFHandle(path: staged, mode: "r")
        defer { source.close() }
        let size = levels.sizes[0]
        guard source.integer(UInt32(TIFFTAG_IMAGEWIDTH), bits: 32) == size.width, source.integer(UInt32(TIFFTAG_IMAGELENGTH), bits: 32) == size.height,
              source.integer(UInt32(TIFFTAG_BITSPERSAMPLE), bits: 16) == 8 * format.bytesPerSample,
              source.integer(UInt32(TIFFTAG_SAMPLEFORMAT), bits: 16) == Int(sampleFormat(format)),
              (source.integer(UInt32(TIFFTAG_SAMPLESPERPIXEL), bits: 16) ?? 1) == format.samplesPerPixel * planes else {
            let bands = format.samplesPerPixel * planes
            throw source.error("the staged raster is not the spool's \(size.width) x \(size.height) raster of \(bands) "
                + (format.type == .int16 ? "Int16" : "Float32") + " band\(bands == 1 ? "" : "s")")
        }
        return (copiedTags + [nodataTag]).compactMap { tag in source.field(tag).map { (tag, $0) } }
    }

    /// The TIFF `SampleFormat` of `format`'s samples.
    static func sampleFormat(_ format: TileSampleFormat) -> Int32 {
        format.type == .int16 ? Int32(SAMPLEFORMAT_INT) : Int32(SAMPLEFORMAT_IEEEFP)
    }

    /// GDAL's structural metadata right after the header (libtiff has written the header; the first IFD goes after).
    static func writeGhostArea(fd: Int32, headerSize: Int, _ out: TIFFHandle) throws {
        let bytes = Array(ghostArea.utf8)
        let n = pwrite(fd, bytes, bytes.count, off_t(headerSize))
        guard n == bytes.count else { throw out.error("cannot write the structural metadata") }
    }

    /// Every level's IFD, tile arrays deferred.
    static func writeDirectories(_ out: TIFFHandle, levels: CloudOptimizedLevels, format: TileSampleFormat = .int16, planes: Int = 1,
                                 tags: [(UInt32, TIFFHandle.FieldValue)]) throws {
        let samples = format.samplesPerPixel * planes
        let extra = [UInt16](repeating: 0, count: samples - 1)   // EXTRASAMPLE_UNSPECIFIED
        for (level, size) in levels.sizes.enumerated() {
            if level > 0 { try out.set(UInt32(TIFFTAG_SUBFILETYPE), [UInt32(FILETYPE_REDUCEDIMAGE)]) }
            try out.set(UInt32(TIFFTAG_IMAGEWIDTH), [UInt32(size.width)])
            try out.set(UInt32(TIFFTAG_IMAGELENGTH), [UInt32(size.height)])
            try out.set(UInt32(TIFFTAG_BITSPERSAMPLE), 8 * format.bytesPerSample)
            try out.set(UInt32(TIFFTAG_COMPRESSION), Int(COMPRESSION_ADOBE_DEFLATE))
            try out.set(UInt32(TIFFTAG_PHOTOMETRIC), Int(PHOTOMETRIC_MINISBLACK))
            try out.set(UInt32(TIFFTAG_SAMPLESPERPIXEL), samples)
            if !extra.isEmpty { try extra.withUnsafeBufferPointer { try out.set(UInt32(TIFFTAG_EXTRASAMPLES), [Int32(extra.count), $0.baseAddress!]) } }
            try out.set(UInt32(TIFFTAG_PLANARCONFIG), Int(planes == 1 ? PLANARCONFIG_CONTIG : PLANARCONFIG_SEPARATE))
            try out.set(UInt32(TIFFTAG_PREDICTOR), format.predictor)
            try out.set(UInt32(TIFFTAG_TILEWIDTH), [UInt32(levels.tile)])
            try out.set(UInt32(TIFFTAG_TILELENGTH), [UInt32(levels.tile)])
            try out.set(UInt32(TIFFTAG_SAMPLEFORMAT), Int(sampleFormat(format)))
            for (tag, value) in tags where level == 0 || tag == nodataTag { try out.set(tag, value) }
            try out.check(TIFFDeferStrileArrayWriting(out.tif), "cannot defer the tile arrays of IFD \(level)")
            try out.check(TIFFWriteCheck(out.tif, 1, "CloudOptimizedTileWriter"), "cannot prepare IFD \(level)")
            try out.check(TIFFWriteDirectory(out.tif), "cannot write IFD \(level)")
        }
    }

    /// One tile at the end of the file: its byte count, the tile (`TIFFWriteRawTile`), its last 4 bytes again.
    static func writeTile(_ bytes: [UInt8], index: Int, fd: Int32, _ out: TIFFHandle) throws {
        precondition(bytes.count >= 4, "a zlib stream has at least 6 bytes")
        var leader = UInt32(bytes.count).littleEndian
        try append(withUnsafeBytes(of: &leader) { Array($0) }, fd: fd, out)
        let written = bytes.withUnsafeBytes { TIFFWriteRawTile(out.tif, UInt32(index), UnsafeMutableRawPointer(mutating: $0.baseAddress), tmsize_t($0.count)) }
        guard written == tmsize_t(bytes.count) else { throw out.error("cannot write tile \(index)") }
        try append(Array(bytes.suffix(4)), fd: fd, out)
    }

    /// Appends `bytes` at the end of the file.
    static func append(_ bytes: [UInt8], fd: Int32, _ out: TIFFHandle) throws {
        var s = stat()
        guard fstat(fd, &s) == 0, pwrite(fd, bytes, bytes.count, s.st_size) == bytes.count else {
            throw out.error("cannot write a tile's leader or trailer (\(String(cString: strerror(errno))))")
        }
    }
}
