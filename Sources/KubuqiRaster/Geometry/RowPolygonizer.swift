/// The patches of a label raster as polygons, fed one row at a time, in bounded memory: one polygon per
/// 4-connected group of pixels of one non-zero label (0 = no patch), its rings on pixel edges.
///
/// The polygons are GDAL 3.6's `GDALPolygonize` output for the same raster (4-connected, the band its own
/// mask): the same rings with the same corners in the same order, emitted in the same order. GDAL numbers
/// the row fragments of the patches as it meets them and joins them with a union-find whose merged root
/// is the current row's (`GDALRasterPolygonEnumerator`); it reads the raster twice, the first time only to
/// learn every fragment's final root, keeping two maps of every fragment of the whole raster (about
/// 24 bytes each, ×1.5-2 as they grow, plus 8 bytes a fragment for its polygon table: about 50 MB at
/// 2000 × 2000 for a noisy class map, 200 MB at 4000 × 4000). Every eighth row (rows 7, 15, ...) it
/// writes, in root order, the polygons with no edge on the last two rows, and at the end the rest in
/// root order.
///
/// This does the same in one pass. A patch's root is final once the patch has ended (no merge reaches
/// it later) and fragments of two patches never share one, so the union-find keeps only the roots of
/// the current and previous rows (renumbered every row, with GDAL's fragment number kept as a
/// patch's label of order); each open patch keeps its unit edges as GDAL's walk meets them (a key
/// of row, column and kind, sorted when it ends: merged patches' edges interleave). When a patch ends
/// its edges are joined into rings as GDAL joins them (``EdgeStrings``), and it waits for the row at
/// which GDAL writes it. Memory: the rows, the roots of two rows, the open patches' edges and the
/// patches waiting (under ten rows' worth): nothing grows with the raster's height.
public final class RowPolygonizer {
    /// A finished patch as `emit` is lent it: its label, GDAL's fragment number of its root (its place in GDAL's order),
    /// its rings (the first string GDAL started first), corners in pixel-edge units, and its runs.
    ///
    /// The rings and runs are the polygonizer's own buffers, valid only while `emit` runs (copy them to keep them:
    /// ``rings``, `Array(runs)`): the waiting patches' corners, ring sizes and runs are kept one after another in
    /// three buffers of the polygonizer, reused row after row, where each patch had an array per ring, one of rings and
    /// one of runs, allocated, retained and released (docs/benchmarks.md, "ldn patches, session 16").
    public struct Patch {
        /// The label (a non-zero value of the raster).
        public var label: Int32
        /// GDAL's number of the patch's root fragment (increasing within a batch of GDAL's output).
        public var order: Int64
        /// The last row holding pixels of the patch.
        public var lastRow: Int
        /// The corners of the rings one after another, each ring closed (its first corner again at its end).
        public var corners: UnsafeBufferPointer<PixelCorner>
        /// The number of corners of each ring, in order (the first ring first).
        public var ringSizes: UnsafeBufferPointer<Int32>
        /// The patch's pixels as runs along rows (row, columns), rows from the top, runs from the left: the pixels
        /// whose centres lie inside the rings (what ``PatchPolygons``' even-odd scan of the rings finds), read off
        /// the patch's vertical edges as it ends.
        public var runs: UnsafeBufferPointer<PixelRun>

        /// The rings copied, closed (first corner = last corner).
        public var rings: [[PixelCorner]] {
            var out: [[PixelCorner]] = []
            var at = 0
            for n in ringSizes {
                out.append(Array(corners[at..<(at + Int(n))]))
                at += Int(n)
            }
            return out
        }
    }

    /// A finished patch waiting for its row: where its rings and runs lie in the polygonizer's buffers.
    private struct Waiting {
        var label: Int32
        var order: Int64
        var lastRow: Int
        var corners: Range<Int>
        var sizes: Range<Int>
        var runs: Range<Int>
    }

    /// A run of a patch's pixels along one row.
    public typealias PixelRun = (row: Int, columns: Range<Int>)

    /// The raster's width in pixels.
    public let width: Int
    /// The next row to be added.
    public private(set) var row = 0
    /// GDAL's fragment counter (`NewPolygon`).
    private var fragments: Int64 = 0

    // The union-find of the fragments of the previous and current rows (slots renumbered every row).
    private var parent: [Int32] = []
    private var fragment: [Int64] = []
    private var open: [Int32] = []   // index into `edges` of a root's edges, -1: none yet
    // Each open patch's edges (keys, see `key`), by index; freed indices reused.
    private var edges: [[Int64]] = []
    private var freeEdges: [Int32] = []

