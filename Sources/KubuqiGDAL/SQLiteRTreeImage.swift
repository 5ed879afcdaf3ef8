/// The rows of SQLite's three R-tree shadow tables (`<name>_node`, `<name>_parent`, `<name>_rowid`) for a
/// two-dimensional R-tree holding a given set of rectangles, packed in one go by Sort-Tile-Recursive
/// (Leutenegger, Lopez and Edgington 1997, "STR: a simple and efficient algorithm for R-tree packing",
/// ICDE) instead of inserted one by one. Pure Swift, no SQLite: ``GeoPackageRTree`` writes the rows.
///
/// The layout is SQLite's (ext/rtree/rtree.c, "Database Format of R-Tree Tables"): node 1 is the root; a
/// node is a blob of `nodeSize` bytes, a big-endian 16-bit depth (the root's: levels below it; 0 in
/// other nodes), a big-endian 16-bit cell count, then its cells of 24 bytes each, a big-endian 64-bit id
/// (the entry's id in a leaf, the child node's number in an inner node) and the rectangle as big-endian
/// 32-bit floats in column order (min x, max x, min y, max y); the rest is zero. `_rowid` maps each
/// entry's id to its leaf, `_parent` each node but the root to its parent. A rectangle's double
/// coordinates become floats as SQLite rounds them on insert (minima down, maxima up, ``roundDown(_:)``),
/// so the index holds the same boxes as one filled by SQLite's own inserts.
struct SQLiteRTreeImage {
    /// A rectangle as the R-tree stores it.
    struct Rect: Equatable {
        var minX: Float, maxX: Float, minY: Float, maxY: Float

        /// The rectangle SQLite stores for these double coordinates (minima rounded down, maxima up).
        init(minX: Double, maxX: Double, minY: Double, maxY: Double) {
            self.minX = SQLiteRTreeImage.roundDown(minX)
            self.maxX = SQLiteRTreeImage.roundUp(maxX)
            self.minY = SQLiteRTreeImage.roundDown(minY)
            self.maxY = SQLiteRTreeImage.roundUp(maxY)
        }

        init(floats minX: Float, _ maxX: Float, _ minY: Float, _ maxY: Float) {
            self.minX = minX
            self.maxX = maxX
            self.minY = minY
            self.maxY = maxY
        }

        func union(_ o: Rect) -> Rect {
            Rect(floats: min(minX, o.minX), max(maxX, o.maxX), min(minY, o.minY), max(maxY, o.maxY))
        }

        var centreX: Double { (Double(minX) + Double(maxX)) / 2 }
        var centreY: Double { (Double(minY) + Double(maxY)) / 2 }
    }

    /// SQLite's `RTREE_MAXCELLS`: at most 51 cells a node, whatever the page size.
    static let maximumCells = 51
    /// Bytes of one cell of a two-dimensional R-tree of 32-bit floats: id and four coordinates.
    static let cellBytes = 8 + 4 * 4

    /// The node size SQLite gives a new R-tree in a database of `pageSize`-byte pages (`getNodeSize`).
    static func nodeSize(pageSize: Int) -> Int { min(pageSize - 64, 4 + cellBytes * maximumCells) }

    /// `_node` rows: node number and blob, in the numbers' order (the root 1, the leaves, the other inner nodes; ``Levels``).
    private(set) var nodes: [(number: Int64, data: [UInt8])] = []
    /// `_parent` rows: node number and its parent's.
    private(set) var parents: [(node: Int64, parent: Int64)] = []
    /// `_rowid` rows: entry id and its leaf's node number, in the ids' order.
    private(set) var rowids: [(id: Int64, node: Int64)] = []
    /// Levels below the root (0: the root is the only leaf).
    private(set) var depth = 0

