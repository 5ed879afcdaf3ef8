import Dispatch
import Foundation
import KubuqiRaster

/// The tiles of a COG-to-be, compressed while its raster is computed and kept in a spool file until
/// ``CloudOptimizedTileWriter`` lays them out (docs/publishing.md, "COG from the workers' tiles").
///
/// The streamed pass hands each written window's Int16 values to ``add(_:values:)`` (windows of whole
/// tiles, in any order, one call at a time). Its full-resolution tiles are encoded at once
/// (``DeflateTileEncoder``: predictor 2, DEFLATE) on every core and appended to the spool; the pixels the
/// overviews take from it (`NEAREST`, ``CloudOptimizedLevels``) are copied into each overview's open rows of
/// tiles, whose tiles are encoded and appended as soon as a row of tiles is complete. Memory: one tile per
/// encoding thread and the open overview rows, each held in memory up to ``defaultStripBudget`` (512 KiB: a row of
/// tiles 1,024 pixels wide, the first overview of a 2,048-pixel raster); a wider row of tiles goes to a scratch
/// file of its own beside the spool, in pieces of one tile column each, read back tile by tile when the row is
/// complete and deleted then; so memory does not grow with the raster's width (docs/benchmarks.md, "ldn memory
/// from 2000 to 8000, session 17"). Each open spilled row keeps its file open: with windows in row-major order
/// (``StreamedCalculation``'s) one or two a level; windows in another order open up to one a row of tiles.
/// The encoded tiles are on disk.
///
/// Partial edge tiles are padded with zeros, as GDAL's COG driver writes them (checked in the tests).
/// The spool file is created with `O_NOFOLLOW | O_CLOEXEC` (a link planted at its path is refused,
/// never followed), mode 0600, in a private folder the caller owns.
public final class CompressedTileSpool: @unchecked Sendable {
    /// The spool file.
    public let path: String
    /// The levels the tiles belong to.
    public let levels: CloudOptimizedLevels
    /// The tile encoder (its DEFLATE level is the published file's).
    public let encoder: DeflateTileEncoder
    /// The planes (bands stored one after the other, TIFF `PlanarConfiguration=2`): 1 for pixel-interleaved tiles
    /// (the ``TileSampleFormat``'s samples in each tile); else each level holds `planes` x its tiles, those of plane 0
    /// (band 1) first, each plane's row-major (``AveragedTileRows/init(_:nodata:plane:)``).
    public let planes: Int

    private let file: ScratchFile
    private let lock = NSLock()
    private var end: Int64 = 0
    /// Offset and length in the spool of each level's tiles (row-major), nil until encoded.
    private var entries: [[(offset: Int64, length: Int)?]]
    /// Each overview level's open rows of tiles, by row-of-tiles index: the samples and how many are set.
    private var strips: [[Int: Strip]]
    private var failure: String?
    /// Tile scratch buffers (``DeflateTileEncoder/tileBytes``) kept for the next tiles, one per thread encoding at a time.
    private var scratches: [UnsafeMutableRawBufferPointer] = []

    /// The most bytes an overview's open row of tiles holds in memory by default; a wider one is spilled (``Strip``).
    public static let defaultStripBudget = 512 << 10
    /// The most bytes an overview's open row of tiles holds in memory here (tests spill every row with 0).
    public let stripBudget: Int

    /// An overview's open row of tiles: its samples in memory (`width` per row), or, past ``stripBudget``, in a
    /// scratch file of its own as pieces (a rectangle of one tile column, row-major), deleted with the strip.
    private final class Strip {
        let samples: UnsafeMutableBufferPointer<Int16>?
        let spill: ScratchFile?
        /// The spilled pieces: tile column, first row and column within the strip, size, offset in the file.
        var pieces: [(tile: Int, row: Int, column: Int, rows: Int, columns: Int, offset: Int64)] = []
        var end: Int64 = 0
        var filled = 0

        init(count: Int, spillPath: String?) throws {
            if let spillPath {
                samples = nil
                spill = try ScratchFile(path: spillPath, name: "the overview scratch file")
            } else {
                samples = .allocate(capacity: count)
                samples!.initialize(repeating: 0)
                spill = nil
            }
        }

