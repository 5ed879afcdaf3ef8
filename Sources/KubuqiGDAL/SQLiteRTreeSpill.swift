import Foundation

/// The boxes of an R-tree being packed (``SQLiteRTreeImage``) in bounded memory: at most `runSize` boxes
/// are held; when that many are added they are sorted as Sort-Tile-Recursive's first sort does (by the
/// centre's x, ties by id) and written as a sorted run to the scratch file `path` (24 bytes a box), and
/// the leaves are then made by merging the runs, one vertical slice at a time (a slice is about
/// √(51 n) boxes: about 20,000 for 8 million).
///
/// The tree is the one ``SQLiteRTreeImage`` packs from all the boxes at once, row for row (the same
/// leaves in the same order, since the sort order is total, the same inner levels and node numbers):
/// ``write(nodeSize:node:parent:rowid:)`` makes the leaves once, keeping their rectangles (the inner
/// levels and every node's number come from them, ``SQLiteRTreeImage/Levels``) and writing their boxes,
/// in the leaves' order, after the runs in the scratch file, then reads them back in that order to write
/// them; nothing in memory grows with the number of boxes but the leaves' rectangles, sizes and numbers
/// (about 33 bytes a leaf, under a byte a box). Fewer than `runSize` boxes never touch the file.
final class SQLiteRTreeSpill {
    /// A box as the R-tree stores it, and as a run holds it (24 bytes, no padding).
    struct Box {
        var id: Int64
        var rect: SQLiteRTreeImage.Rect
    }

    /// The scratch file of the sorted runs (made at the first spill, removed when this goes).
    let path: String
    /// The most boxes held in memory.
    let runSize: Int
    /// The boxes not yet written to a run.
    private(set) var held: [Box] = []
    /// The number of boxes in each run written, in the file's order.
    private(set) var runs: [Int] = []
    /// Boxes added in all.
    private(set) var count = 0
    /// The file of the spilled runs, created with the first spill.
    private var file: ScratchFile?

    /// Boxes are held up to `runSize` (positive), then spilled to `path` (which must not be needed for anything else).
    init(path: String, runSize: Int) {
        precondition(runSize > 0, "an R-tree run must hold at least one box")
        precondition(MemoryLayout<Box>.stride == 24, "a box must be 24 bytes")
        self.path = path
        self.runSize = runSize
    }

    deinit { file?.remove() }

    /// Whether any run went to the file (else ``held`` is every box).
    var spilled: Bool { !runs.isEmpty }

    /// Adds a box; the `runSize`-th held box writes a run.
    func add(id: Int64, rect: SQLiteRTreeImage.Rect) throws {
        held.append(Box(id: id, rect: rect))
        count += 1
        if held.count >= runSize { try spill() }
    }

    /// Sort-Tile-Recursive's first order: by the centre's x, ties by id (ids are distinct: a total order).
    static func xOrder(_ a: Box, _ b: Box) -> Bool {
        let ca = a.rect.centreX, cb = b.rect.centreX
        return ca != cb ? ca < cb : a.id < b.id
    }

    /// Its second order, within a slice: by the centre's y, ties by id.
    static func yOrder(_ a: Box, _ b: Box) -> Bool {
        let ca = a.rect.centreY, cb = b.rect.centreY
        return ca != cb ? ca < cb : a.id < b.id
    }

    /// Writes the held boxes, sorted, as a run at the end of the file.
    private func spill() throws {
        guard !held.isEmpty else { return }
        let file = try self.file ?? ScratchFile(path: path, name: "the scratch file")
        self.file = file
        held.sort(by: Self.xOrder)
        let offset = Int64(runs.reduce(0, +) * MemoryLayout<Box>.stride)
        try held.withUnsafeBytes { try file.write($0, at: offset) }
        runs.append(held.count)
        held.removeAll(keepingCapacity: true)
    }

    /// A `_rowid` row (an id and its leaf), as a run of them holds it (16 bytes).
    struct Placed {
        var id: Int64
        var node: Int64
    }

