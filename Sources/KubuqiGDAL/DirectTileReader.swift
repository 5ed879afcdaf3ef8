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
/// and GDAL's block size; the same file (device and inode) as when the reader was made, after GDAL opened it
/// (a path replaced in between is GDAL's: its handle reads the old file); and every tile the window touches present
/// (a tile of offset or size 0, which GDAL fills with nodata, sends the file to GDAL from then on).
///
/// Errors (a tile that cannot be read in full, or does not inflate to a whole tile) are ``GDALError``s whose
/// message names the tile and the file, as libtiff's own would for GDAL.
///
/// A multi-band file whose bands are the samples of contiguous pixels (`INTERLEAVE=PIXEL`, TIFF PlanarConfiguration
/// 1; ``init(stack:)``) is read the same way, several bands at once (``read(_:bands:into:)``): each tile decoded once
/// for all its bands (where GDAL's cache splits it into one block per band and copies each out), predictor 2 undone
/// over the tile with a stride of SamplesPerPixel (each sample the difference from the same sample of the pixel to
/// its left), each band's samples converted to `Float` as GDAL's `RasterIO` to `Float32` would (exactly: every
/// 16-bit integer is a `Float`). The same conditions, with SamplesPerPixel the dataset's band count, every band of
/// the same type and block size, and PlanarConfiguration 1.
///
/// One reader is used from one thread at a time (as its ``Dataset``); its libtiff handle opens on the first read.
public final class DirectTileReader: @unchecked Sendable {
    /// The file read.
    public let path: String
    /// Samples per pixel (the dataset's bands; 1 for a one-band reader).
    public let samples: Int
    private let width: Int, height: Int, block: (width: Int, height: Int), unsigned: Bool
    /// The file's device and inode when the reader was made (after GDAL opened it): libtiff's handle, opened on
    /// the first read, must be on the same file, else the path was replaced in between and the file goes to GDAL.
    private let identity: (device: UInt64, inode: UInt64)
    private var state: State = .unopened
    /// The last tile decoded (its index, -1 for none; its inflated samples, the predictor's differences unless
    /// `cachedUndone`, are the decoder's `tile`).
    private var cached = -1
    private var cachedUndone = false

    private enum State {
        case unopened
        case refused
        case open(Decoder)
    }

    /// A reader of `band`, or nil when GDAL's view alone rules the fast path out (another driver, a
    /// virtual file system path, several bands, not a 16-bit type).
    public convenience init?(_ band: RasterBand) {
        guard band.dataset.bandCount == 1, band.index == 1 else { return nil }
        self.init(file: band.dataset, block: band.blockSize, type: band.dataType, samples: 1)
    }

    /// The largest tile (all its samples, decoded) a multi-band reader holds: 16 MiB (256 x 256 pixels of 128 bands);
    /// a file of larger tiles is left to GDAL, so the memory a reader holds stays bounded whatever the band count.
    public static let maximumStackTileBytes = 16 << 20

    /// A reader of every band of `dataset` as the samples of its pixels (``read(_:bands:into:)``), or nil when GDAL's
    /// view alone rules the fast path out (another driver, a virtual file system path, bands not all of one 16-bit
    /// type and one block size, a tile of all bands over ``maximumStackTileBytes``). Whether the file is
    /// pixel-interleaved is libtiff's to say, on the first read.
    public convenience init?(stack dataset: Dataset) {
        let n = dataset.bandCount
        guard n >= 1, let bands = try? (1...n).map({ try dataset.band($0) }), let type = bands.first?.dataType,
              bands.allSatisfy({ $0.dataType == type && $0.blockSize.width == bands[0].blockSize.width && $0.blockSize.height == bands[0].blockSize.height }),
              2 * n * bands[0].blockSize.width * bands[0].blockSize.height <= Self.maximumStackTileBytes else { return nil }
        self.init(file: dataset, block: bands[0].blockSize, type: type, samples: n)
    }

