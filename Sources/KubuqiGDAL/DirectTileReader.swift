import CDeflate
import CTIFF
import Foundation
import KubuqiRaster

/// Windows of a plain tiled GeoTIFF band of 16-bit samples decoded by us instead of through GDAL's `RasterIO`:
/// each tile's raw bytes read through libtiff (`TIFFReadRawTile`, on its own read-only handle, no memory map),
/// inflated whole with libdeflate, TIFF predictor 2 undone by ``undoHorizontalPredictor(_:count:)``, and the
/// window's part copied out; the same values as GDAL's, which decodes the same bytes with the same libraries
/// (libtiff inflates a whole tile with libdeflate; a part of a tile, which GDAL asks for in the bottom row of
/// tiles of a height that is not a multiple of the tile's, with zlib: the same bytes, slower).
///
/// Taken only for files where that is plainly so (``read(_:into:)`` returns false otherwise and the caller reads
/// through GDAL; the values are the same either way): GDAL's `GTiff` driver on a local file, one band, band 1,
/// `Int16` or `UInt16`; libtiff's view of the first directory: tiled, the host's byte order, 16 bits, one sample,
/// the sample format of GDAL's type, no compression or DEFLATE (8 or 32946), predictor 1 or 2, the dataset's size
/// and GDAL's block size; and every tile the window touches present (a tile of offset or size 0, which GDAL fills
/// with nodata, sends the file to GDAL from then on).
///
/// Errors (a tile that cannot be read in full, or does not inflate to a whole tile) are ``GDALError``s whose
/// message names the tile and the file, as libtiff's own would for GDAL.
///
/// One reader is used from one thread at a time (as its ``Dataset``); its libtiff handle opens on the first read.
public final class DirectTileReader: @unchecked Sendable {
    /// The file read.
    public let path: String
    private let width: Int, height: Int, block: (width: Int, height: Int), unsigned: Bool
    private var state: State = .unopened
    /// The last tile decoded (its index, -1 for none; its inflated samples, the predictor's differences, are the decoder's `tile`).
    private var cached = -1

    private enum State {
        case unopened
        case refused
        case open(Decoder)
    }