    /// Writes the packed tree of every box added through the callbacks, for nodes of `nodeSize` bytes, each table
    /// in its key's order (so that SQLite appends to each B-tree and writes each of its pages once): `node(number,
    /// blob)` the root, the leaves as they are made (numbered 2, 3...), then the other inner nodes; `parent(node,
    /// parent)` each node but the root; `rowid(id, leaf)` each box, in the ids' order (the (id, leaf) pairs, made in
    /// the leaves' order, go through sorted runs of `runSize` in the scratch file, after the boxes' runs, merged).
    /// The rows are those of ``SQLiteRTreeImage`` for the same boxes. No boxes: no rows.
    func write(nodeSize: Int, node: (Int64, [UInt8]) throws -> Void, parent: (Int64, Int64) throws -> Void,
               rowid: (Int64, Int64) throws -> Void) throws {
        guard count > 0 else { return }
        let capacity = SQLiteRTreeImage.capacity(nodeSize: nodeSize)
        try spill()
        held = []   // the memory of the held run goes back before the merge
        // The leaves made once: their rectangles and sizes kept, their boxes written in the leaves' order after the runs.
        let file = file!, stride = MemoryLayout<Box>.stride
        let leafBase = Int64(count * stride), placedBase = 2 * Int64(count * stride)
        var leafRects: [SQLiteRTreeImage.Rect] = [], leafSizes: [UInt8] = []
        var out: [Box] = [], written = 0
        out.reserveCapacity(Self.block + capacity)
        func flushOut() throws {
            guard !out.isEmpty else { return }
            try out.withUnsafeBytes { try file.write($0, at: leafBase + Int64(written * stride)) }
            written += out.count
            out.removeAll(keepingCapacity: true)
        }
        try forEachLeaf(capacity: capacity) { _, boxes in
            leafRects.append(boxes.dropFirst().reduce(boxes[boxes.startIndex].rect) { $0.union($1.rect) })
            leafSizes.append(UInt8(boxes.count))
            out.append(contentsOf: boxes)
            if out.count >= Self.block { try flushOut() }
        }
        try flushOut()
        out = []
        let shape = SQLiteRTreeImage.Levels(leafRects: leafRects, capacity: capacity)
        leafRects = []
        let inner = shape.innerNodes(nodeSize: nodeSize)
        if let root = inner.first { try node(root.number, root.data) }
        for p in shape.parents { try parent(p.node, p.parent) }
        // The (id, leaf) pairs in sorted runs after the leaves' boxes.
        var placed: [Placed] = [], placedRuns: [Int] = []
        placed.reserveCapacity(min(runSize, count))
        func spillPlaced() throws {
            guard !placed.isEmpty else { return }
            placed.sort { $0.id < $1.id }
            let offset = placedBase + Int64(placedRuns.reduce(0, +) * MemoryLayout<Placed>.stride)
            try placed.withUnsafeBytes { try file.write($0, at: offset) }
            placedRuns.append(placed.count)
            placed.removeAll(keepingCapacity: true)
        }
        // The leaves read back in their order, a block at a time.
        var block: [Box] = [], at = 0, read = 0
        for (leaf, size) in leafSizes.enumerated() {
            let size = Int(size)
            if at + size > block.count {
                let keep = Array(block[at...])
                let n = min(Self.block, count - read)
                let more = try [Box](unsafeUninitializedCapacity: n) { b, initialized in
                    try file.read(into: UnsafeMutableRawBufferPointer(b), at: leafBase + Int64(read * stride))
                    initialized = n
                }
                read += n
                block = keep + more
                at = 0
            }
            let boxes = block[at..<(at + size)]
            at += size
            let number = shape.numbers[0][leaf]
            try node(number, SQLiteRTreeImage.blob(nodeSize: nodeSize, depth: shape.depth == 0 ? 0 : nil, cells: boxes.map { ($0.id, $0.rect) }))
            for b in boxes {
                placed.append(Placed(id: b.id, node: number))
                if placed.count >= runSize { try spillPlaced() }
            }
        }
        for n in inner.dropFirst() { try node(n.number, n.data) }
        if placedRuns.isEmpty {
            placed.sort { $0.id < $1.id }
            for p in placed { try rowid(p.id, p.node) }
            return
        }
        try spillPlaced()
        placed = []
        var merge = try RunMerge<Placed>(file: file, base: placedBase, runs: placedRuns)
        for _ in 0..<count {
            let p = try merge.next()
            try rowid(p.id, p.node)
        }
    }

    /// Calls `body(leaf, boxes)` for each leaf of Sort-Tile-Recursive's grouping of all the boxes
    /// (``SQLiteRTreeImage/tile(_:keys:capacity:)`` at level 0), in its order: the runs merged in x
    /// order, cut into the same slices, each sorted in y order and cut into the same nodes.
    private func forEachLeaf(capacity: Int, _ body: (Int, ArraySlice<Box>) throws -> Void) throws {
        let n = count
        let nodeCount = (n + capacity - 1) / capacity
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        var merge = try RunMerge<Box>(file: file!, base: 0, runs: runs)
        var slice: [Box] = []
        var leaf = 0
        for s in 0..<sliceCount {
            let size = (s + 1) * n / sliceCount - s * n / sliceCount
            guard size > 0 else { continue }
            slice.removeAll(keepingCapacity: true)
            for _ in 0..<size { slice.append(try merge.next()) }
            slice.sort(by: Self.yOrder)
            let parts = (size + capacity - 1) / capacity
            for p in 0..<parts {
                try body(leaf, slice[(p * size / parts)..<((p + 1) * size / parts)])
                leaf += 1
            }
        }
    }

