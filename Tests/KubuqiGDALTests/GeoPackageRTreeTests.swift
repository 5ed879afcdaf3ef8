import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The spatial index of a patch GeoPackage written in one go (`GeoPackageRTree`, through
/// `PatchPolygons.polygonizeOnce`) against the index GDAL builds itself on the same file (a copy whose
/// index `ogrinfo` drops and recreates with GDAL's `DisableSpatialIndex` / `CreateSpatialIndex`: SQLite's
/// own R*-tree inserts). Compared by Python's sqlite3: the same entries (ids and float boxes), the same
/// triggers and extension rows, SQLite's `rtreecheck` passing, the same answers to window queries, and
/// the index still kept by its triggers when features are deleted afterwards.
final class GeoPackageRTreeTests: XCTestCase {
    /// A noisy label raster on a grid whose corners are not floats (rounding exercised): thousands of
    /// patches, so the R-tree has three levels; all-zero labels: no patch, an empty index.
    func testPackedIndexIsGDALsIndex() throws {
        guard let python = PythonReference.interpreter(needing: "sqlite3") else { return }
        let tmp = try TemporaryFolder()
        let (w, h) = (150, 130)
        var rng = SplitMix64(seed: 11)
        let noisy: [Float] = (0..<(w * h)).map { _ in Float(rng.next() % 3) }
        let transform = GeoTransform([600_000.123, 30.7, 0, 4_470_000.456, 0, -30.3])
        // "limited": the same noise with a bulk limit of 1,000 boxes: packed from sorted runs of 1,000
        // spilled to a scratch file (bounded memory), the same tree as "noisy"'s, node for node.
        var cases: [(name: String, values: [Float], depth: Int?, limit: Int?)] = [
            ("noisy", noisy, 2, nil), ("limited", noisy, 2, 1000), ("empty", [Float](repeating: 0, count: w * h), nil, nil)]
        // Three patches: the root is the only leaf.
        var three = [Float](repeating: 0, count: w * h)
        for i in [5, 400, 9000, 9001] { three[i] = 1 }
        cases.append(("three", three, 0, nil))
        var nodeDigests: [String: String] = [:]
        for c in cases {
            let labels = try TestRaster.write(tmp.file("\(c.name).tif"), width: w, height: h, values: c.values, type: .int32, transform: transform)
            let grid = try Dataset.open(labels).grid
            let ours = tmp.file("\(c.name).gpkg"), gdals = tmp.file("\(c.name)-gdal.gpkg")
            let n = try PatchPolygons.polygonizeOnce(labels: labels, into: ours, layer: "patches", grid: grid, scratch: tmp.file("\(c.name).fgb"),
                                                           indexBulkLimit: c.limit) { label, _, runs in
                PatchPolygons.Attributes(code: label, name: "class \(label)", zone: "", squareMetres: Double(runs.count), more: [])
            }
            if c.name == "noisy" { XCTAssertGreaterThan(n, 51 * 51, "a two-level tree needs more than 51 x 51 entries") }
            if let limit = c.limit { XCTAssertGreaterThan(n, 2 * limit, "the limited case must index more boxes than its limit") }
            try FileManager.default.copyItem(atPath: ours, toPath: gdals)
            for sql in ["SELECT DisableSpatialIndex('patches', 'geom')", "SELECT CreateSpatialIndex('patches', 'geom')"] {
                XCTAssertEqual(PythonReference.status("ogrinfo", ["-q", gdals, "-sql", sql]), 0, sql)
            }
            let result = try XCTUnwrap(PythonReference.run(python, script: Self.compare, input: [ours, gdals]) as? [String: Any])
            XCTAssertEqual(result["entries"] as? Int, n, c.name)
            XCTAssertEqual(result["same_entries"] as? Bool, true, c.name)
            XCTAssertEqual(result["same_triggers"] as? Bool, true, c.name)
            XCTAssertEqual(result["triggers"] as? Int, 6, c.name)
            XCTAssertEqual(result["same_extensions"] as? Bool, true, c.name)
            XCTAssertEqual(result["check"] as? String, "ok", c.name)
            XCTAssertEqual(result["same_queries"] as? Bool, true, c.name)
            if let depth = c.depth { XCTAssertEqual(result["depth"] as? Int, depth, c.name) }
            XCTAssertEqual(result["after_delete_check"] as? String, "ok", c.name)
            XCTAssertEqual(result["after_delete_entries"] as? Int, result["after_delete_features"] as? Int, c.name)
            nodeDigests[c.name] = result["nodes"] as? String
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("\(c.name).fgb.rtree")), "the runs' scratch file is removed")
        }
        XCTAssertNotNil(nodeDigests["noisy"])
        XCTAssertEqual(nodeDigests["limited"], nodeDigests["noisy"], "the tree packed from spilled runs is the tree packed at once")
    }

    /// What GDAL itself (Python's osgeo.ogr, the GeoPackage driver) reads from a patch GeoPackage packed in one go,
    /// in memory and from spilled runs: every feature (fids 1...n, a polygon each, the extent of `gpkg_contents`
    /// containing every envelope), the spatial index announced (`OLCFastSpatialFilter`) and answering rectangle
    /// filters with exactly the features a brute-force scan finds (every feature whose geometry intersects the
    /// rectangle, as OGR's filter keeps them); SQLite's `rtreecheck` passing.
    func testGDALReadsThePackedIndex() throws {
        guard let python = PythonReference.interpreter(needing: "osgeo.ogr") else { return }
        let tmp = try TemporaryFolder()
        let (w, h) = (120, 110)
        var rng = SplitMix64(seed: 37)
        let values: [Float] = (0..<(w * h)).map { _ in Float(rng.next() % 4) }
        let transform = GeoTransform([500_000.25, 10.5, 0, 4_000_000.75, 0, -10.25])
        let labels = try TestRaster.write(tmp.file("labels.tif"), width: w, height: h, values: values, type: .int32, transform: transform)
        let grid = try Dataset.open(labels).grid
        for limit in [nil, 700] as [Int?] {
            let out = tmp.file("patches-\(limit ?? 0).gpkg")
            let n = try PatchPolygons.polygonizeOnce(labels: labels, into: out, layer: "patches", grid: grid, scratch: tmp.file("scratch-\(limit ?? 0)"),
                                                     indexBulkLimit: limit) { label, _, runs in
                PatchPolygons.Attributes(code: label, name: "class \(label)", zone: "", squareMetres: Double(runs.count), more: [])
            }
            if let limit { XCTAssertGreaterThan(n, 3 * limit, "the spilled case must index more boxes than its limit") }
            let got = try XCTUnwrap(PythonReference.run(python, script: Self.gdalRead, input: [out]) as? [String: Any])
            let what = "bulk limit \(limit.map(String.init) ?? "default")"
            XCTAssertEqual(got["count"] as? Int, n, what)
            XCTAssertEqual(got["fids"] as? Bool, true, "fids 1...n, \(what)")
            XCTAssertEqual(got["polygons"] as? Bool, true, what)
            XCTAssertEqual(got["extent"] as? Bool, true, what)
            XCTAssertEqual(got["fast_filter"] as? Int, 1, "GDAL uses the spatial index, \(what)")
            XCTAssertEqual(got["check"] as? String, "ok", what)
            XCTAssertEqual(got["windows"] as? Int, 60, what)
            XCTAssertEqual(got["hits"] as? Bool, true, "some windows select features, \(what)")
            XCTAssertEqual(got["mismatches"] as? [String], [], what)
        }
    }

    /// in.json: [the GeoPackage]. GDAL's reading of it, and rectangle filters against a brute-force scan, as JSON.
    static let gdalRead = """
    import json, random, sqlite3, sys
    from osgeo import ogr
    ogr.UseExceptions()
    path = json.load(open(sys.argv[1]))[0]
    ds = ogr.Open(path)
    layer = ds.GetLayerByName("patches")
    env = {}
    polygons = True
    for f in layer:
        g = f.GetGeometryRef()
        polygons = polygons and g is not None and g.GetGeometryType() == ogr.wkbPolygon and not g.IsEmpty()
        env[f.GetFID()] = (g.GetEnvelope(), g.Clone())  # (minx, maxx, miny, maxy)
    ext = layer.GetExtent()
    out = {"count": layer.GetFeatureCount(), "fids": sorted(env) == list(range(1, len(env) + 1)) and len(env) == layer.GetFeatureCount(),
           "polygons": polygons, "fast_filter": int(layer.TestCapability(ogr.OLCFastSpatialFilter)),
           "extent": all(ext[0] <= e[0] and e[1] <= ext[1] and ext[2] <= e[2] and e[3] <= ext[3] for e, _ in env.values())}
    rnd = random.Random(3)
    mismatches, hits = [], False
    for k in range(60):
        x0, y0 = rnd.uniform(ext[0] - 50, ext[1]), rnd.uniform(ext[2] - 50, ext[3])
        x1, y1 = x0 + rnd.uniform(1, 300), y0 + rnd.uniform(1, 300)
        layer.SetSpatialFilterRect(x0, y0, x1, y1)
        layer.ResetReading()
        got = sorted(f.GetFID() for f in layer)
        # OGR keeps a feature whose envelope meets the rectangle if its geometry intersects it (GEOS).
        window = ogr.CreateGeometryFromWkt(f"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))")
        want = sorted(i for i, (e, g) in env.items() if e[0] <= x1 and e[1] >= x0 and e[2] <= y1 and e[3] >= y0 and g.Intersects(window))
        hits = hits or len(want) > 0
        if got != want:
            mismatches.append(f"window {k}: {len(got)} features from the index, {len(want)} by scan")
    layer.SetSpatialFilter(None)
    out["windows"], out["hits"], out["mismatches"] = 60, hits, mismatches
    ds = None
    out["check"] = sqlite3.connect(path).execute("SELECT rtreecheck('rtree_patches_geom')").fetchone()[0]
    json.dump(out, open(sys.argv[2], "w"))
    """

    /// in.json: [ours, GDAL's]. Writes the comparison as JSON.
    static let compare = """
    import hashlib, json, random, shutil, sqlite3, sys
    ours, gdals = json.load(open(sys.argv[1]))
    a, b = sqlite3.connect(ours), sqlite3.connect(gdals)
    q = lambda db, sql, *p: db.execute(sql, p).fetchall()
    entries = lambda db: q(db, "SELECT * FROM rtree_patches_geom ORDER BY id")
    triggers = lambda db: sorted(q(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree%'"))
    extensions = lambda db: q(db, "SELECT * FROM gpkg_extensions ORDER BY 1, 2, 3")
    ea, eb = entries(a), entries(b)
    out = {"entries": len(ea), "same_entries": ea == eb, "same_triggers": triggers(a) == triggers(b), "triggers": len(triggers(a)),
           "same_extensions": extensions(a) == extensions(b) and len(extensions(a)) == 1,
           "check": q(a, "SELECT rtreecheck('rtree_patches_geom')")[0][0],
           "nodes": hashlib.sha256(repr(q(a, "SELECT * FROM rtree_patches_geom_node ORDER BY nodeno")
                                         + q(a, "SELECT * FROM rtree_patches_geom_parent ORDER BY nodeno")
                                         + q(a, "SELECT * FROM rtree_patches_geom_rowid ORDER BY rowid")).encode()).hexdigest(),
           "depth": int.from_bytes(q(a, "SELECT data FROM rtree_patches_geom_node WHERE nodeno = 1")[0][0][:2], "big")}
    # Window queries through the R-tree (SQLite searches the tree for constraints on its columns).
    rnd = random.Random(5)
    same = True
    for _ in range(40):
        x, y = rnd.uniform(599000, 605000), rnd.uniform(4465000, 4471000)
        sql = "SELECT id FROM rtree_patches_geom WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id"
        p = (x, x + rnd.uniform(10, 900), y, y + rnd.uniform(10, 900))
        same = same and q(a, sql, *p) == q(b, sql, *p)
    out["same_queries"] = same
    # The triggers keep the packed index: delete a third of the features.
    a.execute("DELETE FROM patches WHERE fid % 3 = 0"); a.commit()
    out["after_delete_check"] = q(a, "SELECT rtreecheck('rtree_patches_geom')")[0][0]
    out["after_delete_entries"] = q(a, "SELECT count(*) FROM rtree_patches_geom")[0][0]
    out["after_delete_features"] = q(a, "SELECT count(*) FROM patches")[0][0]
    json.dump(out, open(sys.argv[2], "w"))
    """
}
