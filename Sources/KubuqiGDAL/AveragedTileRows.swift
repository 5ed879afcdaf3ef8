import Foundation

/// Feeds a ``CompressedTileSpool`` a raster's rows from the top, full resolution, pixel-interleaved, and computes its
/// `AVERAGE` overviews as GDAL 3.6's COG driver computes them when every level is exactly half the one before it
/// (``isGDALs(_:)``; docs/publishing.md, "COG from the workers' tiles"):
///
/// - each overview from the level before it (GDAL regenerates overview k from overview k-1), each pixel from the
///   2 x 2 pixels it covers;
/// - the valid samples among those four added in a Double in row-major order and divided by their number;
///   Float32: NaN samples (the nodata) left out, the quotient rounded to Float32, NaN when none is valid; Int16: the
///   samples equal to the nodata (when there is one) left out, the quotient rounded half away from zero, the nodata
///   when none is valid (checked pixel for pixel against GDAL's COG driver in the tests).
///
/// Each level's open row of tiles (`tile` rows x its width) is kept; its tiles are encoded on every core and stored
/// when it is complete. Memory: about `tile` x width x bytes per pixel x 2 for the full resolution and the overviews,
/// and one averaged row per overview (reused).
public final class AveragedTileRows {
    /// The spool the tiles go to.
    public let spool: CompressedTileSpool
    /// Int16 nodata (nil: none); Float32's is NaN.
    public let nodata: Int16?
    /// The plane (band, from 0) of a spool of ``CompressedTileSpool/planes`` whose tiles these rows make; 0 otherwise.
    public let plane: Int
    private let levels: CloudOptimizedLevels
    private let bytesPerRow: [Int]
    private let strips: [UnsafeMutableRawBufferPointer]
    /// One averaged row per overview level (index k: the row of level k + 1 being made), reused row after row.
    private let averaged: [UnsafeMutableRawBufferPointer]
    /// Rows written in each level's open row of tiles, and its index.
    private var filled: [Int]
    private var stripIndex: [Int]

    /// Whether `levels` are each exactly half the level before it (even widths and heights down to the last
    /// overview): the case whose `AVERAGE` this type computes as GDAL does. Other sizes are left to GDAL.
    public static func isGDALs(_ levels: CloudOptimizedLevels) -> Bool {
        zip(levels.sizes, levels.sizes.dropFirst()).allSatisfy { $1.width * 2 == $0.width && $1.height * 2 == $0.height }
    }

    /// The bytes of the open rows of tiles kept for `levels` at `bytesPerPixel` (every level's `tile` rows x its
    /// width): what an instance holds besides the spool, about twice the full resolution's row of tiles.
    public static func stripBytes(_ levels: CloudOptimizedLevels, bytesPerPixel: Int) -> Int {
        levels.sizes.reduce(0) { $0 + $1.width * bytesPerPixel * levels.tile }
    }

    /// Rows for `spool` (whose levels pass ``isGDALs(_:)``), Int16 `nodata` when the raster has one; the rows of band
    /// `plane` (from 0) when the spool stores its bands as planes (``CompressedTileSpool/planes``: one instance per
    /// band, one after the other, so that memory is one band's open rows of tiles whatever the number of bands).
    public init(_ spool: CompressedTileSpool, nodata: Int16? = nil, plane: Int = 0) {
        precondition(Self.isGDALs(spool.levels), "AVERAGE overviews of exact halves only")
        precondition((0..<spool.planes).contains(plane), "a plane of the spool")
        self.spool = spool
        self.nodata = nodata
        self.plane = plane
        let levels = spool.levels
        self.levels = levels
        let bpp = spool.encoder.format.bytesPerPixel
        let bytesPerRow = levels.sizes.map { $0.width * bpp }
        self.bytesPerRow = bytesPerRow
        strips = bytesPerRow.map { b in
            let s = UnsafeMutableRawBufferPointer.allocate(byteCount: b * levels.tile, alignment: 16)
            s.initializeMemory(as: UInt8.self, repeating: 0)
            return s
        }
        averaged = bytesPerRow.dropFirst().map { UnsafeMutableRawBufferPointer.allocate(byteCount: $0, alignment: 16) }
        filled = Array(repeating: 0, count: levels.count)
        stripIndex = Array(repeating: 0, count: levels.count)
    }