        deinit {
            samples?.deallocate()
            spill?.remove()
        }
    }

    /// A spool at `path` (created; refused when a link or anything but a new file is there) for a `width` x
    /// `height` raster of `format` (one Int16 band by default) encoded at DEFLATE `level` in tiles of `tile` pixels.
    /// ``add(_:values:)`` (`NEAREST` overviews) takes one Int16 band; any format takes its tiles from
    /// ``AveragedTileRows`` (`AVERAGE` overviews) or ``store(level:index:_:)``. With `planes` > 1 (`format` of one
    /// sample a pixel), the raster has `planes` bands stored band after band (``planes``).
    /// `stripBudget`: the most bytes an overview's open row of tiles holds in memory (``defaultStripBudget``).
    public init(path: String, width: Int, height: Int, level: Int, tile: Int = 256, format: TileSampleFormat = .int16,
                planes: Int = 1, stripBudget: Int = CompressedTileSpool.defaultStripBudget) throws {
        precondition(planes >= 1 && (planes == 1 || format.samplesPerPixel == 1), "planes of one sample a pixel")
        self.path = path
        self.stripBudget = stripBudget
        self.planes = planes
        levels = CloudOptimizedLevels(width: width, height: height, tile: tile)
        encoder = DeflateTileEncoder(level: level, tile: tile, format: format)
        entries = levels.sizes.map { s in let t = s.tiles(tile); return Array(repeating: nil, count: t.across * t.down * planes) }
        strips = Array(repeating: [:], count: levels.count)
        file = try ScratchFile(path: path, name: "the tile spool")
    }

    /// Whether every tile of every level is in the spool.
    public var isComplete: Bool { lock.withLock { failure == nil && entries.allSatisfy { $0.allSatisfy { $0 != nil } } } }

    /// Why the spool cannot be used (a window not made of whole tiles, a write error), nil when it can.
    public var unusableReason: String? { lock.withLock { failure } }

    /// Bytes of encoded tiles in the spool.
    public var encodedBytes: Int64 { lock.withLock { end } }

    /// Takes the Int16 values of `window` (row-major, `window.width` per row) of the raster: encodes its tiles and
    /// the overview tiles it completes. A window that is not made of whole tiles leaves the spool unusable
    /// (``unusableReason``); a write error is thrown. Called from one thread at a time.
    public func add(_ window: Window, values: UnsafeBufferPointer<Int16>) throws {
        precondition(values.count >= window.width * window.height, "fewer values than the window's pixels")
        precondition(encoder.format == .int16, "add(_:values:) takes one Int16 band")
        let t = levels.tile, full = levels.sizes[0]
        guard lock.withLock({ failure == nil }) else { return }
        guard window.column % t == 0, window.row % t == 0,
              window.width % t == 0 || window.column + window.width == full.width,
              window.height % t == 0 || window.row + window.height == full.height else {
            lock.withLock { failure = "window \(window) is not made of whole \(t) x \(t) tiles" }
            return
        }
        var jobs: [() throws -> Void] = []
        let across = full.tiles(t).across
        for ty in (window.row / t)..<((window.row + window.height + t - 1) / t) {
            for tx in (window.column / t)..<((window.column + window.width + t - 1) / t) {
                jobs.append { [self] in
                    try encodeTile(level: 0, index: ty * across + tx) { scratch in
                        let x0 = tx * t, y0 = ty * t
                        let w = min(t, full.width - x0), h = min(t, full.height - y0)
                        for r in 0..<h {
                            let from = (y0 + r - window.row) * window.width + (x0 - window.column)
                            UnsafeMutableBufferPointer(rebasing: scratch[(r * t)..<(r * t + w)])
                                .update(fromContentsOf: UnsafeBufferPointer(rebasing: values[from..<(from + w)]))
                        }
                    }
                }
            }
        }
        for level in 1..<levels.count { jobs += try fillOverview(level, from: window, values: values) }
        try run(jobs)
    }

