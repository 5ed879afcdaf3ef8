import CDeflate
import Foundation

/// Encodes Int16 tiles as a TIFF with `Compression=8` (Adobe DEFLATE) and `Predictor=2` stores them: the
/// horizontal differencing predictor (TIFF 6.0 §14: each sample replaced by its difference from the sample to
/// its left, modulo 2^16, row by row over the whole tile width), then a zlib stream (RFC 1950 around RFC
/// 1951, what TIFF DEFLATE holds) made by libdeflate, the library libtiff uses for GDAL's `COMPRESS=DEFLATE`, at
/// the level libtiff takes for the `ZLEVEL` (``libdeflateLevel(forZLEVEL:)``): the same bytes as GDAL's tiles.
/// Little-endian samples (the files are written `II`).
///
/// Thread-safe: each call takes a compressor from a pool (libdeflate's compressors are not shared between
/// threads), so tiles are encoded on whichever thread completes them. Each pooled compressor keeps its output
/// buffer (the compression bound of a tile, a little over 128 KiB) for the next tile: a tile's only allocation is
/// its encoded bytes, so no block of that size is mapped and unmapped per tile under `ldn`'s fixed mmap threshold.
public final class DeflateTileEncoder: @unchecked Sendable {
    /// The DEFLATE level (libdeflate: 0-12; GDAL's ZLEVEL 1-9, default 6).
    public let level: Int
    /// The tile side in pixels.
    public let tile: Int
    private let lock = NSLock()
    private var compressors: [(compressor: OpaquePointer, buffer: UnsafeMutableRawBufferPointer)] = []

    /// An encoder of `tile` x `tile` Int16 tiles at DEFLATE `level`.
    public init(level: Int, tile: Int = 256) {
        precondition((0...12).contains(level), "libdeflate levels are 0 to 12")
        self.level = level
        self.tile = tile
    }

    deinit {
        for c in compressors {
            libdeflate_free_compressor(c.compressor)
            c.buffer.deallocate()
        }
    }

    /// The encoded tile of `samples` (`tile` x `tile`, row-major), which the predictor overwrites.
    public func encode(_ samples: UnsafeMutableBufferPointer<Int16>) -> [UInt8] {
        precondition(samples.count == tile * tile, "a tile has tile x tile samples")
        Self.applyHorizontalPredictor(samples, width: tile)
        let c = take()
        defer { give(c) }
        let bytes = UnsafeRawBufferPointer(samples)
        precondition(c.buffer.count >= libdeflate_zlib_compress_bound(c.compressor, bytes.count), "the output buffer is below the bound")
        let n = libdeflate_zlib_compress(c.compressor, bytes.baseAddress, bytes.count, c.buffer.baseAddress, c.buffer.count)
        precondition(n > 0, "libdeflate's bound was too small")
        return Array(UnsafeRawBufferPointer(rebasing: c.buffer[0..<n]))
    }

    /// TIFF predictor 2 on rows of `width` Int16 samples, in place (right to left, wrapping).
    public static func applyHorizontalPredictor(_ s: UnsafeMutableBufferPointer<Int16>, width: Int) {
        var row = 0
        while row < s.count {
            var x = width - 1
            while x > 0 {
                s[row + x] = s[row + x] &- s[row + x - 1]
                x -= 1
            }
            row += width
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
        let bound = libdeflate_zlib_compress_bound(c, tile * tile * MemoryLayout<Int16>.size)
        return (c, .allocate(byteCount: bound, alignment: 16))
    }

    private func give(_ c: (compressor: OpaquePointer, buffer: UnsafeMutableRawBufferPointer)) { lock.withLock { compressors.append(c) } }
}
