import Foundation
import TestSupport
import XCTest

/// Issue 19, publishable outputs: the demo's folder is a valid STAC catalogue of Cloud
/// Optimized GeoTIFFs (pystac with the STAC schemas offline, GDAL's COG validator), and the
/// patch polygons of `change` and `ldn` add up to their area tables.
extension CLITestCase {
    /// The patch layer read by OGR in Python: per class, the sum of `area_m2` and the number of
    /// pixels the polygons cover (their planar area / the pixel's, from the geometry alone).
    static var patchScript: String { #"""
import json, sys
from osgeo import ogr
args = json.load(open(sys.argv[1]))
ds = ogr.Open(args["gpkg"])
layer = ds.GetLayer("patches")
out = {}
for f in layer:
    g = f.GetGeometryRef()
    assert g.IsValid(), "invalid polygon %d" % f.GetFID()
    c = out.setdefault(str(f["class"]) if not args.get("byZone") else "%s|%d" % (f["zone"], f["class"]), {"m2": 0.0, "pixels": 0.0, "polygons": 0})
    c["m2"] += f["area_m2"]
    c["pixels"] += g.GetArea() / args["pixelArea"]
    c["polygons"] += 1
json.dump(out, open(sys.argv[2], "w"))
"""# }

    /// Sums of the patch layer at `gpkg` by class code.
    func patchSums(_ gpkg: String, pixelArea: Double) throws -> [Int: (m2: Double, pixels: Double, polygons: Int)]? {
        guard let python = PythonReference.interpreter(needing: "osgeo.ogr") else { return nil }
        let out = try PythonReference.run(python, script: Self.patchScript, input: ["gpkg": gpkg, "pixelArea": pixelArea]) as? [String: [String: Double]]
        var sums: [Int: (Double, Double, Int)] = [:]
        for (k, v) in out ?? [:] { sums[Int(k)!] = (v["m2"]!, v["pixels"]!, Int(v["polygons"]!)) }
        return sums
    }

    /// The fixtures' two Landsat scenes (2013, 2023), before and after.
    static var landsatPair: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return ["LC08_L2SP_128032_20130815_20200912_02_T1", "LC09_L2SP_128032_20230819_20230821_02_T1"].map { root + "/Fixtures/landsat/" + $0 }
    }

    func publishedJSON(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// The demo's folder (run once, by `DemoTests`, which calls this): a valid STAC catalogue
    /// of COGs, with patch polygons matching the change and LDN tables.
    func checkDemoFolder(_ out: String) throws {
        // 1. The catalogue and its COGs.
        guard let check = try PublishedFolderCheck.run(out) else { return }
        XCTAssertEqual(check.errors, [], "the demo folder is a valid STAC catalogue of COGs")
        XCTAssertEqual(check.cogs.count, 2 * 5 + 2 + 3 * 9 - 1, "10 index rasters, 2 change rasters, 26 ldn layers: \(check.cogs)")
        XCTAssertTrue(check.items.contains("change-class") && check.items.contains("reporting-2019-2024-sdg-15-3-1"), "\(check.items)")
        let item = try publishedJSON(out + "/ldn/reporting-2019-2024/sdg-15-3-1.item.json")
        let props = item["properties"] as! [String: Any]
        XCTAssertEqual(props["start_datetime"] as? String, "2019-01-01T00:00:00Z")
        XCTAssertEqual(props["end_datetime"] as? String, "2024-12-31T23:59:59Z")
        XCTAssertEqual(props["proj:epsg"] as? Int, 32649)
        XCTAssertEqual(props["proj:shape"] as? [Int], [256, 256])
        let change = try publishedJSON(out + "/change/change-class.item.json")
        XCTAssertEqual((change["properties"] as! [String: Any])["start_datetime"] as? String, "2013-08-15T00:00:00Z", "the before scene's date")

        // 2. Change patches: per class, the polygons' areas and pixels are the table's.
        let pixelArea = 30.0 * 30.0
        guard let changeSums = try patchSums(out + "/change/change-patches.gpkg", pixelArea: pixelArea) else { return }
        let stats = try publishedJSON(out + "/change/change-stats.json")
        for row in stats["classes"] as! [[String: Any]] {
            let code = row["code"] as! Int, hectares = row["hectares"] as! Double, pixels = row["pixels"] as! Int
            guard code != 0 else { XCTAssertNil(changeSums[0], "stable land is no patch"); continue }
            let s = changeSums[code] ?? (0, 0, 0)
            XCTAssertEqual(s.pixels, Double(pixels), accuracy: 1e-6, "class \(code): pixels under the polygons")
            XCTAssertEqual(s.m2 / 10_000, hectares, accuracy: 0.00005 + 1e-9, "class \(code): hectares as the table rounds them")
        }
        XCTAssertGreaterThan(changeSums[-2]?.polygons ?? 0, 0, "the planted degradation is found as polygons")

        // 3. LDN patches of each period's SDG layer against report.json's areas.
        let report = try publishedJSON(out + "/ldn/report.json")
        for period in report["periods"] as! [[String: Any]] {
            let name = period["name"] as! String
            guard let sums = try patchSums(out + "/ldn/\(name)/sdg-15-3-1-patches.gpkg", pixelArea: pixelArea) else { return }
            let rows = (period["subIndicators"] as! [String: Any])["SDG 15.3.1 (one out, all out)"] as! [[String: Any]]
            for row in rows {
                let code = row["code"] as! Int
                guard code == -1 || code == 1 else { XCTAssertNil(sums[code], "\(name): only degraded and improved patches"); continue }
                let s = sums[code] ?? (0, 0, 0)
                XCTAssertEqual(s.pixels, Double(row["pixels"] as! Int), accuracy: 1e-6, "\(name) class \(code): pixels")
                XCTAssertEqual(s.m2 / 1e6, row["km2"] as! Double, accuracy: 1e-9, "\(name) class \(code): km2, to the table's unit (10^-9 km2)")
            }
        }
    }

}

/// Issue 19: `--co` options reach the COG, `COG=NO` opts out; patches per zone.
final class PublishedOutputsTests: CLITestCase {
    func testCreationOptionsReachTheCOGAndCOGNoOptsOut() throws {
        let tmp = try TemporaryFolder()
        let n = 1100
        let red = try TestRaster.write(tmp.file("red.tif"), width: n, height: n, values: (0..<(n * n)).map { Float(100 + $0 % 97) }, type: .uint16)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: n, height: n, values: (0..<(n * n)).map { Float(300 + $0 % 89) }, type: .uint16)
        let cog = tmp.file("cog.tif"), plain = tmp.file("plain.tif")
        try run(["index", "ndvi", "--red", red, "--nir", nir, "--co", "BLOCKXSIZE=512", "--co", "BLOCKYSIZE=512", "-o", cog, "-q"])
        try run(["index", "ndvi", "--red", red, "--nir", nir, "--co", "COG=NO", "-o", plain, "-q"])
        guard let python = PythonReference.interpreter(needing: "osgeo.gdal, osgeo_utils.samples.validate_cloud_optimized_geotiff") else { return }
        let script = #"""
import json, sys
from osgeo import gdal
from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate
out = {}
for p in json.load(open(sys.argv[1])):
    _, errors, _ = validate(p, full_check=True)
    ds = gdal.Open(p)
    b = ds.GetRasterBand(1)
    out[p] = {"errors": errors, "block": b.GetBlockSize(), "overviews": b.GetOverviewCount(),
              "compression": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
              "predictor": ds.GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE"),
              "layout": ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE")}
json.dump(out, open(sys.argv[2], "w"))
"""#
        let out = try PythonReference.run(python, script: script, input: [cog, plain]) as! [String: [String: Any]]
        XCTAssertEqual(out[cog]?["errors"] as? [String], [], "a valid COG")
        XCTAssertEqual(out[cog]?["block"] as? [Int], [512, 512], "--co BLOCKXSIZE/BLOCKYSIZE reach the COG")
        XCTAssertEqual(out[cog]?["overviews"] as? Int, 2, "1100 -> 550 -> 275, down to one 512 tile")
        XCTAssertEqual(out[cog]?["compression"] as? String, "DEFLATE")
        XCTAssertEqual(out[cog]?["predictor"] as? String, "3", "floating-point predictor for Float32, as before")
        XCTAssertEqual(out[cog]?["layout"] as? String, "COG")
        XCTAssertNil(out[plain]?["layout"] as? String, "COG=NO: the plain tiled GeoTIFF")
        XCTAssertEqual(out[plain]?["overviews"] as? Int, 0, "COG=NO: no overviews")
        XCTAssertEqual(out[plain]?["block"] as? [Int], [256, 256])
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("plain.item.json")), "its STAC Item still written")
        if let item = try PublishedFolderCheck.run(tmp.file("cog.item.json")) {
            XCTAssertEqual(item.errors, [], "index -o FILE.tif: a valid standalone STAC Item of a COG")
            XCTAssertEqual(item.items, ["ndvi"], "the Item is named after its index")
        }

        // Options with no COG equivalent, or a bad switch, fail when the command line is parsed: one line, usage exit 2.
        let bad = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--co", "BLOCKXSIZE=256", "--co", "BLOCKYSIZE=512", "-o", tmp.file("bad.tif"), "-q"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--co: BLOCKXSIZE=256 and BLOCKYSIZE=512 differ"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        let sw = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--co", "COG=MAYBE", "-o", tmp.file("bad.tif"), "-q"])
        XCTAssertEqual(sw.status, 2, sw.stderr)
        XCTAssertTrue(sw.stderr.contains("COG=MAYBE"), sw.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("bad.tif")))
        // Every command that takes --co (warn used to fail only after its work, on its first COG).
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures"
        let stack = fixtures + "/ndvi/ndvi_annual_2000_2024.tif"
        let commands: [[String]] = [
            ["warn", fixtures + "/warn/ndvi_monthly_2010_2021.tif", "--baseline", "2010-2019"],
            ["change", "--before", stack + ":14", "--after", stack + ":24"],
            ["ldn", "--config", fixtures + "/ldn.toml"],
            ["stack", stack],
            ["drought", fixtures + "/climate/precipitation_monthly_2000_2024.tif"],
            ["index", "ndvi", "--red", red, "--nir", nir],
        ]
        for (k, command) in commands.enumerated() {
            let out = tmp.file("co-\(k)" + (command[0] == "stack" || command[0] == "index" ? ".tif" : ""))
            let r = try CLIRunner.run(command + ["--co", "BLOCKXSIZE=64", "-o", out, "-q"])
            XCTAssertEqual(r.status, 2, "\(command[0]): \(r.stderr)")
            XCTAssertEqual(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
                           "kubuqi-monitor: error: --co: BLOCKXSIZE=64 and BLOCKYSIZE=256 differ; its tiles are square (or give COG=NO for a plain GeoTIFF)",
                           command[0])
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(command[0]): nothing written")
        }
        // A value GDAL refuses only when writing (tiles are multiples of 16): warn too refuses it before its work.
        let late = try CLIRunner.run(commands[0] + ["--co", "BLOCKXSIZE=100", "--co", "BLOCKYSIZE=100", "-o", tmp.file("w100"), "-q"])
        XCTAssertEqual(late.status, 4, late.stderr)
        XCTAssertTrue(late.stderr.contains("w100: --co") && late.stderr.contains("TileWidth"), late.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("w100")))
    }

    /// With zones, the polygons are split by zone: per (zone, class) they add up to the zone tables.
    func testChangePatchesPerZoneMatchTheZoneTables() throws {
        let tmp = try TemporaryFolder()
        let scenes = Self.landsatPair
        // The fixtures' grid (UTM 49N, x 296040..303720, y 4456140..4463820) cut in a west and an east half.
        func box(_ name: String, _ x0: Int, _ x1: Int) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),4456140],[\(x1),4456140],[\(x1),4463820],[\(x0),4463820],[\(x0),4456140]]]}}"
        }
        let zones = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":["
            + box("west", 296040, 299880) + "," + box("east", 299880, 303720) + "]}"
        try zones.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let out = tmp.file("change")
        try run(["change", "--before", scenes[0], "--after", scenes[1], "--sensor", "landsat-c2l2", "--zones", tmp.file("zones.geojson"),
                 "--zone-field", "name", "-o", out, "-q"])
        guard let python = PythonReference.interpreter(needing: "osgeo.ogr") else { return }
        let sums = try PythonReference.run(python, script: Self.patchScript,
                                           input: ["gpkg": out + "/change-patches.gpkg", "pixelArea": 900.0, "byZone": true]) as! [String: [String: Double]]
        let stats = try publishedJSON(out + "/change-stats.json")
        var compared = 0
        for zone in stats["zones"] as! [[String: Any]] {
            let name = zone["name"] as! String
            for row in zone["classes"] as! [[String: Any]] where row["code"] as! Int != 0 {
                let key = "\(name)|\(row["code"] as! Int)", pixels = row["pixels"] as! Int
                XCTAssertEqual(sums[key]?["pixels"] ?? 0, Double(pixels), accuracy: 1e-6, key)
                XCTAssertEqual((sums[key]?["m2"] ?? 0) / 10_000, row["hectares"] as! Double, accuracy: 0.00005 + 1e-9, key)
                if pixels > 0 { compared += 1 }
            }
        }
        XCTAssertEqual(compared, 4, "degradation and improvement in both zones")
        XCTAssertEqual(Set(sums.keys), ["west|-2", "west|2", "east|-2", "east|2"])
    }

    /// `change --no-patches`: no GeoPackage and no patches asset, the catalogue still valid and
    /// the class raster's pixels those of the run with patches.
    func testChangeWithoutPatchesIsStillAValidCatalogue() throws {
        let tmp = try TemporaryFolder()
        let scenes = Self.landsatPair
        let args = ["change", "--before", scenes[0], "--after", scenes[1], "--sensor", "landsat-c2l2", "-q"]
        let with = try run(args + ["-o", tmp.file("with")])
        let without = try run(args + ["--no-patches", "-o", tmp.file("without")])
        // The "Outputs in" line names the patches exactly when they are written.
        XCTAssertTrue(with.stdout.contains("change-stats.csv, change-patches.gpkg\n"), with.stdout)
        XCTAssertFalse(without.stdout.contains("change-patches.gpkg"), without.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("with/change-patches.gpkg")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("without/change-patches.gpkg")))
        let item = try String(contentsOfFile: tmp.file("without/change-class.item.json"), encoding: .utf8)
        XCTAssertFalse(item.contains("change-patches.gpkg"), "no asset for the patches")
        XCTAssertEqual(try TestRaster.read(tmp.file("with/change-class.tif")), try TestRaster.read(tmp.file("without/change-class.tif")))
        guard let check = try PublishedFolderCheck.run(tmp.file("without")) else { return }
        XCTAssertEqual(check.errors, [])
        XCTAssertTrue(check.items.contains("change-class"), "\(check.items)")
    }

    /// `stack -o FILE.tif`: the stack and its counts are COGs, described by a valid standalone Item.
    func testStackIsACOGWithAValidItem() throws {
        let tmp = try TemporaryFolder()
        let series = tmp.file("series")
        try FileManager.default.createDirectory(atPath: series, withIntermediateDirectories: false)
        for (k, date) in ["2001-01-03", "2001-12-29", "2002-01-03", "2002-12-29"].enumerated() {
            _ = try TestRaster.write(series + "/ndvi_\(date).tif", width: 8, height: 8, values: [Float](repeating: 0.2 + 0.1 * Float(k), count: 64), nodata: -9999)
        }
        let out = tmp.file("annual.tif")
        try run(["stack", series, "-o", out, "-q"])
        guard let check = try PublishedFolderCheck.run(tmp.file("annual.item.json")) else { return }
        XCTAssertEqual(check.errors, [])
        XCTAssertEqual(check.cogs.sorted(), ["annual.count.tif", "annual.tif"])
        let item = try publishedJSON(tmp.file("annual.item.json"))
        let props = item["properties"] as! [String: Any]
        XCTAssertEqual(props["start_datetime"] as? String, "2001-01-01T00:00:00Z", "the first period's first day")
        XCTAssertEqual(props["end_datetime"] as? String, "2002-12-31T23:59:59Z", "the last period's last day")
    }
}

/// Issue 19: overlapping zones (several zone layers): each polygon carries every zone it falls in
/// (`zone`, `zone_2`, ...), and per zone of every layer the polygons add up to the zone tables.
final class OverlappingZonePatchTests: CLITestCase {
    /// Per "zone|class" and per "|class" (every polygon once), the polygons' area_m2, pixels (from the
    /// geometry alone) and count; a polygon counts for each zone field that names a zone.
    static let script = #"""
import json, sys
from osgeo import ogr
args = json.load(open(sys.argv[1]))
ds = ogr.Open(args["gpkg"])   # kept: the layer lives as long as its dataset
layer = ds.GetLayer("patches")
defn = layer.GetLayerDefn()
zone_fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())
               if defn.GetFieldDefn(i).GetName() == "zone" or defn.GetFieldDefn(i).GetName().startswith("zone_")]
out = {"fields": zone_fields, "sums": {}}
def add(key, f, g):
    c = out["sums"].setdefault(key, {"m2": 0.0, "pixels": 0.0, "polygons": 0})
    c["m2"] += f["area_m2"]; c["pixels"] += g.GetArea() / args["pixelArea"]; c["polygons"] += 1
for f in layer:
    g = f.GetGeometryRef()
    assert g.IsValid()
    add("|%d" % f["class"], f, g)
    names = [f[z] for z in zone_fields if f[z] is not None]
    assert len(names) == len(set(names)), "a zone twice on one polygon"
    for n in names:
        add("%s|%d" % (n, f["class"]), f, g)
json.dump(out, open(sys.argv[2], "w"))
"""#

    func testChangePatchesCarryEveryOverlappingZone() throws {
        let tmp = try TemporaryFolder()
        let scenes = Self.landsatPair
        // West and east halves of the fixtures' grid, and a centre band overlapping both.
        func box(_ name: String, _ x0: Int, _ x1: Int) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),4456140],[\(x1),4456140],[\(x1),4463820],[\(x0),4463820],[\(x0),4456140]]]}}"
        }
        let zones = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":["
            + box("west", 296040, 299880) + "," + box("east", 299880, 303720) + "," + box("centre", 297960, 301800) + "]}"
        try zones.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let out = tmp.file("change")
        try run(["change", "--before", scenes[0], "--after", scenes[1], "--sensor", "landsat-c2l2", "--zones", tmp.file("zones.geojson"),
                 "--zone-field", "name", "-o", out, "-q"])
        guard let python = PythonReference.interpreter(needing: "osgeo.ogr") else { return }
        let result = try PythonReference.run(python, script: Self.script, input: ["gpkg": out + "/change-patches.gpkg", "pixelArea": 900.0]) as! [String: Any]
        XCTAssertEqual(result["fields"] as? [String], ["zone", "zone_2"], "two zone layers: zone and zone_2")
        let sums = result["sums"] as! [String: [String: Double]]
        let stats = try publishedJSON(out + "/change-stats.json")
        var compared: Set<String> = []
        func check(_ key: String, _ row: [String: Any]) {
            let pixels = row["pixels"] as! Int
            XCTAssertEqual(sums[key]?["pixels"] ?? 0, Double(pixels), accuracy: 1e-6, "\(key): pixels under the polygons")
            XCTAssertEqual((sums[key]?["m2"] ?? 0) / 10_000, row["hectares"] as! Double, accuracy: 0.00005 + 1e-9, "\(key): hectares")
            if pixels > 0 { compared.insert(key) }
        }
        for zone in stats["zones"] as! [[String: Any]] {
            let name = zone["name"] as! String
            for row in zone["classes"] as! [[String: Any]] where row["code"] as! Int != 0 { check("\(name)|\(row["code"] as! Int)", row) }
        }
        // Every polygon once: the whole-area table (the polygons do not overlap).
        for row in stats["classes"] as! [[String: Any]] where row["code"] as! Int != 0 { check("|\(row["code"] as! Int)", row) }
        for zone in ["west", "east", "centre"] { XCTAssertTrue(compared.contains("\(zone)|-2"), "degradation found in \(zone): \(compared.sorted())") }
        XCTAssertGreaterThan(sums["centre|-2"]?["polygons"] ?? 0, 0)
    }
}