    /// Copies the pixels level `level` takes from `window` into its open rows of tiles (in memory, or spilled as
    /// pieces, ``Strip``); the encodings of the tiles of the rows completed.
    private func fillOverview(_ level: Int, from window: Window, values: UnsafeBufferPointer<Int16>) throws -> [() throws -> Void] {
        let t = levels.tile, size = levels.sizes[level]
        let rowMap = levels.rows[level], columnMap = levels.columns[level]
        let y0 = Self.lowerBound(rowMap, window.row), y1 = Self.lowerBound(rowMap, window.row + window.height)
        let x0 = Self.lowerBound(columnMap, window.column), x1 = Self.lowerBound(columnMap, window.column + window.width)
        guard y0 < y1, x0 < x1 else { return [] }
        var completed: [(Int, Strip)] = []
        var y = y0
        while y < y1 {
            let s = y / t
            let stripRows = min(t, size.height - s * t), rows = min(y1, (s + 1) * t) - y
            let strip = try strips[level][s] ?? Strip(count: stripRows * size.width,
                                                      spillPath: stripRows * size.width * 2 > stripBudget ? "\(path).L\(level).S\(s)" : nil)
            strips[level][s] = strip
            if let samples = strip.samples {
                for k in 0..<rows {
                    let sourceRow = (Int(rowMap[y + k]) - window.row) * window.width - window.column
                    let target = (y + k - s * t) * size.width
                    for x in x0..<x1 { samples[target + x] = values[sourceRow + Int(columnMap[x])] }
                }
            } else {
                try spillPieces(strip, rows: y..<(y + rows), columns: x0..<x1, strip: s, level: level, window: window, values: values)
            }
            strip.filled += rows * (x1 - x0)
            if strip.filled == stripRows * size.width {
                completed.append((s, strip))
                strips[level][s] = nil
            }
            y += rows
        }
        let across = size.tiles(t).across
        return completed.flatMap { s, strip in
            (0..<across).map { tx in { [self] in
                try encodeTile(level: level, index: s * across + tx) { scratch in
                    let w = min(t, size.width - tx * t), h = min(t, size.height - s * t)
                    if let samples = strip.samples {
                        for r in 0..<h {
                            let from = r * size.width + tx * t
                            UnsafeMutableBufferPointer(rebasing: scratch[(r * t)..<(r * t + w)])
                                .update(fromContentsOf: UnsafeBufferPointer(rebasing: samples[from..<(from + w)]))
                        }
                    } else {
                        try readPieces(of: strip, tile: tx, into: scratch)
                    }
                }
            } }
        }
    }

    /// Appends the samples level `level` takes from `window` for the rows `rows` (of the level; all in row of tiles
    /// `s`) and `columns` to the spilled `strip`, one piece per tile column.
    private func spillPieces(_ strip: Strip, rows: Range<Int>, columns: Range<Int>, strip s: Int, level: Int, window: Window,
                             values: UnsafeBufferPointer<Int16>) throws {
        let t = levels.tile, rowMap = levels.rows[level], columnMap = levels.columns[level]
        var piece = [Int16](repeating: 0, count: rows.count * t)
        var x = columns.lowerBound
        while x < columns.upperBound {
            let tx = x / t, end = min(columns.upperBound, (tx + 1) * t), width = end - x
            for (k, y) in rows.enumerated() {
                let sourceRow = (Int(rowMap[y]) - window.row) * window.width - window.column
                for c in 0..<width { piece[k * width + c] = values[sourceRow + Int(columnMap[x + c])] }
            }
            let bytes = rows.count * width * 2
            do {
                try piece.withUnsafeBytes { try strip.spill!.write(UnsafeRawBufferPointer(rebasing: $0[0..<bytes]), at: strip.end) }
            } catch let e as GDALError {
                lock.withLock { failure = "cannot write the overview scratch file (\(e.messages.joined(separator: "; ")))" }
                throw e
            }
            strip.pieces.append((tx, rows.lowerBound - s * t, x - tx * t, rows.count, width, strip.end))
            strip.end += Int64(bytes)
            x = end
        }
    }