    deinit { for s in strips + averaged { s.deallocate() } }

    /// Rows of the full resolution so far.
    public var rowsAdded: Int { stripIndex[0] * levels.tile + filled[0] }

    /// Takes the next `count` full-resolution rows (`count` x width pixels, pixel-interleaved, of the spool's format):
    /// stores the tiles they complete, of every level. A write error is thrown.
    public func add(rows: UnsafeRawBufferPointer, count: Int) throws {
        precondition(rows.count >= count * bytesPerRow[0] && rowsAdded + count <= levels.sizes[0].height, "rows past the raster")
        for r in 0..<count {
            try step { push(0, UnsafeRawBufferPointer(rebasing: rows[(r * bytesPerRow[0])..<((r + 1) * bytesPerRow[0])]), &$0) }
        }
    }

    /// Takes the next `count` full-resolution rows written by `fill` straight into the open row of tiles (no copy;
    /// `count` rows must fit in it: at most what is left of the current row of tiles), then as ``add(rows:count:)``.
    public func addRows(_ count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        try fill(openRows(count))
        try commitRows(count)
    }

    /// Where the next `count` full-resolution rows go in the open row of tiles (at most what is left of it), to be
    /// written by the caller and then taken by ``commitRows(_:)``; ``addRows(_:_:)`` in two steps, which may run on
    /// two threads one after the other (``StagedAveragingFeed``: the rows read on the writer's thread, averaged and
    /// encoded on another).
    public func openRows(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let at = filled[0]
        precondition(count > 0 && at + count <= stripRows(0), "rows past the open row of tiles")
        return UnsafeMutableRawBufferPointer(rebasing: strips[0][(at * bytesPerRow[0])..<((at + count) * bytesPerRow[0])])
    }

    /// Takes the `count` rows written at ``openRows(_:)`` as ``add(rows:count:)`` takes rows.
    public func commitRows(_ count: Int) throws {
        precondition(count > 0 && filled[0] + count <= stripRows(0), "rows past the open row of tiles")
        for _ in 0..<count { try step { advance(0, &$0) } }
    }

    /// Runs one row's work (`body` collects the encodings it makes due), then restarts the completed rows of tiles.
    private func step(_ body: (inout [() throws -> Void]) -> Void) throws {
        var jobs: [() throws -> Void] = []
        body(&jobs)
        try spool.run(jobs)
        // The completed rows of tiles are encoded: start them again (only the rows written are read).
        for k in 0..<levels.count where filled[k] == stripRows(k) {
            filled[k] = 0
            stripIndex[k] += 1
        }
    }

    private func stripRows(_ k: Int) -> Int { min(levels.tile, levels.sizes[k].height - stripIndex[k] * levels.tile) }

    /// Writes one row of level `k` into its open row of tiles; averages it with the row above into level k + 1 when
    /// it is the second of a pair; the encodings of the rows of tiles it completes go into `jobs`.
    private func push(_ k: Int, _ row: UnsafeRawBufferPointer, _ jobs: inout [() throws -> Void]) {
        let at = filled[k]
        UnsafeMutableRawBufferPointer(rebasing: strips[k][(at * bytesPerRow[k])..<((at + 1) * bytesPerRow[k])]).copyMemory(from: row)
        advance(k, &jobs)
    }

