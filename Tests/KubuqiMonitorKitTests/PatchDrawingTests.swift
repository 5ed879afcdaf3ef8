import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The patches drawn during a pass (`PatchDrawing`: chunks of classes and zone ids handed over in any order) are
/// the GeoPackage `PatchLayer.write` draws from the finished class raster (itself checked against GDAL's polygonize
/// in PatchPolygonsOnceTests): the same features, fields, fids and index, compared by Scripts/bench/gpkg_same.py.
final class PatchDrawingTests: XCTestCase {
    private static let gpkgSame = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/bench/gpkg_same.py").path

    /// A noisy class map (-1, 0, 1 and nodata, in blobs) and a zone raster (ids 0-3 and its nodata 255).
    private func maps(width: Int, height: Int) -> (classes: [Float], zones: [Float]) {
        var rng = SplitMix64(seed: 21)
        var classes = [Float](repeating: 0, count: width * height), zones = classes
        for r in 0..<height {
            for c in 0..<width {
                let u = Double(rng.next() % 1000) / 1000
                let blob = ((r / 3) + (c / 4)) % 3 - 1   // runs of one class, broken by noise
                classes[r * width + c] = u < 0.08 ? -32768 : u < 0.25 ? Float(Int(rng.next() % 3) - 1) : Float(blob)
                zones[r * width + c] = c < width / 3 ? 1 : c < 2 * width / 3 ? (r < height / 2 ? 2 : 255) : (r % 7 == 0 ? 0 : 3)
            }
        }
        return (classes, zones)
    }

