/// A corner of the pixel grid: column edge `x`, row edge `y` (pixel (c, r) spans x c...c+1, y r...r+1).
public struct PixelCorner: Hashable, Sendable {
    /// The column edge.
    public var x: Int32
    /// The row edge.
    public var y: Int32

    /// The corner at column edge `x`, row edge `y`.
    public init(x: Int32, y: Int32) {
        self.x = x
        self.y = y
    }

    /// The corner's hash for `Dictionary` and `Set`: both coordinates in one 64-bit word through SplitMix64's
    /// finalizer instead of `Hasher` (SipHash), whose seeding and finalizing took about 9 % of the CPU of ldn
    /// with patches at 2000 x 2000 in ``EdgeStrings``' corner maps (docs/benchmarks.md, "ldn patch writing"). The seed is mixed
    /// in, so iteration orders still differ between runs; nothing here depends on them.
    public func _rawHashValue(seed: Int) -> Int {
        var z = (UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y))) &+ UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(bitPattern: UInt(truncatingIfNeeded: z ^ (z >> 31)))
    }
}

/// The outline of one patch being formed from unit pixel edges, joined into rings exactly as GDAL 3.6's
/// polygonize joins them (its `RPolygon`: `AddSegment`, `Merge`, `Coalesce`, alg/polygonize.cpp), so that
/// the rings, their vertices, their starting corners and their order are GDAL's: strings of corners
/// numbered in the order they are started, each extended at its end by the next edge (a straight
/// continuation moves the last corner instead of adding one), the strings meeting at a corner joined
/// as GDAL joins them, and at the end each string in number order closed by merging the others into it.
struct EdgeStrings {
    /// The two strings (at most) starting or ending at a corner (-1: none).
    typealias Ends = (first: Int, second: Int)

    /// The strings by number (nil: merged into another).
    private(set) var strings: [[PixelCorner]?] = []
    private var starts = CornerEnds()
    private var ends = CornerEnds()

    /// Empties the strings for the next patch, keeping the buffers (one ``EdgeStrings`` serves every patch of a
    /// ``RowPolygonizer``: a fresh one a patch allocated two hash tables and grew them).
    mutating func removeAll() {
        strings.removeAll(keepingCapacity: true)
        starts.removeAll()
        ends.removeAll()
    }

    /// A string other than `excluded` with an extremity at `xy` in `map` (-1: none).
    private static func find(_ map: CornerEnds, _ xy: PixelCorner, not excluded: Int) -> Int {
        guard let e = map[xy] else { return -1 }
        if e.first != excluded { return e.first }
        if e.second != excluded { return e.second }
        return -1
    }

    private static func remove(_ map: inout CornerEnds, _ xy: PixelCorner, _ id: Int) {
        guard var e = map[xy] else { preconditionFailure("edge strings: no extremity at (\(xy.x), \(xy.y))") }
        if e.first == id {
            e.first = e.second
            e.second = -1
            if e.first < 0 { map[xy] = nil } else { map[xy] = e }
        } else if e.second == id {
            e.second = -1
            map[xy] = e
        } else {
            preconditionFailure("edge strings: string \(id) has no extremity at (\(xy.x), \(xy.y))")
        }
    }

    private static func insert(_ map: inout CornerEnds, _ xy: PixelCorner, _ id: Int) {
        if var e = map[xy] {
            e.second = id
            map[xy] = e
        } else {
            map[xy] = (id, -1)
        }
    }

    /// Appends string `src` to string `base` (forwards for `direction` 1, backwards for -1), without
    /// their shared corner twice; `src` goes.
    private mutating func merge(_ base: Int, _ src: Int, direction: Int) {
        let string = strings[src]!
        let baseEnd = strings[base]!.last!
        Self.remove(&ends, baseEnd, base)
        if direction == 1 {
            strings[base]!.append(contentsOf: string[1...])
        } else {
            strings[base]!.append(contentsOf: string[..<(string.count - 1)].reversed())
        }
        Self.remove(&starts, string.first!, src)
        Self.remove(&ends, string.last!, src)
        strings[src] = nil
        Self.insert(&ends, strings[base]!.last!, base)
    }

