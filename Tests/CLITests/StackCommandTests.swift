import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `stack` through the CLI: bad inputs (exit code, one line naming the
/// file, nothing left behind) and `ldn` fed a stack built from dated files.
final class StackCommandTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    private func write(_ name: String, _ value: Float, transform: GeoTransform = TestRaster.utm49Transform) throws -> String {
        try TestRaster.write(tmp.file(name), width: 4, height: 3, values: [Float](repeating: value, count: 12), nodata: -9999, transform: transform)
    }

    /// Monthly files over `years`, value 0.1 x month.
    private func monthly(_ years: ClosedRange<Int>, prefix: String = "ndvi") throws -> [String] {
        var out: [String] = []
        for y in years { for m in 1...12 { out.append(try write("\(prefix)_\(y)-\(m < 10 ? "0" : "")\(m)-15.tif", 0.1 * Float(m))) } }
        return out
    }

    /// An output that is a folder, or in a missing folder, is one error line (exit 4) before the inputs are
    /// planned: no warning about a dropped period first, nothing written.
    func testAnImpossibleOutputIsRefusedBeforeThePlan() throws {
        _ = try monthly(2001...2001)
        for m in 1...3 { _ = try write("ndvi_2002-0\(m)-15.tif", 0.1) }  // 2002 would be dropped with a warning
        let folder = tmp.file("out")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let before = try tmp.contents()
        for (output, message) in [(folder, "out: is a folder, not a file"), (tmp.file("nosuch/s.tif"), "nosuch/s.tif: the folder")] {
            let r = try CLIRunner.run(["stack", "-q", tmp.path, "-o", output])
            XCTAssertEqual(r.status, 4, r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line, no warning first: \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("kubuqi-monitor: error: ") && r.stderr.contains(message), r.stderr)
            XCTAssertEqual(try tmp.contents(), before, "nothing written")
        }
    }

    private func assertFails(_ args: [String], code: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try tmp.contents()
        let r = try CLIRunner.run(["stack", "-q"] + args)
        XCTAssertEqual(r.status, code, "stderr: \(r.stderr)", file: file, line: line)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error:") }
        XCTAssertEqual(errors.count, 1, "one error line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "stderr should mention \(m): \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(try tmp.contents(), before, "nothing left behind", file: file, line: line)
    }

    func testSuccessAndTheRecord() throws {
        _ = try monthly(2001...2002)
        let r = try CLIRunner.run(["stack", tmp.path, "--reducer", "max", "-o", tmp.file("out.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 periods (2001..2002)"), r.stdout)
        XCTAssertEqual(try TestRaster.read(tmp.file("out.tif"), band: 2), [Float](repeating: 1.2, count: 12))
        XCTAssertEqual(try TestRaster.read(tmp.file("out.count.tif"), band: 1), [Float](repeating: 12, count: 12))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out.json")))) as! [String: Any]
        XCTAssertEqual(json["reducer"] as? String, "max")
        let help = try CLIRunner.run(["stack", "--help"])
        XCTAssertTrue(help.stdout.contains("Examples:") && help.stdout.contains("--season"), help.stdout)
    }

    func testUndatedOrImpossibleNames() throws {
        _ = try monthly(2001...2001)
        let undated = try write("ndvi.tif", 0.3)
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [undated, "cannot tell its date", "--dates"])
        try FileManager.default.removeItem(atPath: undated)
        let impossible = try write("MOD13.A2001400.tif", 0.3)
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [impossible, "'A2001400' is not a real date"])
    }

    func testTwoFilesWithOneDateAreRefused() throws {
        _ = try monthly(2001...2001)
        let twin = try write("other_2001-03-15.tif", 0.3)
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [twin, "ndvi_2001-03-15.tif", "same date 2001-03-15"])
    }

    func testGridsThatDifferAreRefused() throws {
        _ = try monthly(2001...2001)
        let shifted = try write("ndvi_2001-12-31.tif", 0.3, transform: GeoTransform([600_030, 30, 0, 4_470_000, 0, -30]))
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [shifted, "not on the grid of", "geotransform"])
    }

    /// A scene on a grid one pixel to the east: refused without --grid, warped
    /// onto the grid of the first with it (nearest: its values one column over,
    /// nodata where it does not reach).
    func testGridsWarpedOntoOne() throws {
        let files = try monthly(2001...2001)
        let shifted = try TestRaster.write(tmp.file("east_2001-06-20.tif"), width: 4, height: 3, values: [Float](repeating: 5, count: 12),
                                           nodata: -9999, transform: GeoTransform([600_030, 30, 0, 4_470_000, 0, -30]))
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [shifted, "not on the grid of", "--grid FILE"])
        let r = try CLIRunner.run(["stack", tmp.path, "--grid", files[0], "--resampling", "nearest", "--reducer", "max", "-o", tmp.file("w.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("w.tif")), [1.2, 5, 5, 5, 1.2, 5, 5, 5, 1.2, 5, 5, 5])
        XCTAssertEqual(try TestRaster.read(tmp.file("w.count.tif")), [12, 13, 13, 13, 12, 13, 13, 13, 12, 13, 13, 13])
        for f in ["w.tif", "w.count.tif", "w.json"] { try FileManager.default.removeItem(atPath: tmp.file(f)) }
        // A raster without georeferencing cannot be aligned with anything.
        let nowhere = try TestRaster.write(tmp.file("nowhere_2001-07-20.tif"), width: 4, height: 3, values: [Float](repeating: 1, count: 12),
                                           transform: nil, epsg: nil)
        try assertFails([tmp.path, "--grid", files[0], "-o", tmp.file("o.tif")], code: 3, mentions: [nowhere, "cannot be warped onto the grid of"])
    }

    /// `--bbox/--crs/--resolution` names a target grid as `--grid FILE` does: the stack built onto a
    /// box equals, byte for byte, the one built onto a raster of the same grid (by EPSG code or WKT);
    /// every number of the box is validated (exit 2, one line, nothing written).
    func testBBoxGridEqualsTheSameGridGivenAsAFile() throws {
        _ = try monthly(2001...2001)
        _ = try TestRaster.write(tmp.file("east_2001-06-20.tif"), width: 4, height: 3, values: [Float](repeating: 5, count: 12),
                                 nodata: -9999, transform: GeoTransform([600_030, 30, 0, 4_470_000, 0, -30]))
        // The target: 5 x 5 pixels of 30 m from (599 970, 4 470 030): one pixel beyond the inputs west, north and south.
        let gridFile = try TestRaster.write(NSTemporaryDirectory() + "i16b-grid-\(UUID().uuidString).tif", width: 5, height: 5,
                                            values: [Float](repeating: 0, count: 25), transform: GeoTransform([599_970, 30, 0, 4_470_030, 0, -30]))
        // Outputs beside the inputs would be read as inputs by the next run: they go to a folder of their own.
        let outFolder = NSTemporaryDirectory() + "i16b-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: gridFile); try? FileManager.default.removeItem(atPath: outFolder) }
        func output(_ name: String) -> String { outFolder + "/" + name }
        let common = ["--resampling", "nearest", "--reducer", "max", "-q"]
        var r = try CLIRunner.run(["stack", tmp.path, "--grid", gridFile, "-o", output("file.tif")] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        let wkt = SpatialReference(epsg: 32649)!.wkt2
        for (name, crs) in [("epsg", "EPSG:32649"), ("wkt", wkt)] {
            r = try CLIRunner.run(["stack", tmp.path, "--bbox", "599970,4469880,600120,4470030", "--crs", crs, "--resolution", "30",
                                   "-o", output("\(name).tif")] + common)
            XCTAssertEqual(r.status, 0, r.stderr)
            for suffix in [".tif", ".count.tif"] {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output("file" + suffix))),
                               try Data(contentsOf: URL(fileURLWithPath: output(name + suffix))), "\(name)\(suffix) differs from --grid FILE's")
            }
        }
        // Hand-worked: rows 1-3 of the target hold the inputs one column in: nodata, 1.2 (the monthly max), 5, 5, 5
        // (the eastern file's max); rows 0 and 4 are outside every input.
        let values = try TestRaster.read(output("epsg.tif"))
        XCTAssertEqual(values.count, 25)
        for row in 1...3 { XCTAssertEqual(Array(values[row * 5 + 1..<row * 5 + 5]), [1.2, 5, 5, 5], "row \(row)") }
        XCTAssertTrue((Array(values[0..<5]) + Array(values[20..<25]) + [values[5], values[10], values[15]]).allSatisfy(\.isNaN),
                      "outside the inputs is nodata: \(values)")

        let out = ["-o", tmp.file("o.tif")]
        let good = (box: "599970,4469880,600120,4470030", crs: "EPSG:32649", res: "30")
        func fails(_ box: String, _ crs: String, _ res: String, _ mention: String, file: StaticString = #filePath, line: UInt = #line) throws {
            try assertFails([tmp.path, "--bbox", box, "--crs", crs, "--resolution", res] + out, code: 2, mentions: [mention], file: file, line: line)
        }
        try fails("599970,4469880,nan,4470030", good.crs, good.res, "--bbox")
        try fails("600150,4469880,599970,4470030", good.crs, good.res, "--bbox")
        try fails("599970,4470030,600150,4469880", good.crs, good.res, "--bbox")
        try fails("599970,4469880,600150", good.crs, good.res, "--bbox")
        try fails("599970,4469880,600150,inf", good.crs, good.res, "--bbox")
        try fails(good.box, good.crs, "0", "--resolution")
        try fails(good.box, good.crs, "-30", "--resolution")
        try fails(good.box, good.crs, "nan", "--resolution")
        try fails(good.box, good.crs, "1e-9", "per side")
        try fails(good.box, "EPSG:999999", good.res, "--crs")
        try fails(good.box, "not a crs", good.res, "--crs")
        try assertFails([tmp.path, "--bbox", good.box, "--resolution", good.res] + out, code: 2, mentions: ["--crs"])
        try assertFails([tmp.path, "--bbox", good.box, "--crs", good.crs, "--resolution", good.res, "--grid", gridFile] + out, code: 2, mentions: ["--grid"])
    }

    /// A local STAC ItemCollection and a Catalog of item files give the stack
    /// of the same files read from a folder; remote assets without a local
    /// copy and items with several assets but no --asset are refused.
    func testSTACCollections() throws {
        let files = try monthly(2001...2001)
        func item(_ f: String, href: String, extra: [String: Any] = [:]) -> [String: Any] {
            let day = String((f as NSString).lastPathComponent.dropFirst(5).prefix(10))
            var assets: [String: Any] = ["ndvi": ["href": href, "type": "image/tiff; application=geotiff"]]
            for (k, v) in extra { assets[k] = v }
            return ["type": "Feature", "stac_version": "1.0.0", "id": "item-\(day)", "properties": ["datetime": "\(day)T03:04:05Z"], "assets": assets]
        }
        let collection = tmp.file("items.json")
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": files.map { item($0, href: ($0 as NSString).lastPathComponent) }])
            .write(to: URL(fileURLWithPath: collection))
        try FileManager.default.createDirectory(atPath: tmp.file("catalog"), withIntermediateDirectories: false)
        var links: [[String: Any]] = [["rel": "self", "href": "catalog.json"]]
        for f in files {
            let name = "item-\((f as NSString).lastPathComponent).json"
            try JSONSerialization.data(withJSONObject: item(f, href: "../" + (f as NSString).lastPathComponent)).write(to: URL(fileURLWithPath: tmp.file("catalog/" + name)))
            links.append(["rel": "item", "href": "./" + name])
        }
        try JSONSerialization.data(withJSONObject: ["type": "Catalog", "stac_version": "1.0.0", "id": "c", "description": "d", "links": links])
            .write(to: URL(fileURLWithPath: tmp.file("catalog/catalog.json")))
        let out = try TemporaryFolder()
        for (name, input) in [("folder", tmp.path), ("items", collection), ("catalog", tmp.file("catalog/catalog.json"))] {
            let r = try CLIRunner.run(["stack", input, "--reducer", "median", "-o", out.file(name + ".tif"), "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let folder = try Data(contentsOf: URL(fileURLWithPath: out.file("folder.tif")))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out.file("items.tif"))), folder)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out.file("catalog.tif"))), folder)
        let remote = tmp.file("remote.json")
        try JSONSerialization.data(withJSONObject: item(files[0], href: "https://example.org/nowhere/ndvi_1999-01-01.tif")).write(to: URL(fileURLWithPath: remote))
        try assertFails([remote, "-o", tmp.file("o.tif")], code: 3, mentions: [remote, "remote", "download it first"])
        let two = tmp.file("two.json")
        try JSONSerialization.data(withJSONObject: item(files[0], href: "x.tif", extra: ["qa": ["href": "qa.tif"]])).write(to: URL(fileURLWithPath: two))
        try assertFails([two, "-o", tmp.file("o.tif")], code: 3, mentions: [two, "2 assets", "--asset KEY"])
    }

    func testEmptyPeriods() throws {
        _ = try monthly(2001...2001)
        _ = try monthly(2003...2003)
        // A year with no file between two complete ones: dropped with a warning.
        let r = try CLIRunner.run(["stack", tmp.path, "-o", tmp.file("gap.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: period 2002 dropped: no observation"), r.stderr)
        XCTAssertEqual(try Dataset.open(tmp.file("gap.tif")).bandCount, 2)
        for f in ["gap.tif", "gap.count.tif", "gap.json"] { try FileManager.default.removeItem(atPath: tmp.file(f)) }
        // A season no observation falls in.
        try assertFails([tmp.path, "--season", "06-01..06-10", "-o", tmp.file("o.tif")], code: 3, mentions: ["no season", "nothing to write"])
        // Fewer observations than --min-obs everywhere: the option cannot be met, a usage error before any
        // pixel is read (HostileSeriesTests.testAnUnreachableMinObsIsRefusedBeforeAnyPixelIsRead).
        try assertFails([tmp.path, "--min-obs", "13", "-o", tmp.file("o.tif")], code: 2, mentions: ["--min-obs 13", "12 observations (2001, 2003)", "12 or less"])
    }

    func testNoValidObservationAtAll() throws {
        for m in 1...12 { _ = try write("ndvi_2001-\(m < 10 ? "0" : "")\(m)-15.tif", -9999) }
        try assertFails([tmp.path, "-o", tmp.file("o.tif")], code: 3, mentions: [tmp.path, "no pixel of any period has valid observations", "0..0"])
    }

    func testBadUsageAndCSV() throws {
        _ = try monthly(2001...2001)
        try assertFails([tmp.path, "--reducer", "integral", "--ot", "Int16", "-o", tmp.file("o.tif")], code: 2, mentions: ["Float32"])
        try assertFails([tmp.path, "--reducer", "p120", "-o", tmp.file("o.tif")], code: 2, mentions: ["--reducer"])
        try assertFails([tmp.path, "--season", "02-29..03-31", "-o", tmp.file("o.tif")], code: 2, mentions: ["--season"])
        try assertFails([tmp.path, "--min-coverage", "1.5", "-o", tmp.file("o.tif")], code: 2, mentions: ["--min-coverage"])
        let csv = tmp.file("dates.csv")
        try "file,date\nndvi_2001-01-15.tif,2001-01-15\nndvi_2001-02-15.tif,31/02/2001\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let files = (1...2).map { tmp.file("ndvi_2001-0\($0)-15.tif") }
        try assertFails(files + ["--dates", csv, "-o", tmp.file("o.tif")], code: 3, mentions: [csv, "row 2", "'31/02/2001' is not a date"])
    }

    /// The fixtures' annual NDVI stack taken apart into three dated files a
    /// year (January v - 0.05, May v, September v + 0.05, whose mean is v),
    /// rebuilt by `stack --ot Int16`, and fed to `ldn`: every layer of the
    /// report equals the one computed from the original stack.
    func testLDNFedTheBuiltStackEqualsLDNOnTheOriginal() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let copy = tmp.file("fixtures")
        try FileManager.default.copyItem(atPath: fixtures, toPath: copy)
        let stackPath = copy + "/ndvi/ndvi_annual_2000_2024.tif"
        let original = try Dataset.open(stackPath)
        let all = Window(column: 0, row: 0, width: original.width, height: original.height)
        let scenes = tmp.file("scenes")
        try FileManager.default.createDirectory(atPath: scenes, withIntermediateDirectories: false)
        for b in 1...original.bandCount {
            let band = try original.band(b), year = band.bandDescription
            let v = try band.read(all).map { $0 == -32768 ? Float.nan : $0 / 10_000 }
            for (day, delta) in [("01-15", Float(-0.05)), ("05-15", 0), ("09-15", 0.05)] {
                let ds = try Dataset.create("\(scenes)/ndvi_\(year)-\(day).tif", width: original.width, height: original.height, bands: 1, type: .float32)
                try ds.setGeoreferencing(from: original.grid)
                try v.map { $0 + delta }.withUnsafeBufferPointer { try ds.band(1).write(all, from: $0) }
                try ds.close()
            }
        }
        try FileManager.default.removeItem(atPath: stackPath)
        let built = try CLIRunner.run(["stack", scenes, "--ot", "Int16", "-o", stackPath, "-q"])
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertTrue(built.stdout.contains("25 periods (2000..2024)"), built.stdout)
        let a = try CLIRunner.run(["ldn", "--config", fixtures + "/ldn.toml", "-o", tmp.file("ldn-original"), "-q"])
        let b = try CLIRunner.run(["ldn", "--config", copy + "/ldn.toml", "-o", tmp.file("ldn-built"), "-q"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        let rasters = try FileManager.default.subpathsOfDirectory(atPath: tmp.file("ldn-original")).filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertFalse(rasters.isEmpty)
        for r in rasters {
            let x = try Dataset.open(tmp.file("ldn-original/" + r)), y = try Dataset.open(tmp.file("ldn-built/" + r))
            XCTAssertEqual(x.bandCount, y.bandCount, r)
            let w = Window(column: 0, row: 0, width: x.width, height: x.height)
            for k in 1...x.bandCount {
                let p = try x.band(k).read(w), q = try y.band(k).read(w)
                XCTAssertTrue(zip(p, q).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(r) band \(k) differs")
            }
        }
    }
}

/// Same-day scenes on different grids (adjacent paths/rows) are one observation
/// per pixel and date: their mean where they overlap, counted once.
final class StackSameDayMosaicTests: CLITestCase {
    func testAdjacentScenesOfOneDateAreMosaicked() throws {
        let tmp = try TemporaryFolder()
        let inputs = tmp.file("in"), out = tmp.file("out")
        for f in [inputs, out] { try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: false) }
        let t = { (x: Double) in GeoTransform([x, 30, 0, 4_470_000, 0, -30]) }
        // The target: 6 x 3 pixels from x = 600 000; another date covers it all with 0.1.
        let grid = try TestRaster.write(inputs + "/ndvi_2001-03-01.tif", width: 6, height: 3, values: [Float](repeating: 0.1, count: 18),
                                        nodata: -9999, transform: t(600_000))
        // 2001-06-15: scene A (columns 0-3, 0.2) and scene B (columns 2-5, 0.4), overlapping in columns 2-3;
        // B has a hole at row 0, column 2 of the target (its first pixel).
        _ = try TestRaster.write(inputs + "/a_2001-06-15.tif", width: 4, height: 3, values: [Float](repeating: 0.2, count: 12),
                                 nodata: -9999, transform: t(600_000))
        var b = [Float](repeating: 0.4, count: 12)
        b[0] = -9999
        _ = try TestRaster.write(inputs + "/b_2001-06-15.tif", width: 4, height: 3, values: b, nodata: -9999, transform: t(600_060))
        try run(["stack", inputs, "--grid", grid, "--resampling", "nearest", "--min-coverage", "0", "-o", out + "/mean.tif", "-q"])
        // Hand-worked: columns 0-1 (0.1 + 0.2) / 2; 2-3 (0.1 + (0.2 + 0.4) / 2) / 2 (row 0, column 2: (0.1 + 0.2) / 2);
        // 4-5 (0.1 + 0.4) / 2; every pixel two observations (the mosaic counts once).
        let row: [Float] = [0.15, 0.15, 0.2, 0.2, 0.25, 0.25]
        var expected = row + row + row
        expected[2] = 0.15
        let got = try TestRaster.read(out + "/mean.tif")
        for (i, (g, e)) in zip(got, expected).enumerated() { XCTAssertEqual(g, e, accuracy: 1e-6, "pixel \(i)") }
        XCTAssertEqual(try TestRaster.read(out + "/mean.count.tif"), [Float](repeating: 2, count: 18))
        // The record lists both scenes of the day.
        let record = try String(contentsOfFile: out + "/mean.json", encoding: .utf8)
        for name in ["a_2001-06-15.tif", "b_2001-06-15.tif"] { XCTAssertTrue(record.contains(name), record) }
        // Two files of one day on the same grid are still refused, naming both.
        _ = try TestRaster.write(inputs + "/c_2001-06-15.tif", width: 4, height: 3, values: [Float](repeating: 0.3, count: 12),
                                 nodata: -9999, transform: t(600_000))
        let r = try run(["stack", inputs, "--grid", grid, "--min-coverage", "0", "-o", out + "/again.tif", "-q"], expect: 3)
        XCTAssertTrue(r.stderr.contains("c_2001-06-15.tif") && r.stderr.contains("a_2001-06-15.tif") && r.stderr.contains("same grid"), r.stderr)
    }
}
