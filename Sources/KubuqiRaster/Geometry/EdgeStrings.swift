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
///
/// Storage: every string is a singly linked list of corner nodes in flat arrays shared by all strings of the
/// patch (and, emptied, by every patch of a ``RowPolygonizer``), with its head, its tail and the node before
/// its tail: extending, moving the last corner and joining another string forwards are O(1), joining it
/// backwards reverses its links in place; no array per string (GDAL's `std::vector` per string, the nested
/// `[[PixelCorner]?]` before: a buffer per string, grown and copied, uniqueness checks and reference counts on
/// every step; docs/benchmarks.md, "ldn patches, session 13").
struct EdgeStrings {
    /// The two strings (at most) starting or ending at a corner (-1: none).
    typealias Ends = (first: Int, second: Int)

    // Nodes: a corner and the next node of its string (-1: the tail).
    private var corner: [PixelCorner] = []
    private var next: [Int32] = []
    // Strings by number: the first node (-1: merged into another), the last node, the node before the last.
    private var head: [Int32] = []
    private var tail: [Int32] = []
    private var beforeTail: [Int32] = []
    private var starts = CornerEnds()
    private var ends = CornerEnds()

    /// Empties the strings for the next patch, keeping the buffers (one ``EdgeStrings`` serves every patch of a
    /// ``RowPolygonizer``: a fresh one a patch allocated two hash tables and grew them).
    mutating func removeAll() {
        corner.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        head.removeAll(keepingCapacity: true)
        tail.removeAll(keepingCapacity: true)
        beforeTail.removeAll(keepingCapacity: true)
        starts.removeAll()
        ends.removeAll()
    }

    /// A string other than `excluded` with an extremity at `xy` in `map` (-1: none).
    @inline(__always)
    private static func find(_ map: CornerEnds, _ xy: PixelCorner, not excluded: Int) -> Int {
        guard let e = map[xy] else { return -1 }
        if e.first != excluded { return e.first }
        if e.second != excluded { return e.second }
        return -1
    }

    private static func remove(_ map: inout CornerEnds, _ xy: PixelCorner, _ id: Int) {
        guard map.remove(id, at: xy) else { preconditionFailure("edge strings: string \(id) has no extremity at (\(xy.x), \(xy.y))") }
    }

    @inline(__always)
    private static func insert(_ map: inout CornerEnds, _ xy: PixelCorner, _ id: Int) {
        map.insert(id, at: xy)
    }

    /// A new node holding `xy`, linked to nothing.
    @inline(__always)
    private mutating func node(_ xy: PixelCorner) -> Int32 {
        corner.append(xy)
        next.append(-1)
        return Int32(corner.count - 1)
    }

    /// Appends string `src` to string `base` (forwards for `direction` 1, backwards for -1), without
    /// their shared corner twice; `src` goes.
    private mutating func merge(_ base: Int, _ src: Int, direction: Int) {
        let baseTail = tail[base]
        let srcHead = head[src], srcTail = tail[src], srcBeforeTail = beforeTail[src]
        let srcFirst = corner[Int(srcHead)], srcLast = corner[Int(srcTail)]
        Self.remove(&ends, corner[Int(baseTail)], base)
        if direction == 1 {
            // src[1...]: from the node after its first.
            let second = next[Int(srcHead)]
            next[Int(baseTail)] = second
            tail[base] = srcTail
            beforeTail[base] = second == srcTail ? baseTail : srcBeforeTail
        } else {
            // src[..<(count - 1)].reversed(): its nodes but the last, their links reversed.
            let second = next[Int(srcHead)]
            var previous: Int32 = -1, n = srcHead
            while true {
                let following = next[Int(n)]
                next[Int(n)] = previous
                if n == srcBeforeTail { break }
                previous = n
                n = following
            }
            next[Int(baseTail)] = srcBeforeTail
            tail[base] = srcHead
            beforeTail[base] = srcHead == srcBeforeTail ? baseTail : second
        }
        Self.remove(&starts, srcFirst, src)
        Self.remove(&ends, srcLast, src)
        head[src] = -1
        Self.insert(&ends, corner[Int(tail[base])], base)
    }

