import CDeflate
import Foundation

/// Encodes tiles as a TIFF with `Compression=8` (Adobe DEFLATE) stores them, with the predictor of their
/// ``TileSampleFormat``: Int16 samples with `Predictor=2` (TIFF 6.0 §14: each sample replaced by its difference from
/// the same band's sample to its left, modulo 2^16, row by row over the whole tile width), Float32 samples with
/// `Predictor=3` (libtiff's `fpDiff`, Adobe's TIFF Technical Note 3: each row's bytes split into byte planes, the
/// most significant byte of every sample first, then each byte replaced by its difference from the byte one pixel
/// to its left, modulo 256); then a zlib stream (RFC 1950 around RFC 1951, what TIFF DEFLATE holds) made by
/// libdeflate, the library libtiff uses for GDAL's `COMPRESS=DEFLATE`, at the level libtiff takes for the `ZLEVEL`
/// (``libdeflateLevel(forZLEVEL:)``): the same bytes as GDAL's tiles. Little-endian samples (the files are written `II`).
///
/// Thread-safe: each call takes a compressor from a pool (libdeflate's compressors are not shared between
/// threads), so tiles are encoded on whichever thread completes them. Each pooled compressor keeps its output
/// buffer (the compression bound of a tile) for the next tile: a tile's only allocation is its encoded bytes, so no
/// block of that size is mapped and unmapped per tile under `ldn`'s fixed mmap threshold (docs/benchmarks.md,
/// "ldn memory at 8000 x 8000, session 11").
public final class DeflateTileEncoder: @unchecked Sendable {
    /// The DEFLATE level (libdeflate: 0-12; GDAL's ZLEVEL 1-9, default 6).
    public let level: Int
    /// The tile side in pixels.
    public let tile: Int
    /// The tiles' samples.
    public let format: TileSampleFormat
    private let lock = NSLock()
    private var compressors: [(compressor: OpaquePointer, buffer: UnsafeMutableRawBufferPointer)] = []

    /// An encoder of `tile` x `tile` tiles of `format` (one Int16 band by default) at DEFLATE `level`.
    public init(level: Int, tile: Int = 256, format: TileSampleFormat = .int16) {
        precondition((0...12).contains(level), "libdeflate levels are 0 to 12")
        self.level = level
        self.tile = tile
        self.format = format
    }

    deinit {
        for c in compressors {
            libdeflate_free_compressor(c.compressor)
            c.buffer.deallocate()
        }
    }

    /// Bytes of one tile, uncompressed.
    public var tileBytes: Int { tile * tile * format.bytesPerPixel }

    /// The encoded tile of one Int16 band's `samples` (`tile` x `tile`, row-major), which the predictor overwrites.
    public func encode(_ samples: UnsafeMutableBufferPointer<Int16>) -> [UInt8] {
        precondition(format == .int16, "an Int16 tile for an encoder of one Int16 band")
        return encode(raw: UnsafeMutableRawBufferPointer(samples))
    }

    /// The encoded tile of `bytes` (`tile` x `tile` pixels of ``format``, row-major, pixel-interleaved), which the
    /// predictor overwrites.
    public func encode(raw bytes: UnsafeMutableRawBufferPointer) -> [UInt8] {
        precondition(bytes.count == tileBytes, "a tile has tile x tile pixels")
        switch format.type {
        case .int16:
            Self.applyHorizontalPredictor(bytes.bindMemory(to: Int16.self), width: tile, samplesPerPixel: format.samplesPerPixel)
        case .float32:
            Self.applyFloatingPointPredictor(bytes, width: tile, samplesPerPixel: format.samplesPerPixel)
        }
        let c = take()
        defer { give(c) }
        precondition(c.buffer.count >= libdeflate_zlib_compress_bound(c.compressor, bytes.count), "the output buffer is below the bound")
        let n = libdeflate_zlib_compress(c.compressor, bytes.baseAddress, bytes.count, c.buffer.baseAddress, c.buffer.count)
        precondition(n > 0, "libdeflate's bound was too small")
        return Array(UnsafeRawBufferPointer(rebasing: c.buffer[0..<n]))
    }

