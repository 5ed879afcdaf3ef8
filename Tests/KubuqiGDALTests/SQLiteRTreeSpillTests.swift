@testable import KubuqiGDAL
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// The R-tree packed from sorted runs spilled to a file (``SQLiteRTreeSpill``) against the one
/// ``SQLiteRTreeImage`` packs from all the boxes at once (already checked against SQLite's format and
/// rounding by `SQLiteRTreeImageTests` and against GDAL's index by `GeoPackageRTreeTests`): the same
/// `_node`, `_parent` and `_rowid` rows, for boxes whose centres tie often (ties broken by id across runs).
final class SQLiteRTreeSpillTests: XCTestCase {
    func testSpilledTreeIsTheTreePackedAtOnce() throws {
        let tmp = try TemporaryFolder()
        var rng = SplitMix64(seed: 21)
        // Centres on a coarse lattice (many ties), ids shuffled so that runs do not hold consecutive ids.
        var ids = Array(Int64(1)...Int64(60_000))
        for i in stride(from: ids.count - 1, to: 0, by: -1) { ids.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let all: [(id: Int64, rect: SQLiteRTreeImage.Rect)] = ids.map { id in
            let x = Double(rng.next() % 60) * 10.25, y = Double(rng.next() % 60) * 7.5 - 100
            let w = Double(rng.next() % 3), h = Double(rng.next() % 3)
            return (id, .init(minX: x - w, maxX: x + w, minY: y - h, maxY: y + h))
        }
        // Several runs of even and uneven sizes; one run; a tree whose root is its only leaf; one box; runs longer
        // than the merge reads at a time (200 runs of 300 boxes: 218 a read; 600 of 100: 72), so runs are refilled.
        for (count, runSize) in [(12_345, 1000), (12_345, 997), (12_345, 20_000), (30, 7), (1, 5), (2_602, 2_601),
                                 (60_000, 300), (60_000, 100)] {
            let entries = Array(all.prefix(count))
            let spill = SQLiteRTreeSpill(path: tmp.file("runs-\(count)-\(runSize)"), runSize: runSize)
            for e in entries { try spill.add(id: e.id, rect: e.rect) }
            XCTAssertEqual(spill.spilled, count >= runSize, "\(count) in runs of \(runSize)")
            var nodes: [Int64: [UInt8]] = [:], parents: [Int64: Int64] = [:], rowids: [Int64: Int64] = [:]
            var order: [Int64] = [], parentOrder: [Int64] = [], rowidOrder: [Int64] = []
            try spill.write(nodeSize: 1228, node: { n, blob in
                XCTAssertNil(nodes[n], "node \(n) written twice")
                nodes[n] = blob
                order.append(n)
            }, parent: { parents[$0] = $1; parentOrder.append($0) }, rowid: { rowids[$0] = $1; rowidOrder.append($0) })
            let image = SQLiteRTreeImage(entries: entries, nodeSize: 1228)
            let expected = Dictionary(uniqueKeysWithValues: image.nodes.map { ($0.number, $0.data) })
            XCTAssertEqual(nodes.count, expected.count, "\(count) in runs of \(runSize)")
            XCTAssertEqual(expected.filter { nodes[$0.key] != $0.value }.count, 0, "nodes differing, \(count) in runs of \(runSize)")
            XCTAssertEqual(parents, Dictionary(uniqueKeysWithValues: image.parents.map { ($0.node, $0.parent) }), "\(count) in runs of \(runSize)")
            XCTAssertEqual(rowids, Dictionary(uniqueKeysWithValues: image.rowids.map { ($0.id, $0.node) }), "\(count) in runs of \(runSize)")
            XCTAssertEqual(rowids.count, count)
            XCTAssertEqual(order.first, 1, "the root first")
            // Each table in its key's order (SQLite appends to each B-tree, writing each page once).
            XCTAssertEqual(order, order.sorted(), "nodes in their numbers' order, \(count) in runs of \(runSize)")
            XCTAssertEqual(parentOrder, parentOrder.sorted(), "parents in their nodes' order, \(count) in runs of \(runSize)")
            XCTAssertEqual(rowidOrder, rowidOrder.sorted(), "rowids in the ids' order, \(count) in runs of \(runSize)")
            XCTAssertEqual(image.nodes.map(\.number), order, "the same order packed at once")
            XCTAssertEqual(image.rowids.map(\.id), rowidOrder)
            if count == 12_345 { XCTAssertEqual(image.depth, 2) }
        }
    }

    /// The merge's buffer stays within its budget whatever the number of runs, down to its floor of a read.
    func testMergeBufferBoundedWhateverTheRuns() {
        let box = MemoryLayout<SQLiteRTreeSpill.Box>.stride
        XCTAssertEqual(SQLiteRTreeSpill.mergeBlock(runs: 1, stride: box), SQLiteRTreeSpill.block)
        XCTAssertEqual(SQLiteRTreeSpill.mergeBlock(runs: 200, stride: box), 218)   // 1 MiB / (200 x 24)
        XCTAssertEqual(SQLiteRTreeSpill.mergeBlock(runs: 100_000, stride: box), SQLiteRTreeSpill.minimumMergeBlock)
        for runs in [1, 2, 8, 10, 11, 128, 500, 682] {
            let block = SQLiteRTreeSpill.mergeBlock(runs: runs, stride: box)
            XCTAssertLessThanOrEqual(runs * block * box, SQLiteRTreeSpill.mergeBudget, "\(runs) runs")
            XCTAssertGreaterThanOrEqual(block, SQLiteRTreeSpill.minimumMergeBlock)
        }
    }

    /// The scratch file goes with the spill.
    func testScratchFileRemoved() throws {
        let tmp = try TemporaryFolder()
        let path = tmp.file("runs")
        do {
            let spill = SQLiteRTreeSpill(path: path, runSize: 2)
            for i in 1...5 { try spill.add(id: Int64(i), rect: .init(minX: Double(i), maxX: Double(i), minY: 0, maxY: 1)) }
            XCTAssertTrue(FileManager.default.fileExists(atPath: path))
            XCTAssertEqual(spill.runs, [2, 2])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// A link planted at the scratch path is not followed: the spill fails and the file it names is untouched.
    func testLinkAtScratchPathNotFollowed() throws {
        let tmp = try TemporaryFolder()
        let victim = tmp.file("victim"), path = tmp.file("runs")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim)
        let spill = SQLiteRTreeSpill(path: path, runSize: 2)
        XCTAssertThrowsError(try (1...3).forEach { try spill.add(id: Int64($0), rect: .init(minX: 0, maxX: 1, minY: 0, maxY: 1)) })
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep")
    }
}
