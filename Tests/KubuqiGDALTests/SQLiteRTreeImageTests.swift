@testable import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The R-tree rows ``SQLiteRTreeImage`` packs: a node blob worked by hand from SQLite's format
/// (ext/rtree/rtree.c), the float rounding against SQLite's own (an R-tree filled by SQLite in
/// Python's sqlite3 module), and the shape of a tree of several levels.
final class SQLiteRTreeImageTests: XCTestCase {
    /// Two entries fit in one node, the root, which is a leaf (depth 0).
    func testOneLeafBlobByHand() {
        let image = SQLiteRTreeImage(entries: [(7, .init(minX: 0, maxX: 1, minY: -2, maxY: 0.5)), (300, .init(minX: 2, maxX: 3, minY: 4, maxY: 5))],
                                     nodeSize: 1228)
        XCTAssertEqual(image.depth, 0)
        XCTAssertEqual(image.nodes.count, 1)
        XCTAssertTrue(image.parents.isEmpty)
        XCTAssertEqual(image.rowids.map(\.id).sorted(), [7, 300])
        XCTAssertEqual(Set(image.rowids.map(\.node)), [1])
        let blob = image.nodes[0].data
        XCTAssertEqual(image.nodes[0].number, 1)
        XCTAssertEqual(blob.count, 1228)
        // depth 0, 2 cells; then each cell: id (8 bytes, big-endian), minx, maxx, miny, maxy (IEEE 754 single, big-endian).
        XCTAssertEqual(Array(blob[0..<4]), [0, 0, 0, 2])
        let cells = [Array(blob[4..<28]), Array(blob[28..<52])].sorted { $0[7] < $1[7] }
        // 7, 0.0 = 00000000, 1.0 = 3F800000, -2.0 = C0000000, 0.5 = 3F000000.
        XCTAssertEqual(cells[0], [0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0, 0x3F, 0, 0, 0])
        // 300 = 0x012C, 2.0 = 40000000, 3.0 = 40400000, 4.0 = 40800000, 5.0 = 40A00000.
        XCTAssertEqual(cells[1], [0, 0, 0, 0, 0, 0, 0x01, 0x2C, 0x40, 0, 0, 0, 0x40, 0x40, 0, 0, 0x40, 0x80, 0, 0, 0x40, 0xA0, 0, 0])
        XCTAssertTrue(blob[52...].allSatisfy { $0 == 0 })
    }

    /// Doubles become floats as SQLite's R-tree stores them: inserted into an R-tree by SQLite (Python's
    /// sqlite3) and read back, against ``SQLiteRTreeImage/roundDown(_:)`` and ``SQLiteRTreeImage/roundUp(_:)``.
    func testRoundingIsSQLites() throws {
        guard let python = PythonReference.interpreter(needing: "sqlite3") else { return }
        let values: [Double] = [0.1, -0.1, 1.0 / 3, -1.0 / 3, 600_000.123, 4_470_000.456, -4_470_000.456, 16_777_217, -16_777_217,
                                123_456_789.987, 1e-30, -1e-30, 0, 2.5, 1e30, -7.000000001]
        let script = """
        import json, sqlite3, struct, sys
        values = json.load(open(sys.argv[1]))
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
        for i, v in enumerate(values):
            db.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?)", (i + 1, v, v, v, v))
        # The stored floats as their bit patterns (exact through JSON).
        bits = lambda x: struct.unpack(">I", struct.pack(">f", x))[0]
        json.dump([[bits(r[1]), bits(r[2])] for r in db.execute("SELECT * FROM r ORDER BY id")], open(sys.argv[2], "w"))
        """
        let bits = try XCTUnwrap(PythonReference.run(python, script: script, input: values) as? [[Int]])
        let stored = bits.map { $0.map { Double(Float(bitPattern: UInt32($0))) } }
        XCTAssertEqual(stored.count, values.count)
        for (v, s) in zip(values, stored) {
            XCTAssertEqual(Double(SQLiteRTreeImage.roundDown(v)), s[0], "minimum \(v)")
            XCTAssertEqual(Double(SQLiteRTreeImage.roundUp(v)), s[1], "maximum \(v)")
            XCTAssertLessThanOrEqual(s[0], v)
            XCTAssertGreaterThanOrEqual(s[1], v)
        }
    }

    /// 10,000 entries in nodes of 51: three levels; every entry in one leaf, every node but the root
    /// with one parent, no node over capacity, each inner cell the union of its child's cells.
    func testSeveralLevels() {
        var rng = SplitMix64(seed: 3)
        let entries: [(id: Int64, rect: SQLiteRTreeImage.Rect)] = (1...10_000).map { id in
            let x = Double(rng.next() % 100_000), y = Double(rng.next() % 100_000)
            return (Int64(id), .init(minX: x, maxX: x + Double(rng.next() % 50), minY: y, maxY: y + Double(rng.next() % 50)))
        }
        let image = SQLiteRTreeImage(entries: entries, nodeSize: 1228)
        XCTAssertEqual(image.depth, 2)  // 15 slices of 14 leaves of about 48 entries, 6 inner nodes, the root
        XCTAssertEqual(image.rowids.map(\.id).sorted(), entries.map(\.id))
        XCTAssertEqual(image.parents.count, image.nodes.count - 1)
        XCTAssertEqual(Set(image.nodes.map(\.number)).count, image.nodes.count)
        XCTAssertEqual(image.nodes[0].number, 1)
        func cells(_ blob: [UInt8]) -> [(id: Int64, rect: [Float])] {
            let n = Int(blob[2]) << 8 | Int(blob[3])
            return (0..<n).map { k in
                let at = 4 + 24 * k
                let id = blob[at..<(at + 8)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
                let rect = (0..<4).map { j in Float(bitPattern: blob[(at + 8 + 4 * j)..<(at + 12 + 4 * j)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) }
                return (id, rect)
            }
        }
        let byNumber = Dictionary(uniqueKeysWithValues: image.nodes.map { ($0.number, $0.data) })
        let parent = Dictionary(uniqueKeysWithValues: image.parents.map { ($0.node, $0.parent) })
        let rects = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, [$0.rect.minX, $0.rect.maxX, $0.rect.minY, $0.rect.maxY]) })
        var leafEntries = 0
        func check(_ number: Int64, level: Int) -> [Float] {
            let cs = cells(byNumber[number]!)
            XCTAssertTrue((1...51).contains(cs.count))
            if number != 1 { XCTAssertGreaterThanOrEqual(cs.count, 20, "STR spreads the entries evenly") }
            for c in cs {
                if level == 0 {
                    XCTAssertEqual(c.rect, rects[c.id])
                    leafEntries += 1
                } else {
                    XCTAssertEqual(parent[c.id], number)
                    XCTAssertEqual(check(c.id, level: level - 1), c.rect)
                }
            }
            return [cs.map { $0.rect[0] }.min()!, cs.map { $0.rect[1] }.max()!, cs.map { $0.rect[2] }.min()!, cs.map { $0.rect[3] }.max()!]
        }
        XCTAssertEqual(Int(byNumber[1]![1]), 2, "the root's depth")
        _ = check(1, level: 2)
        XCTAssertEqual(leafEntries, 10_000)
    }
}
