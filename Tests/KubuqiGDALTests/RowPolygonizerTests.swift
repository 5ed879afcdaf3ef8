import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The one-pass polygonize (`RowPolygonizer`, through `PatchPolygons.polygonizeOnce`) against GDAL's own
/// `GDALPolygonize` (through `PatchPolygons.polygonize`, which writes GDAL's polygons into a GeoPackage in
/// the order GDAL emits them): on random class rasters, every feature in the same order (feature id), the
/// same label, the same geometry blob byte for byte (rings, their corners, their starting corner and order,
/// the coordinates' doubles). Read back by Python's sqlite3.
final class RowPolygonizerTests: XCTestCase {
    func testSamePolygonsInTheSameOrderAsGDAL() throws {
        guard let python = PythonReference.interpreter(needing: "sqlite3") else { return }
        let tmp = try TemporaryFolder()
        var rng = SplitMix64(seed: 2026)
        func noise(_ w: Int, _ h: Int, classes: UInt64, zeros: UInt64) -> [Float] {
            (0..<(w * h)).map { _ in rng.next() % zeros == 0 ? 0 : Float(1 + rng.next() % classes) }
        }
        // Blobs with holes, rings within rings and diagonal contacts, and single-pixel noise.
        func blobs(_ w: Int, _ h: Int, seed: Double) -> [Float] {
            (0..<(w * h)).map { i in
                let x = Double(i % w), y = Double(i / w)
                let v = sin(x / (3 + seed)) * cos(y / 4) + 0.6 * sin((x + y) / (2 + seed))
                var label: Float = v > 0.9 ? 1 : (v > 0.3 ? 2 : (v < -0.8 ? 3 : (v < -0.4 ? 0 : 4)))
                if rng.next() % 13 == 0 { label = Float(rng.next() % 5) }
                return label
            }
        }
        // One large patch holding many holes (and holes in holes): long-lived open patches, many rings.
        func swiss(_ w: Int, _ h: Int) -> [Float] {
            (0..<(w * h)).map { i in
                let x = i % w, y = i / w
                if x == 0 || y == 0 || x == w - 1 || y == h - 1 { return 7 }
                if x % 6 == 3 && y % 5 == 2 { return 9 }
                if (x % 6 == 2 || x % 6 == 4) && (1...3).contains(y % 5) || (x % 6 == 3 && (y % 5 == 1 || y % 5 == 3)) { return 0 }
                return rng.next() % 17 == 0 ? 0 : 7
            }
        }
        let utm = GeoTransform([600_000.123, 30.7, 0, 4_470_000.456, 0, -30.3])
        let rotated = GeoTransform([500_000.5, 29.9, 0.37, 4_400_000.25, -0.41, -30.1])
        let cases: [(name: String, w: Int, h: Int, values: [Float], transform: GeoTransform, type: RasterDataType)] = [
            ("noise", 67, 53, noise(67, 53, classes: 3, zeros: 4), utm, .float32),
            ("dense", 40, 70, noise(40, 70, classes: 2, zeros: 1000), utm, .int32),
            ("blobs", 90, 77, blobs(90, 77, seed: 0), rotated, .float32),
            ("blobs2", 61, 64, blobs(61, 64, seed: 1.7), utm, .int32),
            ("swiss", 73, 58, swiss(73, 58), utm, .float32),
            ("column", 1, 41, noise(1, 41, classes: 2, zeros: 3), utm, .int32),
            ("row", 57, 1, noise(57, 1, classes: 2, zeros: 3), utm, .int32),
            ("empty", 20, 15, [Float](repeating: 0, count: 300), utm, .int32),
        ]
        var compared = 0
        for c in cases {
            let labels = try TestRaster.write(tmp.file("\(c.name).tif"), width: c.w, height: c.h, values: c.values, type: c.type, transform: c.transform)
            let grid = try Dataset.open(labels).grid
            let ours = tmp.file("\(c.name).gpkg"), gdals = tmp.file("\(c.name)-gdal.gpkg")
            let n = try PatchPolygons.polygonizeOnce(labels: labels, into: ours, layer: "patches", grid: grid, scratch: tmp.file("\(c.name).scratch")) { label, _, runs in
                PatchPolygons.Attributes(code: label, name: "", zone: "", squareMetres: Double(runs.reduce(0) { $0 + $1.columns.count }), more: [])
            }
            let m = try PatchPolygons.polygonize(labels: labels, into: gdals, layer: "patches")
            XCTAssertEqual(n, m, c.name)
            let result = try XCTUnwrap(PythonReference.run(python, script: Self.compare, input: [ours, gdals]) as? [String: Any])
            XCTAssertEqual(result["count"] as? Int, m, c.name)
            XCTAssertEqual(result["first_difference"] as? Int, -1, "\(c.name): first feature id that differs from GDAL's")
            XCTAssertEqual(result["pixels"] as? Int, c.values.filter { $0 != 0 }.count, "\(c.name): every labelled pixel in one patch")
            compared += m
        }
        XCTAssertGreaterThan(compared, 2000, "a comparison of few polygons proves little")
    }