    /// Reads the spilled pieces of tile column `tile` of `strip` into the tile `scratch` (`tile` x `tile` Int16).
    private func readPieces(of strip: Strip, tile: Int, into scratch: UnsafeMutableBufferPointer<Int16>) throws {
        let t = levels.tile
        for p in strip.pieces where p.tile == tile {
            let n = p.rows * p.columns
            let piece = try [Int16](unsafeUninitializedCapacity: n) { b, initialized in
                try strip.spill!.read(into: UnsafeMutableRawBufferPointer(b), at: p.offset)
                initialized = n
            }
            for r in 0..<p.rows {
                let to = (p.row + r) * t + p.column
                UnsafeMutableBufferPointer(rebasing: scratch[to..<(to + p.columns)])
                    .update(fromContentsOf: piece[(r * p.columns)..<((r + 1) * p.columns)])
            }
        }
    }

    /// Runs `jobs` on every core; the first error thrown.
    func run(_ jobs: [() throws -> Void]) throws {
        guard !jobs.isEmpty else { return }
        let errors = NSLock()
        nonisolated(unsafe) var first: Error?
        nonisolated(unsafe) let jobs = jobs
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            do { try jobs[k]() } catch { errors.withLock { if first == nil { first = error } } }
        }
        if let first { throw first }
    }

    /// Fills a zeroed Int16 tile with `fill`, encodes it and appends it to the spool as tile `index` of `level`.
    private func encodeTile(level: Int, index: Int, _ fill: (UnsafeMutableBufferPointer<Int16>) throws -> Void) throws {
        try store(level: level, index: index) { try fill($0.bindMemory(to: Int16.self)) }
    }

    /// Fills a zeroed tile (`tile` x `tile` pixels of the encoder's format, row-major, pixel-interleaved; the pixels
    /// past the raster's right and bottom edges stay zero, as GDAL writes them) with `fill`, encodes it and appends it
    /// to the spool as tile `index` (row-major; plane after plane, ``planes``) of `level`. Thread-safe; a write error is thrown.
    public func store(level: Int, index: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        // Tile scratch buffers kept for the next tiles (one per thread encoding at a time).
        let scratch = lock.withLock { scratches.popLast() } ?? .allocate(byteCount: encoder.tileBytes, alignment: 16)
        defer { lock.withLock { scratches.append(scratch) } }
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
        try fill(scratch)
        let bytes = encoder.encode(raw: scratch)
        let offset = lock.withLock { () -> Int64 in
            let o = end
            end += Int64(bytes.count)
            return o
        }
        do {
            try bytes.withUnsafeBytes { try file.write($0, at: offset) }
        } catch let e as GDALError {
            lock.withLock { failure = "cannot write the tile spool (\(e.messages.joined(separator: "; ")))" }
            throw e
        }
        lock.withLock { entries[level][index] = (offset, bytes.count) }
    }

    /// The encoded tile `index` (row-major; plane after plane, ``planes``) of `level`.
    public func tile(level: Int, index: Int) throws -> [UInt8] {
        guard let e = lock.withLock({ entries[level][index] }) else {
            throw GDALError("the tile spool \(path) lacks tile \(index) of level \(level)")
        }
        var out = [UInt8](repeating: 0, count: e.length)
        try out.withUnsafeMutableBytes { try file.read(into: $0, at: e.offset) }
        return out
    }

    /// The encoded length of tile `index` of `level` (nil when not encoded yet).
    public func tileLength(level: Int, index: Int) -> Int? { lock.withLock { entries[level][index]?.length } }

    /// Closes and deletes the spool file.
    public func remove() {
        lock.withLock {
            file.remove()
            strips = Array(repeating: [:], count: levels.count)
            for s in scratches { s.deallocate() }
            scratches = []
        }
    }

    deinit { for s in scratches { s.deallocate() } }

    /// The first index of the sorted `values` not below `v`.
    static func lowerBound(_ values: [Int32], _ v: Int) -> Int {
        var (lo, hi) = (0, values.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(values[mid]) < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
