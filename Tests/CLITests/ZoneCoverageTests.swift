import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Vector zones that cover no pixel of the grid, and zone layers a user can get wrong (session 18, `zones18`;
/// docs/robustness.md "Inputs"). One reader (`ZoneLayer`, `VectorZones`) serves `change`, `warn`, `drought` and
/// `ldn`: none covered is exit 3 naming the layer and the zones; some uncovered, a warning naming them and the
/// reports marking them. The grid is 64 x 64 pixels of 30 m (UTM 49N), so the pixel counts are worked by hand.
final class ZoneCoverageTests: CLITestCase {
    var tmp: TemporaryFolder!
    var before = "", after = ""
    var x0 = 0.0, x1 = 0.0, y0 = 0.0, y1 = 0.0

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        let values = (0..<(64 * 64)).map { Float($0 % 97) / 100 }
        before = try TestRaster.write(tmp.file("before.tif"), width: 64, height: 64, values: values)
        after = try TestRaster.write(tmp.file("after.tif"), width: 64, height: 64, values: values.map { $0 * 0.9 })
        let gt = TestRaster.utm49Transform.coefficients
        (x0, y1) = (gt[0], gt[3])
        (x1, y0) = (gt[0] + 64 * gt[1], gt[3] + 64 * gt[5])
    }

    func box(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> String {
        #"{"type":"Polygon","coordinates":[[[\#(a),\#(c)],[\#(b),\#(c)],[\#(b),\#(d)],[\#(a),\#(d)],[\#(a),\#(c)]]]}"#
    }

    /// A GeoJSON layer in the grid's CRS of (name, geometry) features.
    func layer(_ file: String, _ features: [(String, String)]) throws -> String {
        let list = features.map { #"{"type":"Feature","properties":{"name":"\#($0.0)"},"geometry":\#($0.1)}"# }
        let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[\#(list.joined(separator: ","))]}"#
        try text.write(toFile: tmp.file(file), atomically: true, encoding: .utf8)
        return tmp.file(file)
    }

    func change(_ zones: String, _ out: String) throws -> CLIRunner.Result {
        try CLIRunner.run(["change", "--before", before, "--after", after, "--zones", zones, "--zone-field", "name", "-o", tmp.file(out), "-q"])
    }

    /// Every zone off the grid (100 km east; a lat/lon layer labelled UTM lands there too): main wrote a table of
    /// 0 ha rows and exit 0. Now exit 3, one line naming the layer and the zones, nothing left.
    func testZonesThatAllMissTheGridAreRefused() throws {
        let far = 100_000.0
        let zones = try layer("off.geojson", [("east", box(x0 + far, x1 + far, y0, y1)), ("north", box(x0, x1, y0 + far, y1 + far))])
        let r = try change(zones, "o")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        for m in ["\(zones)", "no zone covers a pixel of the analysis grid", "'east', 'north'"] {
            XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o")))
        // The same reader refuses them in warn (a yearly series on the same grid).
        let series = tmp.file("s.tif")
        let ds = try Dataset.create(series, width: 64, height: 64, bands: 7, type: .float32)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for b in 1...7 {
            let band = try ds.band(b)
            band.setDescription("\(2009 + b)-07-15")
            var v = [Float](repeating: 0, count: 64 * 64)
            for i in v.indices {
                let step: Int = (i * 3 + b * 7) % 5
                v[i] = 0.3 + 0.02 * Float(step)
            }
            try v.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 64, height: 64), from: $0) }
        }
        try ds.close()
        let w = try CLIRunner.run(["warn", series, "--baseline", "2010-2015", "--period", "year", "--zones", zones, "--zone-field", "name",
                                   "-o", tmp.file("w"), "-q"])
        XCTAssertEqual(w.status, 3, w.stderr)
        XCTAssertTrue(w.stderr.contains("no zone covers a pixel"), w.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("w")))
    }

    /// Some zones cover pixels, others none (off the grid; a sliver between two rows of pixel centres; an empty
    /// polygon): a warning names those, the JSON marks them `coversNoPixel`, the covering zone is counted as
    /// before. Main listed them as 0 ha without a word.
    func testZonesCoveringNoPixelAreWarnedAndMarked() throws {
        let zones = try layer("some.geojson", [
            ("west half", box(x0, x0 + 32 * 30, y0, y1)),                         // 32 x 64 = 2048 pixels
            ("far", box(x0 + 1e6, x1 + 1e6, y0, y1)),
            ("sliver", box(x0 + 32 * 30, x1, y1 - 30 + 1, y1 - 30 + 5)),           // between the centres of rows 0 and 1
            ("empty", #"{"type":"Polygon","coordinates":[]}"#),
        ])
        let r = try change(zones, "o")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: \(zones): 3 of 4 zones cover no pixel"), r.stderr)
        XCTAssertTrue(r.stderr.contains("'far', 'sliver', 'empty'"), r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("o/change-stats.json")))) as! [String: Any]
        let zoneTables = json["zones"] as! [[String: Any]]
        var marked: [String: Bool] = [:], pixels: [String: Int] = [:]
        for z in zoneTables {
            let name = z["name"] as! String
            marked[name] = z["coversNoPixel"] as? Bool ?? false
            pixels[name] = (z["classes"] as! [[String: Any]]).reduce(0) { $0 + ($1["pixels"] as! Int) }
        }
        XCTAssertEqual(marked, ["outside every zone": false, "west half": false, "far": true, "sliver": true, "empty": true])
        XCTAssertEqual(pixels["west half"], 2048)
        XCTAssertEqual(pixels["outside every zone"], 2048)
    }

    /// A zone of coordinates +-1e300 around the grid covers every pixel; GDAL's rasterisation burnt none (its
    /// scanlines leave the integer range) and main reported 0 pixels. Now clipped to the grid's surroundings first.
    func testAZoneOfHugeCoordinatesAroundTheGridCoversIt() throws {
        let zones = try layer("huge.geojson", [("everything", box(-1e300, 1e300, -1e300, 1e300))])
        let r = try change(zones, "o")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
        let table = try String(contentsOfFile: tmp.file("o/change-stats.csv"), encoding: .utf8)
        let rows = table.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let total = rows.filter { $0.count > 4 && $0[1] == "everything" }.reduce(0) { $0 + Int($1[4])! }
        XCTAssertEqual(total, 64 * 64, table)
    }

    /// Coordinates that are not finite (1e400 in WKT reads as infinity; GeoJSON's parser refuses the number
    /// itself): main burnt such a zone as nothing. Now exit 3 naming the feature and its zone, before the CRS.
    func testNonFiniteCoordinatesAreRefused() throws {
        let csv = tmp.file("inf.csv")
        let ring = { (x: String) in "\"POLYGON((\(self.x0) \(self.y0),\(x) \(self.y0),\(x) \(self.y1),\(self.x0) \(self.y1),\(self.x0) \(self.y0)))\"" }
        try "WKT,name\n\(ring(String(x1))),ok\n\(ring("1e400")),broken\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try change(csv, "o")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("feature 2 (FID "), r.stderr)
        XCTAssertTrue(r.stderr.contains("zone 'broken') has coordinates that are not finite"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o")))
    }

    /// Copies the vector file `source` into the GeoPackage `gpkg` as layer `name` with GDAL's `ogr2ogr` (`update`: beside
    /// the layers it already holds).
    func addLayer(_ name: String, from source: String, to gpkg: String, update: Bool) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        p.arguments = ["-f", "GPKG"] + (update ? ["-update"] : []) + ["-nln", name, gpkg, source]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "ogr2ogr \(name)")
    }

    /// A layer of no features was refused as lacking the zone field (`has no field 'name': fields: `, GeoJSON
    /// without features has no fields); a file of several layers was read from its first without a word.
    func testEmptyAndMultiLayerSourcesAreNamed() throws {
        let empty = try layer("empty.geojson", [])
        var r = try change(empty, "o")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("has no features: there are no zones"), r.stderr)
        // Two layers in one GeoPackage, written by GDAL.
        let gpkg = tmp.file("two.gpkg")
        let source = try layer("one.geojson", [("a", box(x0, x1, y0, y1))])
        try addLayer("provinces", from: source, to: gpkg, update: false)
        try addLayer("districts", from: source, to: gpkg, update: true)
        r = try change(gpkg, "o2")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("has 2 layers ('provinces', 'districts')"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o2")))
        // One layer of zones beside a table without geometry (the `layer_styles` QGIS saves in a GeoPackage): the
        // zones are read (refused as "2 layers" in review, session 18).
        let styled = tmp.file("styled.gpkg"), styles = tmp.file("layer_styles.csv")
        try "f_table_name,styleName\nzones,default\n".write(toFile: styles, atomically: true, encoding: .utf8)
        try addLayer("zones", from: source, to: styled, update: false)
        try addLayer("layer_styles", from: styles, to: styled, update: true)
        r = try change(styled, "o3")
        XCTAssertEqual(r.status, 0, r.stderr)
        let stats = try String(contentsOfFile: tmp.file("o3/change-stats.json"), encoding: .utf8)
        XCTAssertTrue(stats.contains("\"a\""), stats)
    }

    /// Zone field values that read as numbers are names, never converted: a numeric field of -1, 1e300 and 0.5
    /// gives three zones named as GDAL prints them, and text values "007" and "7" are two zones (four quadrants
    /// of 32 x 32 = 1,024 pixels each, by hand).
    func testZoneValuesThatReadAsNumbersAreNames() throws {
        let (mx, my) = (x0 + 32 * 30, y0 + 32 * 30)
        let quadrants = [box(x0, mx, my, y1), box(mx, x1, my, y1), box(x0, mx, y0, my), box(mx, x1, y0, my)]
        func write(_ file: String, _ values: [String]) throws -> String {
            let list = zip(values, quadrants).map { #"{"type":"Feature","properties":{"code":\#($0)},"geometry":\#($1)}"# }
            let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[\#(list.joined(separator: ","))]}"#
            try text.write(toFile: tmp.file(file), atomically: true, encoding: .utf8)
            return tmp.file(file)
        }
        for (file, values, names) in [("numbers.geojson", ["-1", "1e300", "0.5", "-1"], ["-1": 2048, "0.5": 1024]),
                                      ("text.geojson", [#""007""#, #""7""#, #""7""#, #""0""#], ["007": 1024, "7": 2048, "0": 1024])] {
            let zones = try write(file, values)
            let r = try CLIRunner.run(["change", "--before", before, "--after", after, "--zones", zones, "--zone-field", "code",
                                       "-o", tmp.file("o-\(file)"), "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("o-\(file)/change-stats.json")))) as! [String: Any]
            var pixels: [String: Int] = [:]
            for z in json["zones"] as! [[String: Any]] where z["id"] as! Int != 0 {
                pixels[z["name"] as! String] = (z["classes"] as! [[String: Any]]).reduce(0) { $0 + ($1["pixels"] as! Int) }
            }
            XCTAssertEqual(pixels.count, 3, "\(pixels)")
            for (name, n) in names { XCTAssertEqual(pixels[name], n, "\(name) in \(pixels)") }
            if file == "numbers.geojson" { XCTAssertEqual(pixels.values.reduce(0, +), 4096, "\(pixels)") }
        }
    }
}
