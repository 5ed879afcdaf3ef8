import Foundation
import TestSupport
import XCTest

/// Issue 14 item 12: every table reads back with Python's csv module (RFC 4180), every number in
/// the JSON reports is a JSON number, the change CSV has the whole-area rows, land-cover zones are
/// named by their class. Issue 14 item 10: both dates are in the tables.
final class ReportTablesTests: CLITestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ p: String) -> String { repo.appendingPathComponent("Fixtures/" + p).path }

    /// Reads every CSV with Python's csv module; returns, per file, its header and rows as dictionaries.
    /// Fails when a record's field count differs from the header's.
    func readBack(_ files: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: [[String: String]]] {
        let script = """
        import csv, json, sys
        out = {}
        for path in sys.argv[1:]:
            with open(path, newline='') as f:
                rows = list(csv.reader(f, strict=True))
            header = rows[0]
            bad = [i for i, r in enumerate(rows) if len(r) != len(header)]
            if bad:
                sys.exit(f"{path}: records {bad[:5]} have a field count other than the header's {len(header)}: {rows[bad[0]]}")
            out[path] = [dict(zip(header, r)) for r in rows[1:]]
        print(json.dumps(out))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + files
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, e, file: file, line: line)
        guard p.terminationStatus == 0 else { return [:] }
        return try JSONSerialization.jsonObject(with: data) as! [String: [[String: String]]]
    }

    /// Strings that read as numbers, outside the keys that are text by nature (paths, digests, dates as written).
    func numbersAsStrings(_ v: Any, key: String = "", path: String = "") -> [String] {
        let textKeys: Set = ["path", "sha256", "before", "after", "given", "file", "name", "tool"]
        switch v {
        case let d as [String: Any]: return d.keys.sorted().flatMap { numbersAsStrings(d[$0]!, key: $0, path: path + "." + $0) }
        case let a as [Any]: return a.enumerated().flatMap { numbersAsStrings($1, key: key, path: path + "[\($0)]") }
        case let s as String:
            let numeric = Double(s) != nil || s.range(of: "^[0-9]+x[0-9]+$", options: .regularExpression) != nil
            return numeric && !textKeys.contains(key) ? ["\(path) = \"\(s)\""] : []
        default: return []
        }
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testChangeTablesAndJSON() throws {
        let tmp = try TemporaryFolder()
        let stack = Self.fixture("ndvi/ndvi_annual_2000_2024.tif")
        let r = try CLIRunner.run(["change", "--before", stack + ":1", "--after", stack + ":25", "--mmu", "4px",
                                   "--zones", Self.fixture("landcover/lccs_2000.tif"), "-o", tmp.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try json(tmp.file("change-stats.json"))
        XCTAssertEqual(numbersAsStrings(doc), [])
        let threshold = doc["threshold"] as! [String: Any], grid = doc["grid"] as! [String: Any]
        XCTAssertNotNil(threshold["change"] as? Double)
        XCTAssertEqual(grid["pixelSize"] as? Double, 30)
        XCTAssertEqual(grid["size"] as? [Int], [256, 256])
        XCTAssertEqual((doc["minimumMappingUnit"] as! [String: Any])["pixels"] as? Int, 4)
        // The band descriptions name the years (Fixtures/README.md: bands "2000".."2024").
        XCTAssertEqual((doc["dates"] as! [String: Any])["before"] as? String, "2000")
        XCTAssertEqual((doc["dates"] as! [String: Any])["after"] as? String, "2024")
        // Land-cover zones by class: LCCS 130 is grassland, 200 bare (Trends.Earth's ESA CCI nesting).
        let zones = doc["zones"] as! [[String: Any]]
        XCTAssertEqual(zones.first { $0["id"] as? Int == 130 }?["name"] as? String, "LCCS 130 (Grassland)")
        XCTAssertEqual(zones.first { $0["id"] as? Int == 200 }?["name"] as? String, "LCCS 200 (Other land)")

        let rows = try readBack([tmp.file("change-stats.csv")])[tmp.file("change-stats.csv")] ?? []
        let whole = rows.filter { $0["zone"] == "all" }
        XCTAssertEqual(whole.map { $0["code"]! }, ["-2", "-1", "0", "1", "2"])
        XCTAssertTrue(rows.allSatisfy { $0["before"] == "2000" && $0["after"] == "2024" })
        // The whole-area rows are the sums over the zones (zone 0 included), class by class.
        for w in whole {
            let sum = rows.filter { $0["zone"] != "all" && $0["code"] == w["code"] }.reduce(0) { $0 + Int($1["pixels"]!)! }
            XCTAssertEqual(Int(w["pixels"]!), sum, "class \(w["code"]!)")
        }
        XCTAssertTrue(rows.contains { $0["zone_name"] == "LCCS 130 (Grassland)" })
    }

    func testLDNTablesReadBackWithCommasInNames() throws {
        let tmp = try TemporaryFolder()
        // Two zones over the fixtures' grid (EPSG:32649, x 296040..303720, y 4456140..4463820), names with a comma and quotes.
        let geojson = """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32649"}},
         "features": [
          {"type": "Feature", "properties": {"name": "West, \\"banner\\" A"}, "geometry": {"type": "Polygon", "coordinates": [[[296040, 4456140], [299880, 4456140], [299880, 4463820], [296040, 4463820], [296040, 4456140]]]}},
          {"type": "Feature", "properties": {"name": "East"}, "geometry": {"type": "Polygon", "coordinates": [[[299880, 4456140], [303720, 4456140], [303720, 4463820], [299880, 4463820], [299880, 4456140]]]}}
         ]}
        """
        try geojson.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        var config = try String(contentsOfFile: Self.fixture("ldn.toml"), encoding: .utf8)
        config = config.replacingOccurrences(of: "= \"", with: "= \"\(Self.repo.path)/Fixtures/")
            .replacingOccurrences(of: "\(Self.repo.path)/Fixtures/esa-cci", with: "esa-cci")
            .replacingOccurrences(of: "\(Self.repo.path)/Fixtures/temperate-dry", with: "temperate-dry")
        config += "\n[zones]\nfile = \"\(tmp.file("zones.geojson"))\"\nfield = \"name\"\n"
        config += "\n[report]\narea = \"Hangjin Banner (synthetic)\"\nproducer = \"Report test\"\ndate = \"2026-06-30\"\nsources = \"Synthetic NDVI stack (Fixtures)\"\n"
        try config.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: tmp.file("out"), withIntermediateDirectories: true)
        let r = try CLIRunner.run(["ldn", "--config", tmp.file("ldn.toml"), "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        guard r.status == 0 else { return }
        let doc = try json(tmp.file("out/report.json"))
        XCTAssertEqual(numbersAsStrings(doc), [])
        let settings = doc["config"] as! [String: Any]
        XCTAssertEqual(settings["productivityScale"] as? Double, 0.0001)
        XCTAssertEqual(settings["baseline"] as? [Int], [2000, 2013])
        XCTAssertEqual((doc["grid"] as! [String: Any])["pixelSize"] as? Double, 30)

        let tables = try FileManager.default.contentsOfDirectory(atPath: tmp.file("out/tables")).filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertGreaterThanOrEqual(tables.count, 7)
        let read = try readBack(tables.map { tmp.file("out/tables/" + $0) })
        let summary = read[tmp.file("out/tables/sdg-15-3-1-summary.csv")] ?? []
        XCTAssertTrue(summary.contains { $0["sub_indicator"] == "SDG 15.3.1 (one out, all out)" && $0["period"] == "baseline" && $0["first_year"] == "2000" })
        let zones = read[tmp.file("out/tables/reporting-2019-2024-zones.csv")] ?? []
        XCTAssertTrue(zones.contains { $0["zone_name"] == "West, \"banner\" A" && $0["sub_indicator"] == "SDG 15.3.1 (one out, all out)" })
        // Issue 19: the report a focal point signs and the UNCCD tables, on this same run.
        try ReportBrowser.checkFixtureReport(tmp.file("out"))
    }
}