    /// The polygonizer's memory does not grow with the raster's height: on a noisy raster 16 times taller,
    /// the most slots, edges and waiting patches held stay within fixed bounds of the width, and the taller
    /// run's peaks are those of the shorter (the patches of noise are small and end within a few rows).
    func testMemoryBoundedByTheWidth() throws {
        func peaks(width: Int, height: Int) throws -> (slots: Int, edges: Int, waiting: Int, patches: Int) {
            var rng = SplitMix64(seed: 5)
            let p = RowPolygonizer(width: width)
            var row = [Int32](repeating: 0, count: width), patches = 0, lastOrder: Int64 = -1, lastBatch = -1
            for y in 0..<height {
                for i in 0..<width { row[i] = rng.next() % 3 == 0 ? 0 : Int32(1 + rng.next() % 2) }
                try row.withUnsafeBufferPointer { b in
                    try p.add(row: b) { patch in
                        // Within one of GDAL's batches (every eighth row), root order.
                        if lastBatch == y { XCTAssertGreaterThan(patch.order, lastOrder) }
                        XCTAssertLessThanOrEqual(patch.lastRow, y - 3, "written before GDAL would")
                        lastBatch = y
                        lastOrder = patch.order
                        patches += 1
                    }
                }
            }
            try p.finish { _ in patches += 1 }
            return (p.peakSlots, p.peakEdges, p.peakWaiting, patches)
        }
        let width = 120
        let short = try peaks(width: width, height: 100), tall = try peaks(width: width, height: 1600)
        XCTAssertGreaterThan(tall.patches, 10 * short.patches)
        for (name, a, b) in [("slots", short.slots, tall.slots), ("edges", short.edges, tall.edges), ("waiting", short.waiting, tall.waiting)] {
            XCTAssertLessThanOrEqual(Double(b), 1.25 * Double(a), "\(name): \(b) at 1600 rows against \(a) at 100")
        }
        XCTAssertLessThanOrEqual(tall.slots, 2 * width, "two rows' slots")
        XCTAssertLessThanOrEqual(tall.waiting, 10 * width, "patches waiting for their row: under ten rows' worth")
        XCTAssertLessThanOrEqual(tall.edges, 40 * width, "edges of open patches")
    }

    /// in.json: [ours, GDAL's]. Compares the feature tables in fid order: (fid, label, geometry blob).
    static let compare = """
    import json, sqlite3, sys
    ours, gdals = json.load(open(sys.argv[1]))
    a, b = sqlite3.connect(ours), sqlite3.connect(gdals)
    ra = a.execute("SELECT fid, label, geom, area_m2 FROM patches ORDER BY fid").fetchall()
    rb = b.execute("SELECT fid, label, geom FROM patches ORDER BY fid").fetchall()
    first = -1
    for x, y in zip(ra, rb):
        if x[:3] != y:
            first = x[0]
            break
    if first == -1 and len(ra) != len(rb):
        first = min(len(ra), len(rb)) + 1
    json.dump({"count": len(ra), "first_difference": first, "pixels": int(sum(r[3] for r in ra))}, open(sys.argv[2], "w"))
    """
}