    /// A reader of `band`, or nil when GDAL's view alone rules the fast path out (another driver, a
    /// virtual file system path, several bands, not a 16-bit type).
    public init?(_ band: RasterBand) {
        let ds = band.dataset
        guard ds.driverName == "GTiff", ds.bandCount == 1, band.index == 1, !ds.path.hasPrefix("/vsi"),
              band.dataType == .int16 || band.dataType == .uint16 else { return nil }
        var st = stat()
        guard stat(ds.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        path = ds.path
        width = ds.width
        height = ds.height
        block = band.blockSize
        unsigned = band.dataType == .uint16
    }

    /// Whether the file was found to take the fast path (after the first ``read(_:into:)``; false before).
    public var isDirect: Bool { if case .open = state { return true } else { return false } }

    /// Reads window `w` in the band's 16-bit type into `raw` (at least `2 * w.pixelCount` bytes, row-major), as
    /// GDAL's `RasterIO` would; false when the file or a tile of the window does not take the fast path (nothing
    /// usable written: read the window through GDAL).
    /// - Throws: ``GDALError`` for a tile that cannot be read or inflated, or a file libtiff cannot open.
    public func read(_ w: Window, into raw: UnsafeMutableRawBufferPointer) throws -> Bool {
        precondition(raw.count >= 2 * w.pixelCount, "buffer smaller than the window")
        guard w.pixelCount > 0 else { return true }
        let d: Decoder
        switch state {
        case .refused: return false
        case .open(let o): d = o
        case .unopened:
            guard let o = try Decoder(path: path, width: width, height: height, block: block, unsigned: unsigned) else {
                state = .refused
                return false
            }
            state = .open(o)
            d = o
        }
        let (tw, th) = block
        let out = raw.baseAddress!
        let firstRow = w.row / th, lastRow = (w.row + w.height - 1) / th
        let firstColumn = w.column / tw, lastColumn = (w.column + w.width - 1) / tw
        // Every tile present before any is decoded (a sparse tile sends the file to GDAL).
        for ty in firstRow...lastRow {
            for tx in firstColumn...lastColumn where !d.present(ty * d.tilesAcross + tx) {
                state = .refused
                return false
            }
        }
        for ty in firstRow...lastRow {
            for tx in firstColumn...lastColumn {
                let t = ty * d.tilesAcross + tx
                if cached != t {
                    cached = -1
                    try d.decode(t)
                    cached = t
                }
                // The part of tile (tx, ty) inside the window, predictor 2 undone as it is copied out.
                let x0 = max(w.column, tx * tw), x1 = min(w.column + w.width, (tx + 1) * tw)
                let y0 = max(w.row, ty * th), y1 = min(w.row + w.height, (ty + 1) * th)
                let skip = x0 - tx * tw, count = x1 - x0
                for y in y0..<y1 {
                    let from = d.tile.baseAddress! + (y - ty * th) * tw
                    let to = (out + 2 * ((y - w.row) * w.width + (x0 - w.column))).assumingMemoryBound(to: UInt16.self)
                    if d.predicted {
                        Self.undoHorizontalPredictor(from, skipping: skip, count: count, into: to)
                    } else {
                        to.update(from: from + skip, count: count)
                    }
                }
            }
        }
        return true
    }

    /// TIFF predictor 2 undone on one row of 16-bit samples (TIFF 6.0 §14: each sample is its difference from the
    /// sample to its left, modulo 2^16, the first the sample itself): a running sum modulo 2^16 from the row's first
    /// sample; the sums of samples `skip..<skip + count` are written to `out`. Eight samples at a time: the prefix
    /// sums within eight lanes in three shifted additions, then the previous sum added to every lane (the same sums
    /// modulo 2^16, in another order).
    public static func undoHorizontalPredictor(_ row: UnsafePointer<UInt16>, skipping skip: Int, count: Int,
                                               into out: UnsafeMutablePointer<UInt16>) {
        typealias Lanes = SIMD8<UInt16>
        var acc: UInt16 = 0
        for i in 0..<skip { acc &+= row[i] }
        let from = UnsafeRawPointer(row + skip), to = UnsafeMutableRawPointer(out)
        var i = 0
        // The running sum kept in every lane of a vector (a broadcast of lane 7: shuffles, no trip through a
        // general register), so the loop carries one addition and one shuffle per eight samples.
        var carry = Lanes(repeating: acc)
        while i + 8 <= count {
            var v = (from + 2 * i).loadUnaligned(as: Lanes.self)
            v &+= Lanes(0, v[0], v[1], v[2], v[3], v[4], v[5], v[6])
            v &+= Lanes(0, 0, v[0], v[1], v[2], v[3], v[4], v[5])
            v &+= Lanes(0, 0, 0, 0, v[0], v[1], v[2], v[3])
            v &+= carry
            (to + 2 * i).storeBytes(of: v, as: Lanes.self)
            carry = Lanes(v[7], v[7], v[7], v[7], v[7], v[7], v[7], v[7])
            i += 8
        }
        acc = carry[0]
        while i < count {
            acc &+= row[skip + i]
            out[i] = acc
            i += 1
        }
    }

    /// The libtiff handle, the libdeflate decompressor and the buffers of a file that takes the fast path.
    private final class Decoder {
        let tiff: TIFFHandle
        let tilesAcross: Int
        let tileBytes: Int
        let deflated: Bool, predicted: Bool
        let block: (width: Int, height: Int)
        let tile: UnsafeMutableBufferPointer<UInt16>
        private var compressed: UnsafeMutableRawBufferPointer
        private let inflater: OpaquePointer

        /// Opens `path` with libtiff; nil when its first directory is not what the fast path decodes.
        init?(path: String, width: Int, height: Int, block: (width: Int, height: Int), unsigned: Bool) throws {
            let t: TIFFHandle
            do { t = try TIFFHandle(path: path, mode: "rm") } catch let e as GDALError {
                // One message line, as the reads' errors (the caller quotes the messages).
                throw GDALError(e.context, messages: ["libtiff cannot open \(path)" + (e.messages.isEmpty ? "" : ": " + e.messages.joined(separator: "; "))])
            }
            func tag(_ tag: UInt32, bits: Int) -> Int? {
                var v32: UInt32 = 0
                let found = withUnsafeMutablePointer(to: &v32) { p in withVaList([p]) { TIFFVGetFieldDefaulted(t.tif, tag, $0) } }
                guard found == 1 else { return nil }
                return bits == 16 ? Int(UInt16(truncatingIfNeeded: v32)) : Int(v32)
            }
            guard TIFFIsTiled(t.tif) != 0, TIFFIsByteSwapped(t.tif) == 0,
                  tag(UInt32(TIFFTAG_IMAGEWIDTH), bits: 32) == width, tag(UInt32(TIFFTAG_IMAGELENGTH), bits: 32) == height,
                  tag(UInt32(TIFFTAG_TILEWIDTH), bits: 32) == block.width, tag(UInt32(TIFFTAG_TILELENGTH), bits: 32) == block.height,
                  tag(UInt32(TIFFTAG_BITSPERSAMPLE), bits: 16) == 16, tag(UInt32(TIFFTAG_SAMPLESPERPIXEL), bits: 16) == 1,
                  tag(UInt32(TIFFTAG_SAMPLEFORMAT), bits: 16) == Int(unsigned ? SAMPLEFORMAT_UINT : SAMPLEFORMAT_INT),
                  let compression = tag(UInt32(TIFFTAG_COMPRESSION), bits: 16),
                  [COMPRESSION_NONE, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE].map(Int.init).contains(compression),
                  // (libtiff knows a predictor only for a codec that takes one.)
                  let predictor = compression == Int(COMPRESSION_NONE) ? Int(PREDICTOR_NONE) : tag(UInt32(TIFFTAG_PREDICTOR), bits: 16),
                  predictor == Int(PREDICTOR_NONE) || predictor == Int(PREDICTOR_HORIZONTAL),
                  let inflater = libdeflate_alloc_decompressor()
            else {
                t.close()
                return nil
            }
            tiff = t
            self.block = block
            tilesAcross = (width + block.width - 1) / block.width
            tileBytes = 2 * block.width * block.height
            deflated = compression != Int(COMPRESSION_NONE)
            predicted = predictor == Int(PREDICTOR_HORIZONTAL)
            tile = .allocate(capacity: block.width * block.height)
            compressed = .allocate(byteCount: 0, alignment: 16)
            self.inflater = inflater
        }

        deinit {
            tiff.close()
            libdeflate_free_decompressor(inflater)
            tile.deallocate()
            compressed.deallocate()
        }

        /// Whether tile `t` is stored as the fast path reads it: GDAL fills a tile of offset or size 0 with nodata,
        /// and reads only the rows it needs of an uncompressed tile stored short; both are left to GDAL.
        func present(_ t: Int) -> Bool {
            let stored = TIFFGetStrileByteCount(tiff.tif, UInt32(t))
            return TIFFGetStrileOffset(tiff.tif, UInt32(t)) != 0 && stored != 0 && (deflated || stored >= UInt64(tileBytes))
        }

        /// Decodes tile `t` into `tile` (inflated; with predictor 2, the differences).
        func decode(_ t: Int) throws {
            let stored = Int(TIFFGetStrileByteCount(tiff.tif, UInt32(t)))
            if !deflated {
                try readRaw(t, into: UnsafeMutableRawPointer(tile.baseAddress!), count: tileBytes)
                return
            }
            if compressed.count < stored {
                compressed.deallocate()
                compressed = .allocate(byteCount: stored, alignment: 16)
            }
            try readRaw(t, into: compressed.baseAddress!, count: stored)
            // As libtiff (4.5) inflating a whole tile with libdeflate: more data than the tile is accepted, less is an error.
            let result = libdeflate_zlib_decompress(inflater, compressed.baseAddress!, stored, tile.baseAddress!, tileBytes, nil)
            guard result == LIBDEFLATE_SUCCESS || result == LIBDEFLATE_INSUFFICIENT_SPACE else {
                throw failure(t, "does not inflate to a tile (DEFLATE data corrupt or short)")
            }
        }

        /// Reads `count` raw bytes of tile `t` (its stored size or more) into `buffer`.
        private func readRaw(_ t: Int, into buffer: UnsafeMutableRawPointer, count: Int) throws {
            let read = Int(TIFFReadRawTile(tiff.tif, UInt32(t), buffer, tmsize_t(count)))
            guard read >= 0, read >= min(count, Int(TIFFGetStrileByteCount(tiff.tif, UInt32(t)))) else {
                throw failure(t, "cannot be read in full" + (tiff.messages.lines.isEmpty ? "" : " (" + tiff.messages.lines.joined(separator: "; ") + ")"))
            }
        }

        func failure(_ t: Int, _ what: String) -> GDALError {
            GDALError("cannot decode \(tiff.path)", messages: ["tile \(t) of \(tiff.path) \(what)"])
        }
    }
}