    /// Adds the unit edge from `a` to `b` (GDAL's `AddSegment`; `direction` 1 when the patch lies below
    /// or left of it as polygonize walks, 0 otherwise).
    mutating func add(_ a: PixelCorner, _ b: PixelCorner, direction: Int) {
        var existing = Self.find(ends, a, not: -1)
        if existing >= 0 {
            let other = Self.find(ends, a, not: existing)
            if other >= 0 {
                // Two strings end here: take the one in the same pixel as this edge.
                let p2 = corner[Int(beforeTail[other])], l2 = corner[Int(tail[other])]
                if a.x == b.x {
                    if p2.y == l2.y { existing = other }
                } else {
                    if p2.x == l2.x { existing = other }
                }
            }
            let t = tail[existing]
            let p = corner[Int(beforeTail[existing])], l = corner[Int(t)]
            let lastLength = max(abs(p.x - l.x), abs(p.y - l.y))
            Self.remove(&ends, l, existing)
            if p.x - l.x == (l.x - b.x) * lastLength, p.y - l.y == (l.y - b.y) * lastLength {
                corner[Int(t)] = b
            } else {
                let n = node(b)
                next[Int(t)] = n
                beforeTail[existing] = t
                tail[existing] = n
            }
            Self.insert(&ends, b, existing)
        } else {
            existing = head.count
            let na = node(a), nb = node(b)
            next[Int(na)] = nb
            head.append(na)
            tail.append(nb)
            beforeTail.append(na)
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
        var corners: [PixelCorner] = [], sizes: [Int32] = []
        rings(into: &corners, sizes: &sizes)
        var out: [[PixelCorner]] = []
        var at = 0
        for n in sizes {
            out.append(Array(corners[at..<(at + Int(n))]))
            at += Int(n)
        }
        return out
    }

    /// Joins the strings into closed rings (GDAL's `Coalesce`) and appends them in number order to `corners`, one
    /// after another (each closed: its first corner again at its end), and their corner counts to `sizes`: no array
    /// per ring (``RowPolygonizer`` keeps its waiting patches' rings in one buffer; docs/benchmarks.md, "ldn patches,
    /// session 16").
    mutating func rings(into corners: inout [PixelCorner], sizes: inout [Int32]) {
        for id in 0..<head.count where head[id] >= 0 {
            while true {
                let end = corner[Int(tail[id])]
                var other = Self.find(starts, end, not: id)
                if other != -1 { merge(id, other, direction: 1); continue }
                other = Self.find(ends, end, not: id)
                if other != -1 { merge(id, other, direction: -1); continue }
                break
            }
        }
        for id in 0..<head.count where head[id] >= 0 {
            let first = corners.count
            var n = Int(head[id])
            while n >= 0 {
                corners.append(corner[n])
                n = Int(next[n])
            }
            sizes.append(Int32(corners.count - first))
        }
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

    /// Takes string `id` off the ends at `xy` (the second, if any, becomes the first; none left: the corner goes), in
    /// one search; false when `id` has no end there. The same as reading the ends and setting them back.
    mutating func remove(_ id: Int, at xy: PixelCorner) -> Bool {
        if table != nil {
            guard var e = table![xy], Self.drop(id, from: &e) else { return false }
            table![xy] = e.first < 0 ? nil : e
            return true
        }
        guard let i = index(xy) else { return false }
        var e = values[i]
        guard Self.drop(id, from: &e) else { return false }
        if e.first < 0 {
            corners.swapAt(i, corners.count - 1)
            values.swapAt(i, values.count - 1)
            corners.removeLast()
            values.removeLast()
        } else {
            values[i] = e
        }
        return true
    }

    /// Adds string `id` to the ends at `xy`: the first if there are none, else the second (replacing any second), in one search.
    mutating func insert(_ id: Int, at xy: PixelCorner) {
        if table == nil, let i = index(xy) {
            values[i].second = id
            return
        }
        if table != nil, var e = table![xy] {
            e.second = id
            table![xy] = e
            return
        }
        self[xy] = (id, -1)
    }

    @inline(__always)
    private static func drop(_ id: Int, from e: inout EdgeStrings.Ends) -> Bool {
        if e.first == id {
            e.first = e.second
            e.second = -1
            return true
        }
        if e.second == id {
            e.second = -1
            return true
        }
        return false
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