    /// Elements read from the scratch file at a time (96 KiB of boxes).
    static let block = 4096

    /// The bytes a merge of sorted runs reads its runs into (``RunMerge``): each run's block is this budget shared
    /// by the runs, at most ``block`` and at least ``minimumMergeBlock`` elements, so that the merge's buffer does not
    /// grow with the number of runs (at 128 runs of boxes, 8 million: 341 boxes a read instead of 4096, 1 MiB instead
    /// of 12 MiB; docs/benchmarks.md, "ldn memory from 2000 to 8000, session 17").
    static let mergeBudget = 1 << 20

    /// The fewest elements a run is read at a time: past `mergeBudget` / (this x the element's size) runs (about 680
    /// runs of boxes, 45 million boxes) the buffer grows again, by 1.5 KiB a run (0.02 bytes a box).
    static let minimumMergeBlock = 64

    /// The elements a merge of `runs` runs of `stride`-byte elements reads from each run at a time.
    static func mergeBlock(runs: Int, stride: Int) -> Int {
        min(block, max(minimumMergeBlock, mergeBudget / max(1, runs * stride)))
    }

    /// Sorted runs of the file (from byte `base`, elements of `T` packed) merged into one order (``SpillOrdered``; a
    /// binary heap of the runs' heads, each run read ``mergeBlock(runs:stride:)`` elements at a time into its part of
    /// one buffer).
    private struct RunMerge<T: SpillOrdered> {
        let file: ScratchFile
        let base: Int64
        /// Elements read from a run at a time.
        let block: Int
        /// Each run's next element in the file and its end.
        var cursor: [Int], end: [Int]
        /// Run r's block read so far is `buffer[positions[r] ..< limits[r]]` (indexes into the buffer, within run r's part
        /// `r * block ..< (r + 1) * block`).
        var buffer: [T], positions: [Int], limits: [Int]
        /// Runs by their head, smallest first.
        var heap: [Int] = []

        init(file: ScratchFile, base: Int64, runs: [Int]) throws {
            self.file = file
            self.base = base
            var start = 0
            cursor = []
            end = []
            for r in runs { cursor.append(start); start += r; end.append(start) }
            block = SQLiteRTreeSpill.mergeBlock(runs: runs.count, stride: MemoryLayout<T>.stride)
            let size = runs.count * block
            buffer = try [T](unsafeUninitializedCapacity: size) { b, initialized in
                _ = UnsafeMutableRawBufferPointer(b).initializeMemory(as: UInt8.self, repeating: 0)
                initialized = size
            }
            positions = Array(repeating: 0, count: runs.count)
            limits = Array(repeating: 0, count: runs.count)
            for r in runs.indices where try refill(r) { push(r) }
        }

        /// Reads run `r`'s next block; false when the run is done.
        private mutating func refill(_ r: Int) throws -> Bool {
            let n = min(block, end[r] - cursor[r])
            guard n > 0 else { return false }
            let stride = MemoryLayout<T>.stride
            let (file, offset, start) = (file, base + Int64(cursor[r] * stride), r * block)
            try buffer.withUnsafeMutableBufferPointer { b in
                try file.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: b[start..<(start + n)])), at: offset)
            }
            cursor[r] += n
            positions[r] = start
            limits[r] = start + n
            return true
        }

        private func less(_ a: Int, _ b: Int) -> Bool { T.precedes(buffer[positions[a]], buffer[positions[b]]) }

        private mutating func push(_ r: Int) {
            heap.append(r)
            var i = heap.count - 1
            while i > 0, less(heap[i], heap[(i - 1) / 2]) { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        }

        private mutating func siftDown() {
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, less(heap[l], heap[m]) { m = l }
                if r < heap.count, less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }

        /// The smallest element left (there must be one).
        mutating func next() throws -> T {
            guard let r = heap.first else { throw GDALError("cannot read \(file.name) \(file.path)", messages: ["fewer entries than written"]) }
            let element = buffer[positions[r]]
            positions[r] += 1
            if positions[r] == limits[r], !(try refill(r)) {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown() }
            return element
        }
    }
}

/// An element of ``SQLiteRTreeSpill``'s sorted runs: trivial (written and read as bytes), with its runs' order.
protocol SpillOrdered {
    /// Whether `a` comes before `b` (a strict total order).
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

extension SQLiteRTreeSpill.Box: SpillOrdered {
    /// Sort-Tile-Recursive's first order (``SQLiteRTreeSpill/xOrder(_:_:)``).
    static func precedes(_ a: Self, _ b: Self) -> Bool { SQLiteRTreeSpill.xOrder(a, b) }
}

extension SQLiteRTreeSpill.Placed: SpillOrdered {
    /// By id.
    static func precedes(_ a: Self, _ b: Self) -> Bool { a.id < b.id }
}