    private func check(zoned: Bool) throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let width = 67, height = 45
        let (classes, zones) = maps(width: width, height: height)
        let classPath = try TestRaster.write(tmp.file("sdg.tif"), width: width, height: height, values: classes, type: .int16, nodata: -32768)
        let zonePath = try TestRaster.write(tmp.file("zones.tif"), width: width, height: height, values: zones, type: .byte, nodata: 255)
        let zoneLayer = zoned ? ZoneLayer(rasters: [zonePath], names: [1: "west", 2: "middle", 3: "east"]) : nil
        let old = try PatchLayer.write(classRaster: classPath, legend: LDNLegend.status, wanted: [-1, 1], zones: zoneLayer, units: .ldnTables,
                                       to: tmp.file("old.gpkg"), layer: "patches", work: work, quiet: true)
        let grid = try Dataset.open(classPath).grid
        let drawing = try PatchDrawing(grid: grid, legend: LDNLegend.status, wanted: [-1, 1], zones: zoneLayer, units: .ldnTables,
                                       to: tmp.file("new.gpkg"), layer: "patches", work: work, lead: 2)
        // Windows of 8 rows x 24 columns in a random order, each cut into chunks of 3 rows, on several threads;
        // the classes as the pass computes them (nodata: NaN), the zone ids as stored.
        var chunks: [(rows: Range<Int>, columns: Range<Int>)] = []
        for r0 in stride(from: 0, to: height, by: 8) {
            for c0 in stride(from: 0, to: width, by: 24) {
                for r in stride(from: r0, to: min(height, r0 + 8), by: 3) { chunks.append((r..<min(height, r0 + 8, r + 3), c0..<min(width, c0 + 24))) }
            }
        }
        let shuffled = chunks.shuffled()
        DispatchQueue.concurrentPerform(iterations: shuffled.count) { k in
            let (rows, cols) = shuffled[k]
            var cls: [Float] = [], zs: [Float] = []
            for r in rows {
                for c in cols {
                    let v = classes[r * width + c]
                    cls.append(v == -32768 ? .nan : v)
                    zs.append(zones[r * width + c])
                }
            }
            cls.withUnsafeBufferPointer { cb in zs.withUnsafeBufferPointer { zb in
                drawing.observe(firstRow: rows.lowerBound, firstColumn: cols.lowerBound, width: cols.count, classes: cb, zone: zoned ? zb : nil)
            } }
        }
        let new = try drawing.finish()
        XCTAssertEqual(new, old, "areas by class")
        XCTAssertGreaterThan(try VectorTable.read(path: tmp.file("new.gpkg")).rows.count, 50, "a noisy map: many patches")
        guard let python = PythonReference.find("sqlite3") else { return XCTFail("no python3 with sqlite3") }
        XCTAssertEqual(PythonReference.status(python, [Self.gpkgSame, tmp.file("old.gpkg"), tmp.file("new.gpkg")], quiet: false), 0,
                       "gpkg_same.py: the same features, fields, fids and index")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "no scratch file left")
    }

    func testOutOfOrderChunksDrawTheSameGeoPackageWithoutZones() throws { try check(zoned: false) }

    func testOutOfOrderChunksDrawTheSameGeoPackageWithOneZoneLayer() throws { try check(zoned: true) }

    /// A whole `ldn` run with one zone layer draws the SDG patches during its layer pass: by hand on LDNTestRegion's
    /// eight pixels (baseline SDG row 0: -1, +1, -1, +1; row 1: 0, 0, 0, no data), zones A = columns 0-1 and
    /// B = columns 2-3: four one-pixel patches; and the same GeoPackage as PatchLayer.write draws after the run from
    /// the published SDG layer and the same zones.
    func testLDNRunWithOneZoneLayerDrawsDuringThePass() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        func box(_ name: String, _ x0: Int, _ x1: Int) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),4469940],[\(x1),4469940],[\(x1),4470000],[\(x0),4470000],[\(x0),4469940]]]}}"
        }
        let zones = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":["
            + [box("A", 600_000, 600_060), box("B", 600_060, 600_120)].joined(separator: ",") + "]}"
        try zones.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.geojson\"\nfield = \"name\"\n")
        let report = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        XCTAssertNotNil(report.periods.first?.patches, "drawn by the layer pass, not after it")
        let during = tmp.file("out/baseline/sdg-15-3-1-patches.gpkg")
        let table = try VectorTable.read(path: during)
        let classIndex = try XCTUnwrap(table.columns.firstIndex(of: "class")), zoneIndex = try XCTUnwrap(table.columns.firstIndex(of: "zone"))
        XCTAssertEqual(table.rows.map { "\($0.cells[classIndex]) \($0.cells[zoneIndex])" }.sorted(), ["-1 A", "-1 B", "1 A", "1 B"])
        let work = try WorkFolder(in: tmp.path)
        let sdg = tmp.file("out/baseline/sdg-15-3-1.tif")
        let zoneLayer = try ZoneLayer.load(tmp.file("zones.geojson"), field: "name", grid: try Dataset.open(sdg).grid, work: work)
        XCTAssertEqual(zoneLayer.rasters.count, 1, "A and B do not overlap: one zone layer")
        try PatchLayer.write(classRaster: sdg, legend: LDNLegend.status, wanted: [-1, 1], zones: zoneLayer, units: .ldnTables,
                             to: tmp.file("after.gpkg"), layer: "patches", work: work, quiet: true)
        guard let python = PythonReference.find("sqlite3") else { return XCTFail("no python3 with sqlite3") }
        XCTAssertEqual(PythonReference.status(python, [Self.gpkgSame, tmp.file("after.gpkg"), during], quiet: false), 0)
    }

    /// A cancelled drawing (the pass failed) ends its thread and reports nothing.
    func testCancelEndsTheDrawing() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let path = try TestRaster.write(tmp.file("c.tif"), width: 10, height: 10, values: [Float](repeating: 1, count: 100), type: .int16)
        let drawing = try PatchDrawing(grid: try Dataset.open(path).grid, legend: LDNLegend.status, wanted: [-1, 1], zones: nil,
                                       units: .ldnTables, to: tmp.file("p.gpkg"), layer: "patches", work: work)
        let ones = [Float](repeating: 1, count: 30)
        ones.withUnsafeBufferPointer { drawing.observe(firstRow: 0, firstColumn: 0, width: 10, classes: $0, zone: nil) }
        drawing.cancel()
        XCTAssertThrowsError(try drawing.finish())
    }
}