    private var lastValues: [Int32], thisValues: [Int32]
    /// Slots of the previous and current rows' pixels, padded with -1 on both sides (GDAL's layout).
    private var lastSlots: [Int32], thisSlots: [Int32]
    private var remap: [Int32] = [], seen: [Int32] = []
    private var stamp: Int32 = 0
    /// The keys of the patch being finished, sorted (its buffer reused).
    private var keys: [Int64] = []
    /// The rings of the patch being finished (its buffers reused patch after patch).
    private var strings = EdgeStrings()
    /// The outlines of the small shapes met so far (a small patch's rings and runs translated, not traced).
    private var shapes = SmallPatchShapes()
    /// Finished patches waiting for the row at which GDAL writes them, in the order they ended; their corners, ring
    /// sizes and runs one after another in the same order.
    private var waiting: [Waiting] = []
    private var cornerPool: [PixelCorner] = []
    private var sizePool: [Int32] = []
    private var runPool: [PixelRun] = []
    /// The indices in ``waiting`` of the patches written at a step (reused).
    private var ready: [Int] = []

    /// The most fragment slots held at once (two rows' roots and the current row's new fragments).
    public private(set) var peakSlots = 0
    /// The most edges held at once by open patches.
    public private(set) var peakEdges = 0
    /// The most finished patches waiting at once.
    public private(set) var peakWaiting = 0
    private var heldEdges = 0
    /// The patches whose outline was a kept small shape's moved (``SmallPatchShapes``), not traced.
    public private(set) var outlinesMoved = 0

    /// A polygonizer of rows of `width` pixels.
    public init(width: Int) {
        precondition(width > 0 && width < Int(Int32.max) / 2, "a row must hold 1 to 2^30 pixels")
        self.width = width
        lastValues = [Int32](repeating: 0, count: width)
        thisValues = lastValues
        lastSlots = [Int32](repeating: -1, count: width + 2)
        thisSlots = lastSlots
    }

    /// The key of a unit edge met at GDAL's step (`iY`, `iX`): horizontal (the top edge of padded column
    /// `iX`) before vertical (its right edge), `direction` in the lowest bit; keys sort in GDAL's order.
    /// `iY` above bit 33, `iX` (at most 2^30) in bits 2-32: read back with shifts, no division.
    @inline(__always)
    private static func key(iY: Int, iX: Int, vertical: Bool, direction: Int) -> Int64 {
        (Int64(iY) << 33) | (Int64(iX) << 2) | (vertical ? 2 : 0) | Int64(direction)
    }

    private func find(_ s: Int32) -> Int32 {
        var r = s
        while parent[Int(r)] != r { r = parent[Int(r)] }
        var c = s
        while parent[Int(c)] != r { let n = parent[Int(c)]; parent[Int(c)] = r; c = n }
        return r
    }

    private func newFragment() -> Int32 {
        let s = Int32(parent.count)
        parent.append(s)
        fragment.append(fragments)
        open.append(-1)
        fragments += 1
        return s
    }

    /// GDAL's `MergePolygon(src, dst)`: the root of `dst` becomes the root of both.
    private func merge(_ src: Int32, into dst: Int32) {
        let rs = find(src), rd = find(dst)
        guard rs != rd else { return }
        parent[Int(rs)] = rd
        let a = open[Int(rs)], b = open[Int(rd)]
        if a < 0 { return }
        if b < 0 { open[Int(rd)] = a; open[Int(rs)] = -1; return }
        // Keep the longer list, append the shorter (sorted when the patch ends).
        let (keep, give) = edges[Int(a)].count > edges[Int(b)].count ? (a, b) : (b, a)
        edges[Int(keep)].append(contentsOf: edges[Int(give)])
        release(give)
        open[Int(rd)] = keep
        open[Int(rs)] = -1
    }

    /// Frees the edge list `e` for reuse, its buffer kept unless large (a patch's edges no longer allocate a list).
    private func release(_ e: Int32) {
        edges[Int(e)].removeAll(keepingCapacity: edges[Int(e)].capacity <= Self.keptCapacity)
        freeEdges.append(e)
    }

    /// The largest edge list (and sort buffer) whose buffer is kept for the next patch.
    private static let keptCapacity = 4096

    private func addEdge(_ slot: Int32, _ k: Int64) {
        let r = Int(slot)   // a root
        if open[r] < 0 {
            if let f = freeEdges.popLast() { open[r] = f } else { open[r] = Int32(edges.count); edges.append([]) }
        }
        edges[Int(open[r])].append(k)
        heldEdges += 1
    }

