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

        /// The shape's hash for the outlines' `Dictionary`: both words through SplitMix64's finalizer, as
        /// ``PixelCorner``'s, instead of `Hasher` (SipHash) at every patch of at most ``maxEdges`` edges. The seed is
        /// mixed in; nothing depends on the table's order.
        func _rawHashValue(seed: Int) -> Int {
            var z = (low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &+ UInt64(bitPattern: Int64(seed)) &* 0xD6E8_FEB8_6659_FD93
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(bitPattern: UInt(truncatingIfNeeded: z ^ (z >> 31)))
        }
    }

    /// Where a kept outline lies in the flat buffers: its corners, its rings' corner counts and its runs.
    private struct Template {
        var corners: Range<Int32>
        var sizes: Range<Int32>
        var runs: Range<Int32>
    }

    private var outlines: [Shape: Template] = [:]
    // The kept outlines, relative to their origin, one after another (no array per outline).
    private var corners: [PixelCorner] = []
    private var sizes: [Int32] = []
    private var runs: [RowPolygonizer.PixelRun] = []

    /// The corner at which a patch's outline is placed: its first edge key's (the top-left corner of its first edge).
    @inline(__always)
    static func origin(_ keys: [Int64]) -> (x: Int32, y: Int32) {
        (Int32(truncatingIfNeeded: (keys[0] >> 2) & 0x7FFF_FFFF) - 1, Int32(truncatingIfNeeded: keys[0] >> 33))
    }

    /// Appends the outline of a patch of shape `shape` whose first edge is at `origin` to `corners`, `sizes` and `runs`
    /// (as ``EdgeStrings/rings(into:sizes:)`` and ``RowPolygonizer``'s trace append them), if that shape's was kept;
    /// false (nothing appended) if not.
    func append(_ shape: Shape, at origin: (x: Int32, y: Int32), corners outCorners: inout [PixelCorner], sizes outSizes: inout [Int32],
                runs outRuns: inout [RowPolygonizer.PixelRun]) -> Bool {
        guard let t = outlines[shape] else { return false }
        let dx = Int(origin.x), dy = Int(origin.y)
        for i in Int(t.corners.lowerBound)..<Int(t.corners.upperBound) {
            let c = corners[i]
            outCorners.append(PixelCorner(x: c.x + origin.x, y: c.y + origin.y))
        }
        outSizes.append(contentsOf: sizes[Int(t.sizes.lowerBound)..<Int(t.sizes.upperBound)])
        for i in Int(t.runs.lowerBound)..<Int(t.runs.upperBound) {
            let r = runs[i]
            outRuns.append((r.row + dy, (r.columns.lowerBound + dx)..<(r.columns.upperBound + dx)))
        }
        return true
    }

    /// Keeps the traced outline of a patch of shape `shape` whose first edge is at `origin` (unless ``maxShapes`` are kept):
    /// its corners `outlineCorners`, its rings' corner counts `outlineSizes` and its runs `outlineRuns`.
    mutating func keep(corners outlineCorners: ArraySlice<PixelCorner>, sizes outlineSizes: ArraySlice<Int32>,
                       runs outlineRuns: ArraySlice<RowPolygonizer.PixelRun>, as shape: Shape, at origin: (x: Int32, y: Int32)) {
        guard outlines.count < Self.maxShapes else { return }
        let dx = Int(origin.x), dy = Int(origin.y)
        let c0 = Int32(corners.count), s0 = Int32(sizes.count), r0 = Int32(runs.count)
        for c in outlineCorners { corners.append(PixelCorner(x: c.x - origin.x, y: c.y - origin.y)) }
        sizes.append(contentsOf: outlineSizes)
        for r in outlineRuns { runs.append((r.row - dy, (r.columns.lowerBound - dx)..<(r.columns.upperBound - dx))) }
        outlines[shape] = Template(corners: c0..<Int32(corners.count), sizes: s0..<Int32(sizes.count), runs: r0..<Int32(runs.count))
    }
}