    /// Packs `entries` (id, rectangle; ids distinct) into nodes of `nodeSize` bytes. No entries: no rows
    /// (the R-tree keeps the empty root SQLite made).
    init(entries: [(id: Int64, rect: Rect)], nodeSize: Int) {
        let capacity = Self.capacity(nodeSize: nodeSize)
        guard !entries.isEmpty else { return }
        let leaves = Self.tile(entries.map(\.rect), keys: entries.map(\.id), capacity: capacity)
        let shape = Levels(leafRects: leaves.map { g in g.dropFirst().reduce(entries[g[0]].rect) { $0.union(entries[$1].rect) } },
                           capacity: capacity)
        depth = shape.depth
        parents = shape.parents
        // The rows in their keys' order: the root, the leaves (numbered in their order), the other inner nodes; ids.
        let inner = shape.innerNodes(nodeSize: nodeSize)
        nodes = Array(inner.prefix(1))
        for leaf in leaves.indices {
            let number = shape.numbers[0][leaf]
            let cells = leaves[leaf].map { entries[$0] }
            nodes.append((number, Self.blob(nodeSize: nodeSize, depth: shape.depth == 0 ? 0 : nil, cells: cells)))
            for c in cells { rowids.append((c.id, number)) }
        }
        nodes += inner.dropFirst()
        rowids.sort { $0.id < $1.id }
    }

    /// Cells a node of `nodeSize` bytes holds (at least two).
    static func capacity(nodeSize: Int) -> Int {
        let capacity = (nodeSize - 4) / cellBytes
        precondition(capacity >= 2, "an R-tree node of \(nodeSize) bytes holds fewer than two cells")
        return capacity
    }

    /// A node blob of `nodeSize` bytes holding `cells` (id, rectangle); `depth` is written into the root's
    /// header (nil: not the root, 0).
    static func blob(nodeSize: Int, depth: Int?, cells: [(id: Int64, rect: Rect)]) -> [UInt8] {
        var blob = [UInt8](repeating: 0, count: nodeSize)
        put(UInt16(depth ?? 0), into: &blob, at: 0)
        put(UInt16(cells.count), into: &blob, at: 2)
        for (k, c) in cells.enumerated() {
            let at = 4 + k * cellBytes
            put(UInt64(bitPattern: c.id), into: &blob, at: at)
            for (j, v) in [c.rect.minX, c.rect.maxX, c.rect.minY, c.rect.maxY].enumerated() { put(v.bitPattern, into: &blob, at: at + 8 + 4 * j) }
        }
        return blob
    }

    /// The tree above given leaves (level 0, in the order Sort-Tile-Recursive made them): the inner
    /// levels tiled from the leaves' rectangles, and every node's number: the root 1, then the leaves
    /// 2, 3... in their order, then each inner level from the lowest up in the order it was tiled (SQLite
    /// gives node numbers no meaning but the root's; in this order each shadow table is written in
    /// its key's order, leaves as they are made).
    struct Levels {
        /// `inner[l - 1]`: the nodes of level `l` (1...depth), each its children as indices into level `l - 1`.
        private(set) var inner: [[[Int]]] = []
        /// `rects[l]`: the rectangles of level `l`'s nodes (0..<depth: every level with a parent).
        private(set) var rects: [[Rect]]
        /// `numbers[l][node]`: the node's number (level 0: the leaves).
        private(set) var numbers: [[Int64]]
        /// `_parent` rows (node, parent), in the nodes' numbers' order.
        private(set) var parents: [(node: Int64, parent: Int64)] = []
        /// Levels below the root (0: the only leaf is the root).
        var depth: Int { inner.count }

