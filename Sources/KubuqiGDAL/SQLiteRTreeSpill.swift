import Foundation

/// The boxes of an R-tree being packed (``SQLiteRTreeImage``) in bounded memory: at most `runSize` boxes
/// are held; when that many are added they are sorted as Sort-Tile-Recursive's first sort does (by the
/// centre's x, ties by id) and written as a sorted run to the scratch file `path` (24 bytes a box), and
/// the leaves are then made by merging the runs, one vertical slice at a time (a slice is about
/// √(51 n) boxes: about 20,000 for 8 million).
///
/// The tree is the one ``SQLiteRTreeImage`` packs from all the boxes at once, row for row (the same
/// leaves in the same order, since the sort order is total, the same inner levels and node numbers):
/// ``write(nodeSize:node:parent:rowid:)`` makes the leaves twice, once for their rectangles (the inner
/// levels and every node's number come from them, ``SQLiteRTreeImage/Levels``) and once to write them,
/// so nothing in memory grows with the number of boxes but the leaves' rectangles and numbers (about
/// 24 bytes a leaf, under a byte a box). Fewer than `runSize` boxes never touch the file.
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

    /// Writes the packed tree of every box added through the callbacks, for nodes of `nodeSize` bytes:
    /// `node(number, blob)` the inner nodes in their numbers' order then the leaves in the order they
    /// are made, `parent(node, parent)` each node but the root, `rowid(id, leaf)` each box. The rows are
    /// those of ``SQLiteRTreeImage`` for the same boxes. No boxes: no rows.
    func write(nodeSize: Int, node: (Int64, [UInt8]) throws -> Void, parent: (Int64, Int64) throws -> Void,
               rowid: (Int64, Int64) throws -> Void) throws {
        guard count > 0 else { return }
        let capacity = SQLiteRTreeImage.capacity(nodeSize: nodeSize)
        try spill()
        held = []   // the memory of the held run goes back before the merge
        var leafRects: [SQLiteRTreeImage.Rect] = []
        try forEachLeaf(capacity: capacity) { _, boxes in
            leafRects.append(boxes.dropFirst().reduce(boxes[boxes.startIndex].rect) { $0.union($1.rect) })
        }
        let shape = SQLiteRTreeImage.Levels(leafRects: leafRects, capacity: capacity)
        leafRects = []
        for n in shape.innerNodes(nodeSize: nodeSize) { try node(n.number, n.data) }
        for p in shape.parents { try parent(p.node, p.parent) }
        try forEachLeaf(capacity: capacity) { leaf, boxes in
            let number = shape.numbers[0][leaf]
            try node(number, SQLiteRTreeImage.blob(nodeSize: nodeSize, depth: nil, cells: boxes.map { ($0.id, $0.rect) }))
            for b in boxes { try rowid(b.id, number) }
        }
    }

    /// Calls `body(leaf, boxes)` for each leaf of Sort-Tile-Recursive's grouping of all the boxes
    /// (``SQLiteRTreeImage/tile(_:keys:capacity:)`` at level 0), in its order: the runs merged in x
    /// order, cut into the same slices, each sorted in y order and cut into the same nodes.
    private func forEachLeaf(capacity: Int, _ body: (Int, ArraySlice<Box>) throws -> Void) throws {
        let n = count
        let nodeCount = (n + capacity - 1) / capacity
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        var merge = try RunMerge(file: file!, runs: runs)
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

    /// The sorted runs of the file merged into one x order (a binary heap of the runs' heads, each run
    /// read a block at a time).
    private struct RunMerge {
        /// Boxes read from a run at a time (96 KiB).
        static let block = 4096
        let file: ScratchFile
        /// Each run's first box in the file, end, and its block read so far.
        var cursor: [Int], end: [Int], buffers: [[Box]], positions: [Int]
        /// Runs by their head, smallest first.
        var heap: [Int] = []

        init(file: ScratchFile, runs: [Int]) throws {
            self.file = file
            var start = 0
            cursor = []
            end = []
            for r in runs { cursor.append(start); start += r; end.append(start) }
            buffers = Array(repeating: [], count: runs.count)
            positions = Array(repeating: 0, count: runs.count)
            for r in runs.indices where try refill(r) { push(r) }
        }

        /// Reads run `r`'s next block; false when the run is done.
        private mutating func refill(_ r: Int) throws -> Bool {
            let n = min(Self.block, end[r] - cursor[r])
            guard n > 0 else { return false }
            var boxes = [Box](repeating: Box(id: 0, rect: .init(floats: 0, 0, 0, 0)), count: n)
            let stride = MemoryLayout<Box>.stride
            let (file, offset) = (file, Int64(cursor[r] * stride))
            try boxes.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            cursor[r] += n
            buffers[r] = boxes
            positions[r] = 0
            return true
        }

        private func head(_ r: Int) -> Box { buffers[r][positions[r]] }
        private func less(_ a: Int, _ b: Int) -> Bool { SQLiteRTreeSpill.xOrder(head(a), head(b)) }

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

        /// The smallest box left (there must be one).
        mutating func next() throws -> Box {
            guard let r = heap.first else { throw GDALError("cannot read \(file.name) \(file.path)", messages: ["fewer boxes than written"]) }
            let box = head(r)
            positions[r] += 1
            if positions[r] == buffers[r].count, !(try refill(r)) {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown() }
            return box
        }
    }
}