    /// GDAL's `AddEdges` over a whole step `iY` (rows iY-1 and iY; `thisSlots` all -1 past the last row).
    private func addEdges(iY: Int) {
        var right: Int32 = thisSlots[0] < 0 ? -1 : find(thisSlots[0])
        for iX in 0...width {
            let rt = thisSlots[iX + 1], p = lastSlots[iX]
            let this = right, previous = p < 0 ? -1 : find(p)
            right = rt < 0 ? -1 : find(rt)
            if this != previous {
                if this >= 0 { addEdge(this, Self.key(iY: iY, iX: iX, vertical: false, direction: 1)) }
                if previous >= 0 { addEdge(previous, Self.key(iY: iY, iX: iX, vertical: false, direction: 0)) }
            }
            if this != right {
                if this >= 0 { addEdge(this, Self.key(iY: iY, iX: iX, vertical: true, direction: 1)) }
                if right >= 0 { addEdge(right, Self.key(iY: iY, iX: iX, vertical: true, direction: 0)) }
            }
        }
    }

    /// GDAL's `ProcessLine` (4-connected) for the row in `thisValues`: a slot for every labelled pixel.
    private func processLine(first: Bool) {
        for i in 0..<width {
            let v = thisValues[i]
            if v == 0 {
                thisSlots[i + 1] = -1
            } else if first {
                thisSlots[i + 1] = i > 0 && v == thisValues[i - 1] ? thisSlots[i] : newFragment()
            } else if i > 0 && v == thisValues[i - 1] {
                thisSlots[i + 1] = thisSlots[i]
                if lastValues[i] == v { merge(lastSlots[i + 1], into: thisSlots[i + 1]) }
            } else if lastValues[i] == v {
                thisSlots[i + 1] = lastSlots[i + 1]
            } else {
                thisSlots[i + 1] = newFragment()
            }
        }
    }

    /// The rings of a patch from its edge keys in GDAL's order (``EdgeStrings``) and its runs, appended to the buffers of
    /// the waiting patches: in key order the vertical edges go row by row, column by column, each run between an edge with
    /// the patch on its right (direction 0) and the next with it on its left.
    private func trace(_ keys: [Int64]) {
        strings.removeAll()
        var runStart = 0
        for k in keys {
            let direction = Int(k & 1), vertical = k & 2 != 0
            let iY = Int32(truncatingIfNeeded: k >> 33), x = Int32(truncatingIfNeeded: (k >> 2) & 0x7FFF_FFFF) - 1
            if vertical {
                strings.add(PixelCorner(x: x + 1, y: iY), PixelCorner(x: x + 1, y: iY + 1), direction: direction)
                if direction == 0 { runStart = Int(x) + 1 } else { runPool.append((Int(iY), runStart..<(Int(x) + 1))) }
            } else {
                strings.add(PixelCorner(x: x, y: iY), PixelCorner(x: x + 1, y: iY), direction: direction)
            }
        }
        strings.rings(into: &cornerPool, sizes: &sizePool)
    }

    /// The patches of the previous row's roots that have no pixel in this row end: their rings are
    /// made and they wait for their row.
    private func finishEnded(lastRow: Int) {
        stamp &+= 1
        if seen.count < parent.count { seen.append(contentsOf: [Int32](repeating: 0, count: parent.count - seen.count)) }
        for i in 1...width where thisSlots[i] >= 0 { seen[Int(find(thisSlots[i]))] = stamp }
        for i in 1...width where lastSlots[i] >= 0 {
            let r = find(lastSlots[i])
            guard seen[Int(r)] != stamp else { continue }
            seen[Int(r)] = stamp
            let e = open[Int(r)]
            precondition(e >= 0, "polygonize: a patch without edges")
            swap(&keys, &edges[Int(e)])   // the list's buffer taken, the spare one left in its slot
            release(e)
            open[Int(r)] = -1
            heldEdges -= keys.count
            keys.sort()
            defer { keys.removeAll(keepingCapacity: keys.capacity <= Self.keptCapacity) }
            let c0 = cornerPool.count, s0 = sizePool.count, r0 = runPool.count
            if let shape = SmallPatchShapes.Shape(keys) {
                let origin = SmallPatchShapes.origin(keys)
                if shapes.append(shape, at: origin, corners: &cornerPool, sizes: &sizePool, runs: &runPool) {
                    outlinesMoved += 1
                } else {
                    trace(keys)
                    shapes.keep(corners: cornerPool[c0...], sizes: sizePool[s0...], runs: runPool[r0...], as: shape, at: origin)
                }
            } else {
                trace(keys)
            }
            waiting.append(Waiting(label: lastValues[i - 1], order: fragment[Int(r)], lastRow: lastRow, corners: c0..<cornerPool.count,
                                   sizes: s0..<sizePool.count, runs: r0..<runPool.count))
        }
        peakWaiting = max(peakWaiting, waiting.count)
    }

    /// GDAL's write at step `iY` (every eighth): the patches whose last row is iY-3 or earlier, in root order.
    private func write(step iY: Int, _ emit: (Patch) throws -> Void) throws {
        guard iY % 8 == 7 else { return }
        try emitWaiting(through: iY - 3, emit)
    }