        init(leafRects: [Rect], capacity: Int) {
            rects = [leafRects]
            while rects[inner.count].count > 1 {
                let below = rects[inner.count]
                let groups = SQLiteRTreeImage.tile(below, keys: (0..<Int64(below.count)).map { $0 }, capacity: capacity)
                inner.append(groups)
                if groups.count == 1 { break }
                rects.append(groups.map { g in g.dropFirst().reduce(below[g[0]]) { $0.union(below[$1]) } })
            }
            numbers = [[Int64](repeating: 0, count: leafRects.count)] + inner.map { [Int64](repeating: 0, count: $0.count) }
            // The root is 1; below it the levels from the leaves up, each in the order it was tiled: the leaves 2, 3...
            // in the order they are made, so that every table is filled in its key's order (each page written once).
            numbers[inner.count][0] = 1
            var next: Int64 = 2
            for level in 0..<inner.count {
                for node in numbers[level].indices { numbers[level][node] = next; next += 1 }
            }
            var parentOf = numbers.dropLast().map { [Int64](repeating: 0, count: $0.count) }
            for level in stride(from: inner.count, to: 0, by: -1) {
                for (node, children) in inner[level - 1].enumerated() {
                    for child in children { parentOf[level - 1][child] = numbers[level][node] }
                }
            }
            for level in parentOf.indices {
                for (node, parent) in parentOf[level].enumerated() { parents.append((numbers[level][node], parent)) }
            }
        }

        /// The `_node` rows of the inner levels (none when the root is the only leaf), in their numbers' order: the root
        /// (1) first, the others (numbered after the leaves) after it.
        func innerNodes(nodeSize: Int) -> [(number: Int64, data: [UInt8])] {
            var out: [(number: Int64, data: [UInt8])] = []
            for level in [depth] + Array(1..<max(1, depth)) where level > 0 {
                for node in inner[level - 1].indices {
                    let cells = inner[level - 1][node].map { (numbers[level - 1][$0], rects[level - 1][$0]) }
                    out.append((numbers[level][node], SQLiteRTreeImage.blob(nodeSize: nodeSize, depth: level == depth ? depth : nil, cells: cells)))
                }
            }
            return out
        }
    }

    /// Sort-Tile-Recursive grouping of `rects` into nodes of at most `capacity`: sorted by the centres'
    /// x into vertical slices of about √(nodes) nodes each, each slice sorted by the centres' y and cut
    /// into nodes. Sizes are spread evenly (no nearly empty last node); ties are broken by `keys`, so
    /// the grouping is the same on every run.
    static func tile(_ rects: [Rect], keys: [Int64], capacity: Int) -> [[Int]] {
        let n = rects.count
        let nodeCount = (n + capacity - 1) / capacity
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        let byX = rects.indices.sorted { a, b in
            let ca = rects[a].centreX, cb = rects[b].centreX
            return ca != cb ? ca < cb : keys[a] < keys[b]
        }
        var groups: [[Int]] = []
        groups.reserveCapacity(nodeCount + sliceCount)
        for s in 0..<sliceCount {
            let slice = byX[(s * n / sliceCount)..<((s + 1) * n / sliceCount)]
            guard !slice.isEmpty else { continue }
            let byY = slice.sorted { a, b in
                let ca = rects[a].centreY, cb = rects[b].centreY
                return ca != cb ? ca < cb : keys[a] < keys[b]
            }
            let parts = (byY.count + capacity - 1) / capacity
            for p in 0..<parts { groups.append(Array(byY[(p * byY.count / parts)..<((p + 1) * byY.count / parts)])) }
        }
        return groups
    }

    static func put<T: FixedWidthInteger>(_ value: T, into blob: inout [UInt8], at offset: Int) {
        withUnsafeBytes(of: value.bigEndian) { bytes in
            for (i, b) in bytes.enumerated() { blob[offset + i] = b }
        }
    }

    // SQLite's rtreeValueDown / rtreeValueUp (ext/rtree/rtree.c): a double as a float rounded toward
    // minus or plus infinity, by SQLite's own rule (scaling by 1 -/+ 2^-23 when the nearest float overshoots).
    private static let towards = 1.0 - 1.0 / 8_388_608.0
    private static let away = 1.0 + 1.0 / 8_388_608.0

    /// A minimum as SQLite's R-tree stores it.
    static func roundDown(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) > d { f = Float(d * (d < 0 ? away : towards)) }
        return f
    }

    /// A maximum as SQLite's R-tree stores it.
    static func roundUp(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) < d { f = Float(d * (d < 0 ? towards : away)) }
        return f
    }
}
