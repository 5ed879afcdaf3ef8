import CGDAL
import CSQLite3
import Foundation
@testable import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The patch rows written straight into the GeoPackage (`GeoPackageRows` with `GeoPackageGeometry`'s blobs,
/// through `PatchPolygons.polygonizeOnce`) against the same features written by GDAL's own GeoPackage driver
/// (`ogr2ogr -preserve_fid` copies every feature of ours through `OGR_L_CreateFeature`: GDAL's blobs, its
/// field bindings, its feature count, extent and index). Compared by Python's sqlite3: every row, all columns,
/// the geometry blobs byte for byte; `gpkg_contents` (without `last_change`), `gpkg_ogr_contents`,
/// `gpkg_geometry_columns`, `gpkg_extensions`, the triggers' SQL, the R-tree's entries; `PRAGMA
/// integrity_check` and `rtreecheck` on ours; and GDAL reading ours back (`ogrinfo`'s feature count).
final class GeoPackageRowsTests: XCTestCase {
    /// Noisy labels with holes (interior rings) on a rotated-free but non-float grid, string fields with
    /// quotes, non-ASCII text and empty values (nulls), more fields; and all-zero labels (no row).
    func testRowsAreGDALsFeatures() throws {
        guard let python = PythonReference.interpreter(needing: "sqlite3") else { return }
        let tmp = try TemporaryFolder()
        let (w, h) = (97, 83)
        var rng = SplitMix64(seed: 21)
        var noisy: [Float] = (0..<(w * h)).map { _ in Float(rng.next() % 4) }
        // A block of label 5 with a hole of label 0 and an island of label 6 inside the hole.
        for r in 10..<30 { for c in 10..<30 { noisy[r * w + c] = (15..<25).contains(r) && (15..<25).contains(c) ? 0 : 5 } }
        for r in 18..<21 { for c in 18..<21 { noisy[r * w + c] = 6 } }
        let transform = GeoTransform([600_000.123, 30.7, 0, 4_470_000.456, 0, -30.3])
        for (name, values) in [("noisy", noisy), ("empty", [Float](repeating: 0, count: w * h))] {
            let labels = try TestRaster.write(tmp.file("\(name).tif"), width: w, height: h, values: values, type: .int32, transform: transform)
            let grid = try Dataset.open(labels).grid
            let ours = tmp.file("\(name).gpkg"), gdals = tmp.file("\(name)-gdal.gpkg")
            let n = try PatchPolygons.polygonizeOnce(labels: labels, into: ours, layer: "patches", grid: grid, scratch: tmp.file("\(name).s"),
                                                     moreFields: ["note", "sdg"]) { label, patch, runs in
                PatchPolygons.Attributes(code: label * 10, name: label % 2 == 0 ? "dégradé '\(label)'" : "class \"\(label)\"",
                                         zone: patch % 3 == 0 ? "" : "zone \(patch % 7)", squareMetres: Double(runs.count) * 930.21 + 0.1,
                                         more: [patch % 2 == 0 ? "" : "n\(patch)", "15.3.1"])
            }
            if name == "noisy" { XCTAssertGreaterThan(n, 1000) } else { XCTAssertEqual(n, 0) }
            XCTAssertEqual(PythonReference.status("ogr2ogr", ["-f", "GPKG", "-preserve_fid", gdals, ours]), 0, "ogr2ogr \(name)")
            let r = try XCTUnwrap(PythonReference.run(python, script: Self.compare, input: [ours, gdals]) as? [String: Any])
            XCTAssertEqual(r["features"] as? Int, n, name)
            for key in ["rows", "contents", "ogr_contents", "geometry_columns", "extensions", "triggers", "rtree"] {
                XCTAssertEqual(r[key] as? Bool, true, "\(name): \(key) differ from GDAL's")
            }
            XCTAssertEqual(r["integrity"] as? String, "ok", name)
            XCTAssertEqual(r["rtreecheck"] as? String, "ok", name)
            if name == "noisy" {
                XCTAssertEqual(r["holes"] as? Bool, true, "a polygon with an interior ring is written")
                XCTAssertEqual(r["nulls"] as? Bool, true, "empty zones and notes are nulls")
            }
            // GDAL reads ours back: its feature count and every feature (ogrinfo fails on a bad blob).
            XCTAssertEqual(PythonReference.status("ogrinfo", ["-ro", "-al", "-q", ours]), 0, name)
        }
    }

    /// Rows too wide for 64 to a statement under SQLite's limit on a statement's variables (lowered on GDAL's connection to
    /// 999, SQLite's default before 3.32, as on a system whose SQLite is older; 60 string fields: 62 values a row, at most
    /// 16 rows a statement): every row is written, and GDAL reads each back with its fid and fields. The 64-row insert
    /// (3,968 variables) could not be prepared: "too many SQL variables".
    func testWideRowsUnderSQLitesVariableLimit() throws {
        guard let python = PythonReference.interpreter(needing: "osgeo") else { return }
        let tmp = try TemporaryFolder()
        let path = tmp.file("wide.gpkg")
        let columns = (0..<60).map { "f\($0)" }
        let (ds, layer) = try PatchPolygons.createPolygonLayer(driver: "GPKG", path: path, layer: "wide", crsWKT: "", options: ["SPATIAL_INDEX=NO"])
        try VectorTable.addFields(columns.map { ($0, VectorTable.FieldType.string) }, to: layer, path: path)
        let db = OpaquePointer(try XCTUnwrap(GDALGetInternalHandle(ds, "SQLITE_HANDLE")))
        sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        XCTAssertEqual(OGR_L_StartTransaction(layer), OGRERR_NONE)
        let rows = try GeoPackageRows.begin(ds, layer: layer, table: "wide", columns: columns, path: path)
        XCTAssertLessThanOrEqual(rows.batch * (columns.count + 2), 999)
        let n = 100
        var written = 0
        while written < n {
            let k = min(rows.batch, n - written), first = written + 1
            try rows.insert(rows: k) { i, f in
                let fid = first + i, x = Int32(fid)
                let ring = [PixelCorner(x: x, y: 0), PixelCorner(x: x + 1, y: 0), PixelCorner(x: x + 1, y: 1), PixelCorner(x: x, y: 1), PixelCorner(x: x, y: 0)]
                var ok = f.fid(Int64(fid)) && f.geometry(GeoPackageGeometry.polygon([ring], transform: [0, 1, 0, 0, 0, -1], srsID: rows.srsID).blob)
                for c in columns.indices where ok { ok = f.text(c, "r\(fid)c\(c)") }
                return ok
            }
            written += k
        }
        try rows.finish(count: n, extent: (minX: 1, maxX: 101, minY: -1, maxY: 0))
        rows.close()
        XCTAssertEqual(OGR_L_CommitTransaction(layer), OGRERR_NONE)
        GDALClose(ds)
        let script = """
        import json, sys
        from osgeo import ogr
        ds = ogr.Open(json.load(open(sys.argv[1]))[0])
        lyr = ds.GetLayer(0)
        feats = [(f.GetFID(), [f.GetField(k) for k in range(f.GetFieldCount())]) for f in lyr]
        json.dump({"count": lyr.GetFeatureCount(), "right": all(fields == ["r%dc%d" % (fid, c) for c in range(60)] for fid, fields in feats),
                   "fids": [fid for fid, _ in feats]}, open(sys.argv[2], "w"))
        """
        let r = try XCTUnwrap(PythonReference.run(python, script: script, input: [path]) as? [String: Any])
        XCTAssertEqual(r["count"] as? Int, n)
        XCTAssertEqual(r["fids"] as? [Int], Array(1...n))
        XCTAssertEqual(r["right"] as? Bool, true)
    }

    /// Blobs and strings bound in place from one byte buffer (`Fields.geometry(bytes:)`, `Fields.text(_:utf8:emptyIsNull:)`,
    /// SQLITE_STATIC, as `PatchRowSink` binds a batch): the buffer overwritten after each insert, then every row read back by
    /// GDAL (the polygon's WKT, worked by hand) and by SQLite (each field's value and type: non-ASCII text, an empty string
    /// that stays an empty string, an empty one that is null).
    func testBytesBoundInPlace() throws {
        guard let python = PythonReference.interpreter(needing: "osgeo") else { return }
        GDALEnvironment.initialize()
        let tmp = try TemporaryFolder()
        let path = tmp.file("inplace.gpkg")
        let (ds, layer) = try PatchPolygons.createPolygonLayer(driver: "GPKG", path: path, layer: "inplace", crsWKT: "", options: ["SPATIAL_INDEX=NO"])
        try VectorTable.addFields([("a", VectorTable.FieldType.string), ("b", .string)], to: layer, path: path)
        XCTAssertEqual(OGR_L_StartTransaction(layer), OGRERR_NONE)
        let rows = try GeoPackageRows.begin(ds, layer: layer, table: "inplace", columns: ["a", "b"], path: path, batch: 2)
        let texts = ["dégradé '1'", "", "x\"y", ""]
        var buffer: [UInt8] = []
        for first in stride(from: 1, through: 3, by: 2) {
            buffer.removeAll(keepingCapacity: true)
            var spans: [(blob: Range<Int>, text: Range<Int>)] = []
            for fid in first...(first + 1) {
                let x = Int32(fid)
                let ring = [PixelCorner(x: x, y: 0), PixelCorner(x: x + 2, y: 0), PixelCorner(x: x + 2, y: 1), PixelCorner(x: x, y: 1), PixelCorner(x: x, y: 0)]
                let blob = GeoPackageGeometry.polygon([ring], transform: [0, 1, 0, 0, 0, -1], srsID: rows.srsID).blob
                let b = buffer.count..<(buffer.count + blob.count)
                buffer += blob
                let t = buffer.count..<(buffer.count + texts[fid - 1].utf8.count)
                buffer += Array(texts[fid - 1].utf8)
                spans.append((b, t))
            }
            try buffer.withUnsafeBytes { bytes in
                try rows.insert(rows: 2) { i, f in
                    let text = UnsafeRawBufferPointer(rebasing: bytes[spans[i].text])
                    return f.fid(Int64(first + i)) && f.geometry(bytes: UnsafeRawBufferPointer(rebasing: bytes[spans[i].blob]))
                        && f.text(0, utf8: text) && f.text(1, utf8: text, emptyIsNull: true)
                }
            }
            for i in buffer.indices { buffer[i] = 0xFF }   // SQLite must not read the rows' bytes after the insert
        }
        try rows.finish(count: 4, extent: (minX: 1, maxX: 6, minY: -1, maxY: 0))
        rows.close()
        XCTAssertEqual(OGR_L_CommitTransaction(layer), OGRERR_NONE)
        GDALClose(ds)
        let script = """
        import json, sqlite3, sys
        from osgeo import ogr
        path = json.load(open(sys.argv[1]))[0]
        ds = ogr.Open(path)
        lyr = ds.GetLayer(0)
        wkt = {f.GetFID(): f.GetGeometryRef().ExportToWkt() for f in lyr}
        db = sqlite3.connect(path)
        fields = db.execute("SELECT fid, a, typeof(a), b, typeof(b) FROM inplace ORDER BY fid").fetchall()
        json.dump({"wkt": [wkt[k] for k in sorted(wkt)], "fields": fields}, open(sys.argv[2], "w"))
        """
        let r = try XCTUnwrap(PythonReference.run(python, script: script, input: [path]) as? [String: Any])
        XCTAssertEqual(r["wkt"] as? [String], (1...4).map { "POLYGON ((\($0) 0,\($0 + 2) 0,\($0 + 2) -1,\($0) -1,\($0) 0))" })
        let fields = try XCTUnwrap(r["fields"] as? [[Any]])
        XCTAssertEqual(fields.count, 4)
        let expected: [(String, String, String?, String)] = [("dégradé '1'", "text", "dégradé '1'", "text"), ("", "text", nil, "null"),
                                                             ("x\"y", "text", "x\"y", "text"), ("", "text", nil, "null")]
        for (row, e) in zip(fields, expected) {
            XCTAssertEqual(row[1] as? String, e.0)
            XCTAssertEqual(row[2] as? String, e.1)
            XCTAssertEqual(row[3] as? String, e.2)
            XCTAssertEqual(row[4] as? String, e.3)
        }
    }

    /// in.json: [ours, GDAL's]. Writes the comparison as JSON.
    static let compare = """
    import json, sqlite3, sys
    ours, gdals = json.load(open(sys.argv[1]))
    a, b = sqlite3.connect(ours), sqlite3.connect(gdals)
    q = lambda db, sql: db.execute(sql).fetchall()
    both = lambda sql: q(a, sql) == q(b, sql)
    rows = q(a, "SELECT * FROM patches ORDER BY fid")
    out = {"features": len(rows), "rows": rows == q(b, "SELECT * FROM patches ORDER BY fid"),
           "contents": both("SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents"),
           # An empty layer's count is left unknown (null) by GDAL, as by ours.
           "ogr_contents": both("SELECT * FROM gpkg_ogr_contents")
               and q(a, "SELECT feature_count FROM gpkg_ogr_contents")[0][0] == (len(rows) if rows else None),
           "geometry_columns": both("SELECT * FROM gpkg_geometry_columns"),
           "extensions": both("SELECT * FROM gpkg_extensions ORDER BY 1, 2, 3"),
           "triggers": both("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
           "rtree": both("SELECT * FROM rtree_patches_geom ORDER BY id"),
           "integrity": q(a, "PRAGMA integrity_check")[0][0],
           "rtreecheck": q(a, "SELECT rtreecheck('rtree_patches_geom')")[0][0],
           "holes": any(int.from_bytes(g[45:49], "little") > 1 for (g,) in q(a, "SELECT geom FROM patches")),
           "nulls": q(a, "SELECT count(*) FROM patches WHERE zone IS NULL")[0][0] > 0
               and q(a, "SELECT count(*) FROM patches WHERE note IS NULL")[0][0] > 0}
    json.dump(out, open(sys.argv[2], "w"))
    """
}