    /// The reader of `samples` bands of `type` in tiles of `block` of `dataset`'s file, or nil when GDAL's view rules
    /// it out (another driver than `GTiff`, a virtual file system path or not a regular file, not a 16-bit type);
    /// the file's device and inode recorded (``identity``).
    private init?(file dataset: Dataset, block: (width: Int, height: Int), type: RasterDataType, samples: Int) {
        guard dataset.driverName == "GTiff", !dataset.path.hasPrefix("/vsi"), type == .int16 || type == .uint16 else { return nil }
        var st = stat()
        guard stat(dataset.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        identity = (UInt64(st.st_dev), UInt64(st.st_ino))
        path = dataset.path
        width = dataset.width
        height = dataset.height
        self.block = block
        unsigned = type == .uint16
        self.samples = samples
    }

    /// Whether the file was found to take the fast path (after the first ``read(_:into:)``; false before).
    public var isDirect: Bool { if case .open = state { return true } else { return false } }

    /// Reads window `w` in the band's 16-bit type into `raw` (at least `2 * w.pixelCount` bytes, row-major), as
    /// GDAL's `RasterIO` would; false when the file or a tile of the window does not take the fast path (nothing
    /// usable written: read the window through GDAL).
    /// - Throws: ``GDALError`` for a tile that cannot be read or inflated, or a file libtiff cannot open.
    public func read(_ w: Window, into raw: UnsafeMutableRawBufferPointer) throws -> Bool {
        precondition(samples == 1, "a one-band read of a multi-sample reader")
        precondition(raw.count >= 2 * w.pixelCount, "buffer smaller than the window")
        guard w.pixelCount > 0 else { return true }
        guard let d = try decoder(for: w) else { return false }
        let tw = block.width
        let out = raw.baseAddress!
        try eachTilePart(of: w, d) { t, part in
            if cached != t || cachedUndone {
                cached = -1
                try d.decode(t)
                cached = t
                cachedUndone = false
            }
            // Predictor 2 undone as the part is copied out.
            for y in part.rows {
                let from = d.tile.baseAddress! + (y - part.tileRow) * tw
                let to = (out + 2 * ((y - w.row) * w.width + (part.columns.lowerBound - w.column))).assumingMemoryBound(to: UInt16.self)
                if d.predicted {
                    Self.undoHorizontalPredictor(from, skipping: part.skip, count: part.columns.count, into: to)
                } else {
                    to.update(from: from + part.skip, count: part.columns.count)
                }
            }
        }
        return true
    }

    /// The part of a tile inside a window: its rows and columns (raster coordinates), the tile's first row, and the
    /// columns of the tile left of the part (`skip`).
    private struct TilePart {
        let rows: Range<Int>, columns: Range<Int>, tileRow: Int, skip: Int
    }

    /// Calls `body(t, part)` for every tile `t` window `w` touches (present, as `decoder(for:)` checked), row of tiles
    /// after row, with the part of it inside `w`.
    private func eachTilePart(of w: Window, _ d: Decoder, _ body: (Int, TilePart) throws -> Void) throws {
        let (tw, th) = block
        for ty in (w.row / th)...((w.row + w.height - 1) / th) {
            for tx in (w.column / tw)...((w.column + w.width - 1) / tw) {
                let x0 = max(w.column, tx * tw), x1 = min(w.column + w.width, (tx + 1) * tw)
                let y0 = max(w.row, ty * th), y1 = min(w.row + w.height, (ty + 1) * th)
                try body(ty * d.tilesAcross + tx, TilePart(rows: y0..<y1, columns: x0..<x1, tileRow: ty * th, skip: x0 - tx * tw))
            }
        }
    }

    /// Reads window `w` of bands `bands` (1-based, each at most ``samples``) converted to `Float` into `outs` (one
    /// buffer per band, each at least `w.pixelCount` long, row-major), as GDAL's `RasterIO` to `Float32` would; false
    /// when the file or a tile of the window does not take the fast path (nothing usable written: read the window
    /// through GDAL).
    /// - Throws: ``GDALError`` for a tile that cannot be read or inflated, or a file libtiff cannot open.
    public func read(_ w: Window, bands: [Int], into outs: [UnsafeMutableBufferPointer<Float>]) throws -> Bool {
        precondition(bands.count == outs.count && outs.allSatisfy { $0.count >= w.pixelCount }, "a buffer per band, of the window's size")
        precondition(bands.allSatisfy { (1...samples).contains($0) }, "a band the file does not have")
        guard w.pixelCount > 0, !bands.isEmpty else { return true }
        guard let d = try decoder(for: w) else { return false }
        let (tw, th) = block
        let s = samples
        let targets = outs.map { $0.baseAddress! }, lanes = bands.map { $0 - 1 }
        try eachTilePart(of: w, d) { t, part in
            if cached != t || !cachedUndone {
                cached = -1
                try d.decode(t)
                if d.predicted {
                    for y in 0..<th { Self.undoHorizontalPredictor(inPlace: d.tile.baseAddress! + y * tw * s, count: tw * s, stride: s) }
                }
                cached = t
                cachedUndone = true
            }
            // Each band's samples gathered from the part's pixels.
            for y in part.rows {
                let from = UnsafePointer(d.tile.baseAddress! + ((y - part.tileRow) * tw + part.skip) * s)
                let at = (y - w.row) * w.width + (part.columns.lowerBound - w.column)
                for (k, lane) in lanes.enumerated() {
                    Self.gather(from + lane, stride: s, count: part.columns.count, unsigned: unsigned, into: targets[k] + at)
                }
            }
        }
        return true
    }

    /// `count` samples `stride` apart from `from`, as `Float` (signed or unsigned 16-bit).
    private static func gather(_ from: UnsafePointer<UInt16>, stride: Int, count: Int, unsigned: Bool, into to: UnsafeMutablePointer<Float>) {
        if unsigned {
            for i in 0..<count { to[i] = Float(from[i * stride]) }
        } else {
            for i in 0..<count { to[i] = Float(Int16(bitPattern: from[i * stride])) }
        }
    }

    /// The decoder of the file when `w`'s tiles take the fast path (libtiff's handle opened on the first call), nil
    /// when the file or a tile `w` touches does not (the file is then refused from here on).
    private func decoder(for w: Window) throws -> Decoder? {
        let d: Decoder
        switch state {
        case .refused: return nil
        case .open(let o): d = o
        case .unopened:
            guard let o = try Decoder(path: path, identity: identity, width: width, height: height, block: block, samples: samples, unsigned: unsigned) else {
                state = .refused
                return nil
            }
            state = .open(o)
            d = o
        }
        let (tw, th) = block
        // Every tile present before any is decoded (a sparse tile sends the file to GDAL).
        for ty in (w.row / th)...((w.row + w.height - 1) / th) {
            for tx in (w.column / tw)...((w.column + w.width - 1) / tw) where !d.present(ty * d.tilesAcross + tx) {
                state = .refused
                return nil
            }
        }
        return d
    }

    /// TIFF predictor 2 undone in place on one row of `count` 16-bit samples of pixels of `stride` samples (TIFF 6.0
    /// §14: each sample is its difference, modulo 2^16, from the same sample of the pixel to its left; the first
    /// pixel's are the samples themselves): `row[i] += row[i - stride]` from `i = stride` on. With a stride of eight
    /// or more, eight samples at a time (the eight samples `stride` before them are final by then).
    public static func undoHorizontalPredictor(inPlace row: UnsafeMutablePointer<UInt16>, count: Int, stride: Int) {
        typealias Lanes = SIMD8<UInt16>
        var i = stride
        if stride >= 8 {
            let raw = UnsafeMutableRawPointer(row)
            while i + 8 <= count {
                let v = (raw + 2 * i).loadUnaligned(as: Lanes.self) &+ (raw + 2 * (i - stride)).loadUnaligned(as: Lanes.self)
                (raw + 2 * i).storeBytes(of: v, as: Lanes.self)
                i += 8
            }
        }
        while i < count {
            row[i] &+= row[i - stride]
            i += 1
        }
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

        /// Opens `path` with libtiff; nil when it is no longer the file of `identity` (device, inode: replaced since
        /// GDAL opened it, whose handle still reads the old one) or its first directory is not what the fast path decodes.
        init?(path: String, identity: (device: UInt64, inode: UInt64), width: Int, height: Int, block: (width: Int, height: Int),
              samples: Int, unsigned: Bool) throws {
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
            var opened = stat()
            guard fstat(TIFFFileno(t.tif), &opened) == 0, UInt64(opened.st_dev) == identity.device, UInt64(opened.st_ino) == identity.inode,
                  TIFFIsTiled(t.tif) != 0, TIFFIsByteSwapped(t.tif) == 0,
                  tag(UInt32(TIFFTAG_IMAGEWIDTH), bits: 32) == width, tag(UInt32(TIFFTAG_IMAGELENGTH), bits: 32) == height,
                  tag(UInt32(TIFFTAG_TILEWIDTH), bits: 32) == block.width, tag(UInt32(TIFFTAG_TILELENGTH), bits: 32) == block.height,
                  tag(UInt32(TIFFTAG_BITSPERSAMPLE), bits: 16) == 16, tag(UInt32(TIFFTAG_SAMPLESPERPIXEL), bits: 16) == samples,
                  samples == 1 || tag(UInt32(TIFFTAG_PLANARCONFIG), bits: 16) == Int(PLANARCONFIG_CONTIG),
                  tag(UInt32(TIFFTAG_SAMPLEFORMAT), bits: 16) == Int(unsigned ? SAMPLEFORMAT_UINT : SAMPLEFORMAT_INT),
                  let compression = tag(UInt32(TIFFTAG_COMPRESSION), bits: 16),
                  [COMPRESSION_NONE, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE].map(Int.init).contains(compression),
                  // (libtiff knows a predictor only for a codec that takes one.)
                  let predictor = compression == Int(COMPRESSION_NONE) ? Int(PREDICTOR_NONE) : tag(UInt32(TIFFTAG_PREDICTOR), bits: 16),
                  predictor == Int(PREDICTOR_NONE) || predictor == Int(PREDICTOR_HORIZONTAL),
                  // A block declared larger than a stack's largest tile (a hostile or odd file) is left to GDAL.
                  2 * block.width * block.height * samples <= DirectTileReader.maximumStackTileBytes,
                  let inflater = libdeflate_alloc_decompressor()
            else {
                t.close()
                return nil
            }
            tiff = t
            self.block = block
            tilesAcross = (width + block.width - 1) / block.width
            tileBytes = 2 * block.width * block.height * samples
            deflated = compression != Int(COMPRESSION_NONE)
            predicted = predictor == Int(PREDICTOR_HORIZONTAL)
            tile = .allocate(capacity: block.width * block.height * samples)
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
            // A stored size beyond what DEFLATE can make of a tile (stored blocks: 5 bytes a 64 KiB, the zlib frame) is
            // not read into memory here: a hostile count (BigTIFF's are 64-bit) goes to GDAL, which checks it against the file.
            return TIFFGetStrileOffset(tiff.tif, UInt32(t)) != 0 && stored != 0 && (deflated || stored >= UInt64(tileBytes))
                && stored <= UInt64(tileBytes + tileBytes / 8 + 4096)
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