    /// Lends `emit` the waiting patches whose last row is `lastRow` or earlier, in root order, and lets them go: the
    /// others (and their rings and runs) are moved up in the buffers, keeping their order.
    private func emitWaiting(through lastRow: Int, _ emit: (Patch) throws -> Void) throws {
        ready.removeAll(keepingCapacity: true)
        for i in waiting.indices where waiting[i].lastRow <= lastRow { ready.append(i) }
        guard !ready.isEmpty else { return }
        try waiting.withUnsafeBufferPointer { w in
            ready.sort { w[$0].order < w[$1].order }   // orders are unique: GDAL's order whatever the sort
            try cornerPool.withUnsafeBufferPointer { c in
                try sizePool.withUnsafeBufferPointer { s in
                    try runPool.withUnsafeBufferPointer { r in
                        for i in ready {
                            let p = w[i]
                            try emit(Patch(label: p.label, order: p.order, lastRow: p.lastRow,
                                           corners: UnsafeBufferPointer(rebasing: c[p.corners]),
                                           ringSizes: UnsafeBufferPointer(rebasing: s[p.sizes]),
                                           runs: UnsafeBufferPointer(rebasing: r[p.runs])))
                        }
                    }
                }
            }
        }
        // The patches left move up (each one's spans start at or after where it goes: moved forwards, in order).
        var kept = 0, c = 0, s = 0, r = 0
        for i in waiting.indices where waiting[i].lastRow > lastRow {
            var p = waiting[i]
            Self.move(&cornerPool, p.corners, to: c)
            Self.move(&sizePool, p.sizes, to: s)
            Self.move(&runPool, p.runs, to: r)
            p.corners = c..<(c + p.corners.count)
            p.sizes = s..<(s + p.sizes.count)
            p.runs = r..<(r + p.runs.count)
            c = p.corners.upperBound
            s = p.sizes.upperBound
            r = p.runs.upperBound
            waiting[kept] = p
            kept += 1
        }
        waiting.removeSubrange(kept...)
        cornerPool.removeSubrange(c...)
        sizePool.removeSubrange(s...)
        runPool.removeSubrange(r...)
    }

    /// Copies the elements of `a` in `span` to `a[at...]` (`at` <= `span.lowerBound`).
    @inline(__always)
    private static func move<T>(_ a: inout [T], _ span: Range<Int>, to at: Int) {
        guard at != span.lowerBound else { return }
        for k in 0..<span.count { a[at + k] = a[span.lowerBound + k] }
    }

    /// Keeps only the current row's roots, renumbered.
    private func compact() {
        if remap.count < parent.count { remap.append(contentsOf: [Int32](repeating: -1, count: parent.count - remap.count)) }
        var newParent: [Int32] = [], newFragment: [Int64] = [], newOpen: [Int32] = []
        newParent.reserveCapacity(width)
        var touched: [Int32] = []
        for i in 1...width where thisSlots[i] >= 0 {
            let r = find(thisSlots[i])
            if remap[Int(r)] < 0 {
                remap[Int(r)] = Int32(newParent.count)
                touched.append(r)
                newParent.append(Int32(newParent.count))
                newFragment.append(fragment[Int(r)])
                newOpen.append(open[Int(r)])
            }
            thisSlots[i] = remap[Int(r)]
        }
        for r in touched { remap[Int(r)] = -1 }
        parent = newParent
        fragment = newFragment
        open = newOpen
    }

    /// Adds the next row (`width` labels, 0 = no patch); `emit` gets the patches GDAL writes at this row, in its order.
    public func add(row values: UnsafeBufferPointer<Int32>, emit: (Patch) throws -> Void) throws {
        precondition(values.count == width, "a row of \(values.count) pixels, \(width) expected")
        for i in 0..<width { thisValues[i] = values[i] }
        processLine(first: row == 0)
        peakSlots = max(peakSlots, parent.count)
        addEdges(iY: row)
        peakEdges = max(peakEdges, heldEdges)
        if row > 0 { finishEnded(lastRow: row - 1) }
        try write(step: row, emit)
        compact()
        swap(&lastValues, &thisValues)
        swap(&lastSlots, &thisSlots)
        row += 1
    }

    /// Ends the raster: the last row's patches are finished and `emit` gets every patch left, in GDAL's order.
    public func finish(emit: (Patch) throws -> Void) throws {
        guard row > 0 else { return }
        for i in 0..<(width + 2) { thisSlots[i] = -1 }
        addEdges(iY: row)
        finishEnded(lastRow: row - 1)
        try write(step: row, emit)
        try emitWaiting(through: Int.max, emit)
        waiting = []
        cornerPool = []
        sizePool = []
        runPool = []
        parent = []
        fragment = []
        open = []
    }
}