    /// TIFF predictor 2 on rows of `width` pixels of `samplesPerPixel` Int16 samples, in place (right to left,
    /// each sample less the same band's sample one pixel to its left, wrapping).
    public static func applyHorizontalPredictor(_ s: UnsafeMutableBufferPointer<Int16>, width: Int, samplesPerPixel: Int = 1) {
        let rowLength = width * samplesPerPixel
        var row = 0
        while row < s.count {
            var x = rowLength - 1
            while x >= samplesPerPixel {
                s[row + x] = s[row + x] &- s[row + x - samplesPerPixel]
                x -= 1
            }
            row += rowLength
        }
    }

    /// TIFF predictor 3 (libtiff 4.5's `fpDiff`) on rows of `width` pixels of `samplesPerPixel` little-endian Float32
    /// samples, in place: each row's `4 n` bytes (n samples) rearranged into 4 planes of n bytes, the most
    /// significant bytes first (plane p holds byte 3 - p of every sample, in sample order), then from the row's end
    /// backwards each byte less the byte `samplesPerPixel` before it (modulo 256), across the planes' boundaries.
    public static func applyFloatingPointPredictor(_ bytes: UnsafeMutableRawBufferPointer, width: Int, samplesPerPixel: Int) {
        let n = width * samplesPerPixel, rowBytes = 4 * n
        precondition(bytes.count % rowBytes == 0, "whole rows")
        let planes = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
        defer { planes.deallocate() }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var row = 0
        while row < bytes.count {
            let r = base + row
            // The byte planes, most significant first.
            for k in 0..<n {
                let v = UnsafeRawPointer(r + 4 * k).loadUnaligned(as: UInt32.self).littleEndian
                planes[k] = UInt8(truncatingIfNeeded: v >> 24)
                planes[n + k] = UInt8(truncatingIfNeeded: v >> 16)
                planes[2 * n + k] = UInt8(truncatingIfNeeded: v >> 8)
                planes[3 * n + k] = UInt8(truncatingIfNeeded: v)
            }
            // Each byte less the byte one pixel before it (what fpDiff's backward loop leaves), written back.
            let head = min(samplesPerPixel, rowBytes)
            for i in 0..<head { r[i] = planes[i] }
            var i = head
            while i < rowBytes {
                r[i] = planes[i] &- planes[i - samplesPerPixel]
                i += 1
            }
            row += rowBytes
        }
    }

    /// The libdeflate level libtiff 4.5 compresses with for GDAL's `ZLEVEL` (nil: not given): libtiff asks libdeflate for
    /// one level more than zlib's for 6 to 9 ("to get results as good as zlib"), 7 when no level is given (zlib's
    /// default 6), the level itself otherwise (1-5, 10-12). Checked on GDAL 3.6's own tiles: the same bytes.
    public static func libdeflateLevel(forZLEVEL zlevel: Int?) -> Int {
        guard let z = zlevel else { return 7 }
        return (6...9).contains(z) ? z + 1 : z
    }

    /// A compressor and its output buffer (the bound of a whole tile), from the pool or new.
    private func take() -> (compressor: OpaquePointer, buffer: UnsafeMutableRawBufferPointer) {
        if let c = lock.withLock({ compressors.popLast() }) { return c }
        guard let c = libdeflate_alloc_compressor(Int32(level)) else { fatalError("libdeflate: out of memory") }
        return (c, .allocate(byteCount: libdeflate_zlib_compress_bound(c, tileBytes), alignment: 16))
    }

    private func give(_ c: (compressor: OpaquePointer, buffer: UnsafeMutableRawBufferPointer)) { lock.withLock { compressors.append(c) } }
}
