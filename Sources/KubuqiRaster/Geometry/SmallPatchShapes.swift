/// The outlines (rings and pixel runs) of small patches by shape, for ``RowPolygonizer``: most patches of a noisy class
/// map are a few pixels, and the same few shapes come back thousands of times. A patch's rings are a function of its
/// edge keys taken in GDAL's order (``EdgeStrings`` compares corners only for equality and by their differences), so
/// two patches of the same shape (the same keys up to a translation) have the same rings translated, corner for
/// corner, and the same runs translated: the first patch of a shape is traced, the next ones are the kept outline moved.
///
/// A shape is a patch of at most ``maxEdges`` unit edges (up to 3 x 3 pixels) whose edges lie within 8 rows and
/// -8...7 columns of its first (top-left) edge, packed into two words; larger patches are traced. At most
/// ``maxShapes`` outlines are kept (a few kilobytes each at most).
struct SmallPatchShapes {
    /// The most unit edges of a patch whose outline is kept.
    static let maxEdges = 12
    /// The most outlines kept.
    static let maxShapes = 8192

    /// A patch's edge keys relative to its first, 9 bits an edge (3 bits of row, 4 of column, kind, direction), the
    /// count in the second word's top byte.
    struct Shape: Hashable {
        var low: UInt64
        var high: UInt64

        /// The shape of the edge keys `keys` (``RowPolygonizer``'s: row above bit 33, padded column in bits 2-32,
        /// kind and direction in bits 1 and 0), sorted; nil when they are too many or spread too far.
        @inline(__always)
        init?(_ keys: [Int64]) {
            let n = keys.count
            guard n >= 4, n <= SmallPatchShapes.maxEdges else { return nil }
            let row0 = keys[0] >> 33, column0 = (keys[0] >> 2) & 0x7FFF_FFFF
            var low: UInt64 = 0, high = UInt64(n) << 56
            for i in 0..<n {
                let k = keys[i]
                let dy = (k >> 33) - row0, dx = ((k >> 2) & 0x7FFF_FFFF) - column0 + 8
                guard dy >= 0, dy < 8, dx >= 0, dx < 16 else { return nil }
                let field = UInt64(dy << 6 | dx << 2 | (k & 3))
                if i < 7 { low |= field << (9 * i) } else { high |= field << (9 * (i - 7)) }
            }
            self.low = low
            self.high = high
        }
    }

    private var outlines: [Shape: (rings: [[PixelCorner]], runs: [RowPolygonizer.PixelRun])] = [:]

    /// The corner at which a patch's outline is placed: its first edge key's (the top-left corner of its first edge).
    @inline(__always)
    static func origin(_ keys: [Int64]) -> (x: Int32, y: Int32) {
        (Int32(truncatingIfNeeded: (keys[0] >> 2) & 0x7FFF_FFFF) - 1, Int32(truncatingIfNeeded: keys[0] >> 33))
    }

    /// The outline of a patch of shape `shape` whose first edge is at `origin`, if that shape's was kept.
    func outline(of shape: Shape, at origin: (x: Int32, y: Int32)) -> (rings: [[PixelCorner]], runs: [RowPolygonizer.PixelRun])? {
        guard let o = outlines[shape] else { return nil }
        let dx = Int(origin.x), dy = Int(origin.y)
        let rings = o.rings.map { ring in ring.map { PixelCorner(x: $0.x + origin.x, y: $0.y + origin.y) } }
        let runs = o.runs.map { ($0.row + dy, ($0.columns.lowerBound + dx)..<($0.columns.upperBound + dx)) }
        return (rings, runs)
    }

    /// Keeps the traced outline of a patch of shape `shape` whose first edge is at `origin` (unless ``maxShapes`` are kept).
    mutating func keep(_ outline: (rings: [[PixelCorner]], runs: [RowPolygonizer.PixelRun]), as shape: Shape, at origin: (x: Int32, y: Int32)) {
        guard outlines.count < Self.maxShapes else { return }
        let dx = Int(origin.x), dy = Int(origin.y)
        outlines[shape] = (outline.rings.map { ring in ring.map { PixelCorner(x: $0.x - origin.x, y: $0.y - origin.y) } },
                           outline.runs.map { ($0.row - dy, ($0.columns.lowerBound - dx)..<($0.columns.upperBound - dx)) })
    }
}
