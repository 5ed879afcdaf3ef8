import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Numbers a downloaded file or an edited tile plan carries, which the tool used unchecked (session 17,
/// `hostile17`): each is now one line naming the file, exit 3, nothing left behind
/// (docs/robustness.md, "Inputs").
final class HostileMetadataTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// One line, the exit code, no trap, the mentions, and nothing in `tmp` but `keep`.
    func assertRefused(_ r: CLIRunner.Result, status: Int32, mentions: [String], keep: Set<String>,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("failed") || r.stderr.contains("interrupted"),
                       r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path)).subtracting(keep)
        XCTAssertEqual(left, [], "nothing left", file: file, line: line)
    }

    /// A monthly series of 4 x 1 pixels, 2001-2020, rain-like values 0-100, every band declaring `scale` and `offset`.
    func monthly(_ name: String, scale: Double, offset: Double) throws -> String {
        let path = try TestRaster.thinMonthlySeries(tmp.file(name), width: 4, seed: 17) { r in Float(r.next() % 1000) / 10 }
        let ds = try Dataset.open(path, update: true)
        for b in 1...ds.bandCount { try ds.band(b).setScale(scale, offset: offset) }
        try ds.close()
        return path
    }

    /// A band's declared scale of 0 made every value 0 (`warn`, `drought`, `stack`, `change`: exit 0 on a flat
    /// field), NaN or an infinite offset made every value nodata (`drought` wrote an all-nodata SPI with exit 0;
    /// the others ended with "no pixel is valid"), a negative scale flipped every value, 1e-45 (subnormal) made
    /// every value 0. Now each is refused before any pixel is read, with the rule of `--scale`; a `--scale` given
    /// replaces the declared one, and a usable declared scale is applied as before.
    func testDeclaredScalesAndOffsetsThatCannotBeRightAreInputErrors() throws {
        let cases: [(name: String, scale: Double, offset: Double, mention: String)] = [
            ("zero", 0, 0, "declares a scale of 0.0"), ("nan", .nan, 0, "declares a scale of nan"),
            ("negative", -0.1, 0, "declares a negative scale (-0.1); CF and GDAL allow one, but kubuqi refuses it: it reverses the order of every value"), ("subnormal", 1e-45, 0, "declares a scale of 1e-45"),
            ("beyond-float", 1e39, 0, "declares a scale of 1e+39"),
            ("offset-inf", 0.1, .infinity, "declares an offset of inf"), ("offset-nan", 0.1, .nan, "declares an offset of nan"),
        ]
        for c in cases {
            let name = "pr-\(c.name).tif"
            let path = try monthly(name, scale: c.scale, offset: c.offset)
            let commands: [[String]] = [
                ["drought", path, "--scales", "3", "-o", tmp.file("o-drought")],
                ["stack", path, "-o", tmp.file("o-stack.tif")],
                ["warn", path, "--baseline", "2001-2015", "--period", "month", "-o", tmp.file("o-warn")],
                ["change", "--before", "\(path):1", "--after", "\(path):2", "-o", tmp.file("o-change")],
            ]
            for args in commands {
                let r = try CLIRunner.run(args + ["-q"])
                try assertRefused(r, status: 3, mentions: [name, c.mention, "band "], keep: [name])
            }
            // The user's scale replaces the declared one.
            let given = try CLIRunner.run(["stack", path, "--scale", "0.1", "-o", tmp.file("o-given.tif"), "-q"])
            XCTAssertEqual(given.status, 0, "\(c.name): \(given.stderr)")
            for f in try FileManager.default.contentsOfDirectory(atPath: tmp.path) { try FileManager.default.removeItem(atPath: tmp.file(f)) }
        }
        // A usable declared scale is applied: the stack of a series declaring 0.1 equals the one given --scale 0.1.
        let good = try monthly("pr-good.tif", scale: 0.1, offset: 0)
        try run(["stack", good, "-o", tmp.file("declared.tif"), "-q"])
        let plain = try monthly("pr-plain.tif", scale: 1, offset: 0)
        try run(["stack", plain, "--scale", "0.1", "-o", tmp.file("given.tif"), "-q"])
        XCTAssertEqual(try TestRaster.read(tmp.file("declared.tif")), try TestRaster.read(tmp.file("given.tif")))
    }

    /// A negative declared scale is legal in CF and GDAL but refused, saying why (docs/robustness.md, "A negative declared
    /// scale"): `ldn`'s productivity stack too, before any pixel is read (`--check` as a full run).
    func testANegativeDeclaredScaleIsRefusedSayingWhyInLDN() throws {
        _ = try LDNTestRegion.write(tmp)
        let ds = try Dataset.open(tmp.file("ndvi.tif"), update: true)
        for b in 1...ds.bandCount { try ds.band(b).setScale(-0.0001, offset: 0) }
        try ds.close()
        let config = try LDNTestRegion.config(tmp, extra: "")
        for extra in [["--check"], ["-o", tmp.file("out")]] {
            let r = try CLIRunner.run(["ldn", "--config", config, "-q"] + extra)
            XCTAssertEqual(r.status, 3, r.stderr)
            // One error line (ldn logs its config's summary first, quiet or not).
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.contains("error:") }.count, 1, r.stderr)
            for m in ["ndvi.tif", "band 1 declares a negative scale (-0.0001)", "CF and GDAL allow one", "gdal_translate -unscale"] {
                XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")))
        }
    }

    /// A tile plan is a file users copy, edit and keep for months. Its windows, sizes and numbering were used
    /// unchecked: a window outside the grid reached a reader's precondition (`region outside the grid`: a
    /// trap, reported as "interrupted by SIGUSR1", exit 138), a window of width 0 or height -5 became GDAL's
    /// "beyond GDAL's limits" as an output error (exit 4), a tile numbered 7 at position 0 was written as
    /// `tiles/7`, a geotransform of two numbers trapped in `GeoTransform`. Now the plan is checked when it is
    /// read: exit 3 naming the plan and what is wrong, nothing written.
    func testEditedOrDamagedTilePlansAreInputErrors() throws {
        let values = (0..<(64 * 64)).map { Float($0 % 97) / 100 }
        let red = try TestRaster.write(tmp.file("red.tif"), width: 64, height: 64, values: values)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 64, height: 64, values: values.map { $0 * 1.5 })
        try run(["tiles", "plan", red, "--tile-size", "32", "-o", tmp.file("plan.json"), "-q"])
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("plan.json")))) as! [String: Any]
        func window(_ plan: inout [String: Any], tile: Int, _ key: String, _ value: Any) {
            var tiles = plan["tiles"] as! [[String: Any]]
            var w = tiles[tile]["window"] as! [String: Any]
            w[key] = value
            tiles[tile]["window"] = w
            plan["tiles"] = tiles
        }
        let edits: [(String, (inout [String: Any]) -> Void, String)] = [
            ("column -32", { window(&$0, tile: 0, "column", -32) }, "tile 0's window (-32,0 32x32)"),
            ("column 48", { window(&$0, tile: 1, "column", 48) }, "tile 1's window (48,0 32x32)"),
            ("row beyond", { window(&$0, tile: 0, "row", Int.max) }, "tile 0's window"),
            ("width 100000", { window(&$0, tile: 0, "width", 100_000) }, "tile 0's window (0,0 100000x32)"),
            ("width 0", { window(&$0, tile: 0, "width", 0) }, "tile 0's window (0,0 0x32)"),
            ("height -5", { window(&$0, tile: 0, "height", -5) }, "tile 0's window (0,0 32x-5)"),
            ("numbered 7", { p in var t = p["tiles"] as! [[String: Any]]; t[0]["index"] = 7; p["tiles"] = t }, "its tile at position 0 is numbered 7"),
            ("duplicated", { p in var t = p["tiles"] as! [[String: Any]]; t[1] = t[0]; p["tiles"] = t }, "numbered 0"),
            ("no tiles", { $0["tiles"] = [Any]() }, "it lists 0 tiles, but its grid of 64 x 64 pixels in tiles of 32 x 32 makes 4"),
            ("tile size 0", { $0["tileSize"] = [0, 0] }, "its tile size [0, 0] is not two numbers of 1 to 2147483647"),
            // (width + size - 1) / size overflowed Int and trapped (found in review).
            ("tile size Int.max", { $0["tileSize"] = [Int.max, 1] }, "its tile size [9223372036854775807, 1] is not two numbers of 1 to 2147483647"),
            ("tile size 1", { $0["tileSize"] = [1, 1] }, "it lists 4 tiles, but its grid of 64 x 64 pixels in tiles of 1 x 1 makes 4096"),
            ("block size", { $0["blockSize"] = [-1] }, "its block size [-1] is not two numbers of 1 to 2147483647"),
            ("grid width", { p in var g = p["grid"] as! [String: Any]; g["width"] = -64; p["grid"] = g }, "its grid of -64 x 64 pixels"),
            ("geotransform", { p in var g = p["grid"] as! [String: Any]; g["geoTransform"] = [1, 2]; p["grid"] = g }, "its geotransform [1.0, 2.0] is not six finite numbers"),
        ]
        for (_, edit, mention) in edits {
            var plan = original
            edit(&plan)
            try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: tmp.file("edited.json")))
            for args in [["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif"), "--plan", tmp.file("edited.json"), "--tile", "0"],
                         ["tiles", "reduce", tmp.file("edited.json"), tmp.file("o.tif")]] {
                let r = try CLIRunner.run(args + ["-q"])
                try assertRefused(r, status: 3, mentions: ["edited.json", mention, "make it again with 'kubuqi-monitor tiles plan'"],
                                  keep: ["red.tif", "nir.tif", "plan.json", "edited.json"])
            }
        }
        // The plan as written still runs.
        try run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif"), "--plan", tmp.file("plan.json"), "--tile", "3", "-q"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("o.tif/tiles/3/ndvi.tif")))
    }

    /// Zones are areas, but a point or a line was burnt as the pixels it touches and counted as a zone
    /// without a word (a line across a 64 x 64 grid became a zone of 63 pixels with its hectares in the
    /// table). Now exit 3 naming the file, the feature and its type, nothing written; polygons (and a
    /// collection of them) are read as before.
    func testPointAndLineZonesAreRefused() throws {
        let values = (0..<(64 * 64)).map { Float($0 % 97) / 100 }
        let before = try TestRaster.write(tmp.file("before.tif"), width: 64, height: 64, values: values)
        let after = try TestRaster.write(tmp.file("after.tif"), width: 64, height: 64, values: values.map { $0 * 0.9 })
        let gt = TestRaster.utm49Transform.coefficients
        let (x0, y1) = (gt[0], gt[3]), (x1, y0) = (gt[0] + 64 * gt[1], gt[3] + 64 * gt[5])
        func layer(_ name: String, _ geometries: [String]) throws -> String {
            let features = geometries.enumerated().map { #"{"type":"Feature","properties":{"name":"z\#($0.offset)"},"geometry":\#($0.element)}"# }
            let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[\#(features.joined(separator: ","))]}"#
            try text.write(toFile: tmp.file(name), atomically: true, encoding: .utf8)
            return tmp.file(name)
        }
        let square = #"{"type":"Polygon","coordinates":[[[\#(x0),\#(y0)],[\#(x1),\#(y0)],[\#(x1),\#(y1)],[\#(x0),\#(y1)],[\#(x0),\#(y0)]]]}"#
        let cases: [(String, String, String)] = [
            ("point.geojson", #"{"type":"Point","coordinates":[\#(x0 + 100),\#(y0 + 100)]}"#, "feature 2 (FID 1) is a Point, not a polygon"),
            ("line.geojson", #"{"type":"LineString","coordinates":[[\#(x0),\#(y0)],[\#(x1),\#(y1)]]}"#, "feature 2 (FID 1) is a Line String, not a polygon"),
            ("points.geojson", #"{"type":"MultiPoint","coordinates":[[\#(x0 + 100),\#(y0 + 100)]]}"#, "feature 2 (FID 1) is a Multi Point, not a polygon"),
            // A line beside a polygon in one collection (dimension 2 as a whole; found in review).
            ("mixed.geojson", #"{"type":"GeometryCollection","geometries":[\#(square),{"type":"LineString","coordinates":[[\#(x0),\#(y0)],[\#(x1),\#(y1)]]}]}"#,
             "feature 2 (FID 1) is or holds a Line String, not a polygon"),
        ]
        for (name, geometry, mention) in cases {
            let zones = try layer(name, [square, geometry])
            // One reader (VectorZones) for the zones of change, warn, drought and ldn.
            let r = try CLIRunner.run(["change", "--before", before, "--after", after, "--zones", zones, "--zone-field", "name", "-o", tmp.file("o-change"), "-q"])
            XCTAssertEqual(r.status, 3, r.stderr)
            XCTAssertTrue(r.stderr.contains("error: \(zones): \(mention)"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o-change")))
        }
        // Polygons, alone or in a collection, are zones as before; a point without a zone value is left out as before.
        var ok = try layer("ok.geojson", [square, #"{"type":"GeometryCollection","geometries":[\#(square)]}"#,
                                          #"{"type":"Point","coordinates":[\#(x0 + 100),\#(y0 + 100)]}"#])
        let text = try String(contentsOfFile: ok, encoding: .utf8).replacingOccurrences(of: #""name":"z2""#, with: #""name":null"#)
        try text.write(toFile: ok, atomically: true, encoding: .utf8)
        ok = tmp.file("ok.geojson")
        try run(["change", "--before", before, "--after", after, "--zones", ok, "--zone-field", "name", "-o", tmp.file("o-ok"), "-q"])
        let table = try String(contentsOfFile: tmp.file("o-ok/change-stats.csv"), encoding: .utf8)
        XCTAssertTrue(table.contains(",z0,"), table)
    }

    /// TOML decodes `\u0000` (and `\U00000000`) in a basic string or quoted key into a NUL, and TOMLKit hands
    /// strings over as C strings, so the rest was cut without a word: `stack = "ndvi.tif\u0000x"` read
    /// `ndvi.tif`, `climate = "temperate-dry\u0000"` was `temperate-dry` (`ldn --check`: exit 0). Now exit 3
    /// naming the config and the line; an escaped backslash before `u0000` is text, read as before.
    func testNULEscapesInTheConfigAreRefused() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let original = try String(contentsOfFile: fixtures + "/ldn.toml", encoding: .utf8)
            .replacingOccurrences(of: "\"ndvi/", with: "\"\(fixtures)/ndvi/")
            .replacingOccurrences(of: "\"landcover/", with: "\"\(fixtures)/landcover/")
            .replacingOccurrences(of: "\"soc/", with: "\"\(fixtures)/soc/")
        let stack = "ndvi_annual_2000_2024.tif"
        XCTAssertTrue(original.contains(stack) && original.contains("\"temperate-dry\""))
        func check(_ text: String) throws -> CLIRunner.Result {
            try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
            return try CLIRunner.run(["ldn", "--config", tmp.file("ldn.toml"), "--check", "-q"])
        }
        XCTAssertEqual(try check(original).status, 0)
        for (edited, line) in [(original.replacingOccurrences(of: stack, with: stack + "\\u0000x"), "stack ="),
                               (original.replacingOccurrences(of: "\"temperate-dry\"", with: "\"temperate-dry\\U00000000\""), "climate ="),
                               (original.replacingOccurrences(of: "[soc]", with: "[soc]\n\"base\\u0000line\" = 1"), "\"base")] {
            let number = edited.components(separatedBy: "\n").firstIndex { $0.hasPrefix(line) }! + 1
            let r = try check(edited)
            XCTAssertEqual(r.status, 3, r.stderr)
            XCTAssertTrue(r.stderr.contains("ldn.toml:\(number): a string or key holds \\u0000"), r.stderr)
        }
        // An escaped backslash, then "u0000": a path that does not exist, named as it is.
        let text = try check(original.replacingOccurrences(of: stack, with: stack + "\\\\u0000x"))
        XCTAssertEqual(text.status, 3, text.stderr)
        XCTAssertTrue(text.stderr.contains(stack + "\\u0000x: no such file"), text.stderr)
    }
}