    /// Adds the unit edge from `a` to `b` (GDAL's `AddSegment`; `direction` 1 when the patch lies below
    /// or left of it as polygonize walks, 0 otherwise).
    mutating func add(_ a: PixelCorner, _ b: PixelCorner, direction: Int) {
        var existing = Self.find(ends, a, not: -1)
        if existing >= 0 {
            let other = Self.find(ends, a, not: existing)
            if other >= 0 {
                // Two strings end here: take the one in the same pixel as this edge.
                let s2 = strings[other]!
                let n2 = s2.count
                if a.x == b.x {
                    if s2[n2 - 2].y == s2[n2 - 1].y { existing = other }
                } else {
                    if s2[n2 - 2].x == s2[n2 - 1].x { existing = other }
                }
            }
            let s = strings[existing]!
            let n = s.count
            let lastLength = max(abs(s[n - 2].x - s[n - 1].x), abs(s[n - 2].y - s[n - 1].y))
            Self.remove(&ends, s[n - 1], existing)
            if s[n - 2].x - s[n - 1].x == (s[n - 1].x - b.x) * lastLength, s[n - 2].y - s[n - 1].y == (s[n - 1].y - b.y) * lastLength {
                strings[existing]![n - 1] = b
            } else {
                strings[existing]!.append(b)
            }
            Self.insert(&ends, b, existing)
        } else {
            existing = strings.count
            strings.append([a, b])
            Self.insert(&starts, a, existing)
            Self.insert(&ends, b, existing)
        }
        if direction == 1 {
            let other = Self.find(ends, b, not: existing)
            if other >= 0 { merge(existing, other, direction: -1) }
        }
    }

    /// Joins the strings into closed rings (GDAL's `Coalesce`) and returns them in number order.
    mutating func rings() -> [[PixelCorner]] {
        var id = 0
        while id < strings.count {
            defer { id += 1 }
            guard strings[id] != nil else { continue }
            while true {
                let end = strings[id]!.last!
                var other = Self.find(starts, end, not: id)
                if other != -1 { merge(id, other, direction: 1); continue }
                other = Self.find(ends, end, not: id)
                if other != -1 { merge(id, other, direction: -1); continue }
                break
            }
        }
        return strings.compactMap { $0 }
    }
}

/// The strings' extremities by corner (``EdgeStrings``): a map from corner to ``EdgeStrings/Ends``, searched
/// linearly in two flat arrays while it holds few corners (the patches of a noisy class map are mostly a few
/// pixels: a handful of open extremities), a `Dictionary` once it holds more than ``linearLimit``.
/// Which it is changes nothing but the time: it is a map (no order is read from it).
struct CornerEnds {
    /// The most corners searched linearly.
    static let linearLimit = 24

    private var corners: [PixelCorner] = []
    private var values: [EdgeStrings.Ends] = []
    private var table: [PixelCorner: EdgeStrings.Ends]?

    /// Empties the map, keeping the flat arrays' capacity (a large patch's table goes).
    mutating func removeAll() {
        corners.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        table = nil
    }

    @inline(__always)
    private func index(_ xy: PixelCorner) -> Int? {
        var i = 0
        let n = corners.count
        while i < n {
            if corners[i] == xy { return i }
            i += 1
        }
        return nil
    }

    /// The ends at `xy` (nil: none); setting nil removes them.
    subscript(xy: PixelCorner) -> EdgeStrings.Ends? {
        get {
            if let table { return table[xy] }
            return index(xy).map { values[$0] }
        }
        set {
            if table != nil {
                table![xy] = newValue
                return
            }
            if let i = index(xy) {
                if let newValue {
                    values[i] = newValue
                } else {
                    corners.swapAt(i, corners.count - 1)
                    values.swapAt(i, values.count - 1)
                    corners.removeLast()
                    values.removeLast()
                }
            } else if let newValue {
                if corners.count < Self.linearLimit {
                    corners.append(xy)
                    values.append(newValue)
                } else {
                    var t = [PixelCorner: EdgeStrings.Ends](minimumCapacity: 4 * Self.linearLimit)
                    for (c, v) in zip(corners, values) { t[c] = v }
                    t[xy] = newValue
                    table = t
                    corners.removeAll(keepingCapacity: true)
                    values.removeAll(keepingCapacity: true)
                }
            }
        }
    }
}