    /// Counts the row of level `k` in place at its open row of tiles; averages it with the row above into level k + 1
    /// when it is the second of a pair; the encodings of the rows of tiles it completes go into `jobs`.
    private func advance(_ k: Int, _ jobs: inout [() throws -> Void]) {
        let at = filled[k]
        filled[k] += 1
        if k + 1 < levels.count, (stripIndex[k] * levels.tile + at) % 2 == 1 {
            let above = UnsafeRawBufferPointer(rebasing: strips[k][((at - 1) * bytesPerRow[k])..<(at * bytesPerRow[k])])
            let here = UnsafeRawBufferPointer(rebasing: strips[k][(at * bytesPerRow[k])..<((at + 1) * bytesPerRow[k])])
            let out = averaged[k]   // level k + 1's row: copied into its open row of tiles before it is made again
            average(above, here, into: out, pixels: levels.sizes[k + 1].width)
            push(k + 1, UnsafeRawBufferPointer(out), &jobs)
        }
        if filled[k] == stripRows(k) { jobs += encodings(k) }
    }

    /// The 2 x 2 average of rows `a` and `b` of a level into the `pixels` pixels of `out`: Float32 leaves NaN out,
    /// Int16 the nodata value (rounded half away from zero), as GDAL 3.6's `AVERAGE`.
    private func average(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, pixels: Int) {
        let spp = spool.encoder.format.samplesPerPixel
        switch spool.encoder.format.type {
        case .float32:
            Self.average(a.bindMemory(to: Float.self), b.bindMemory(to: Float.self), into: out.bindMemory(to: Float.self),
                         pixels: pixels, samples: spp, counts: { !$0.isNaN }, value: { Double($0) }, empty: .nan, make: { Float($0) })
        case .int16:
            let nodata = self.nodata
            Self.average(a.bindMemory(to: Int16.self), b.bindMemory(to: Int16.self), into: out.bindMemory(to: Int16.self),
                         pixels: pixels, samples: spp, counts: { $0 != nodata }, value: { Double($0) }, empty: nodata ?? 0,
                         make: { Int16($0.rounded(.toNearestOrAwayFromZero)) })
        }
    }

    /// Each pixel's and sample's mean, summed in Double, of those of its 2 x 2 samples in rows `r0` and `r1` that
    /// `counts`; `empty` where none does.
    @inline(__always)
    private static func average<T>(_ r0: UnsafeBufferPointer<T>, _ r1: UnsafeBufferPointer<T>, into o: UnsafeMutableBufferPointer<T>,
                                   pixels: Int, samples spp: Int, counts: (T) -> Bool, value: (T) -> Double,
                                   empty: T, make: (Double) -> T) {
        for x in 0..<pixels {
            let left = 2 * x * spp, right = left + spp
            for c in 0..<spp {
                var s = 0.0, n = 0
                func add(_ v: T) { if counts(v) { s += value(v); n += 1 } }
                add(r0[left + c]); add(r0[right + c]); add(r1[left + c]); add(r1[right + c])
                o[x * spp + c] = n == 0 ? empty : make(s / Double(n))
            }
        }
    }

    /// The encodings of the tiles of level `k`'s open row of tiles (complete).
    private func encodings(_ k: Int) -> [() throws -> Void] {
        let t = levels.tile, size = levels.sizes[k], s = stripIndex[k]
        let rows = filled[k], strip = UnsafeRawBufferPointer(strips[k]), rowBytes = bytesPerRow[k]
        let bpp = spool.encoder.format.bytesPerPixel
        let tiles = size.tiles(t), across = tiles.across, first = plane * tiles.across * tiles.down
        nonisolated(unsafe) let source = strip
        return (0..<across).map { tx in { [spool] in
            try spool.store(level: k, index: first + s * across + tx) { scratch in
                let w = min(t, size.width - tx * t)
                for r in 0..<rows {
                    let from = r * rowBytes + tx * t * bpp
                    UnsafeMutableRawBufferPointer(rebasing: scratch[(r * t * bpp)..<(r * t * bpp + w * bpp)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + w * bpp)]))
                }
            }
        } }
    }
}
