import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Vector zones are identified by their name attribute whatever the feature ids
/// (from 0, from 1, with gaps, in any order) and the format; a zone off the grid is
/// listed with 0 area; overlapping zones each get their full area.
final class VectorZoneTests: XCTestCase {
    static func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
        "[[[\(x0),\(y0)],[\(x1),\(y0)],[\(x1),\(y1)],[\(x0),\(y1)],[\(x0),\(y0)]]]"
    }

    /// Features with ids 12, 3, 7, 1, 20 (gaps, out of order) on the 30 m grid at x 600000, y 4470000:
    /// an off-grid zone, the east half, a province over everything, and the west half in two pieces.
    static func geoJSON(columns: Int, rows: Int) -> String {
        let (x0, y1) = (600_000.0, 4_470_000.0)
        let (x1, y0) = (x0 + 30 * Double(columns), y1 - 30 * Double(rows))
        let mid = x0 + 30 * Double(columns / 2), quarter = x0 + 30 * Double(columns / 4)
        func feature(_ id: Int, _ name: String, _ coordinates: String) -> String {
            #"{"type":"Feature","id":\#(id),"properties":{"name":"\#(name)"},"geometry":{"type":"Polygon","coordinates":\#(coordinates)}}"#
        }
        let features = [
            feature(12, "Offshore", rect(700_000, 4_400_000, 700_300, 4_400_300)),
            feature(3, "East", rect(mid, y0, x1, y1)),
            feature(7, "Province", rect(x0 - 15, y0 - 15, x1 + 15, y1 + 15)),
            feature(1, "West", rect(x0, y0, quarter, y1)),
            feature(20, "West", rect(quarter, y0, mid, y1)),
        ]
        return #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":["#
            + features.joined(separator: ",") + "]}"
    }

    /// The zone file in each format, converted by ogr2ogr (gdal-bin, installed by Scripts/setup.sh) keeping the feature ids.
    static func zoneFiles(_ tmp: TemporaryFolder, columns: Int, rows: Int) throws -> [String: String] {
        let source = tmp.file("zones.geojson")
        try geoJSON(columns: columns, rows: rows).write(toFile: source, atomically: true, encoding: .utf8)
        var files = ["GeoJSON": source]
        for (format, name) in [("GPKG", "zones.gpkg"), ("ESRI Shapefile", "zones.shp"), ("FlatGeobuf", "zones.fgb")] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["ogr2ogr", "-f", format, "-preserve_fid", tmp.file(name), source]
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw XCTSkip("ogr2ogr (gdal-bin) could not write \(format); run Scripts/setup.sh") }
            files[format] = tmp.file(name)
        }
        return files
    }

    /// Change per zone on the planted pair (60 x 60). Expected counts are summed by hand from
    /// PlantedChangePair.patches: west holds the 100, 40 and 21 px patches, east the 36+1 and 4 px ones.
    func testChangeZonesByNameInEveryFormat() throws {
        let tmp = try TemporaryFolder()
        let (b, a, _, _) = try PlantedChangePair.make(tmp)
        let expected: [String: [Int: Int]] = [
            "West": [-2: 100, -1: 40, 0: 1800 - 161, 1: 21, 2: 0],
            "East": [-2: 4, -1: 0, 0: 1800 - 41, 1: 0, 2: 37],
            "Province": [-2: 104, -1: 40, 0: 3600 - 202, 1: 21, 2: 37],
            "Offshore": [-2: 0, -1: 0, 0: 0, 1: 0, 2: 0],
        ]
        for (format, file) in try Self.zoneFiles(tmp, columns: 60, rows: 60).sorted(by: { $0.key < $1.key }) {
            let r = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out-\(format)"),
                                                    threshold: .fixed(change: 0.08, strong: 0.2), zones: file, zoneField: "name", quiet: true))
            let json = try PlantedChangePair.readJSON(r.files["json"]!)
            let zones = json["zones"] as! [[String: Any]]
            var got: [String: [Int: Int]] = [:]
            for z in zones { got[z["name"] as! String] = PlantedChangePair.classCounts(json, zone: z).filter { $0.key != -32768 } }
            XCTAssertEqual(got, expected, format)
            // The whole area is counted once, however the zones overlap.
            XCTAssertEqual(PlantedChangePair.classCounts(json).values.reduce(0, +), 3600, format)
            let offshore = zones.first { $0["name"] as? String == "Offshore" }
            XCTAssertEqual((offshore?["classes"] as? [[String: Any]])?.map { $0["hectares"] as! Double }.reduce(0, +), 0, format)
        }
    }

    /// The same zones in an ldn run over the hand-built 4 x 2 region (LDNTestRegion): pixels 0 (falling NDVI)
    /// and 2 (grassland -> bare) are degraded, 7 (water) has no data: West (0, 1, 4, 5) 1 of 4 = 25 %,
    /// East (2, 3, 6, 7) 1 of 3 land pixels, Province 2 of 7 = 28.571 %; Offshore is listed with no area.
    func testLDNZonesByNameWithOverlap() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        let files = try Self.zoneFiles(tmp, columns: LDNTestRegion.width, rows: LDNTestRegion.height)
        for format in ["GPKG", "ESRI Shapefile"] {
            let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"\((files[format]! as NSString).lastPathComponent)\"\nfield = \"name\"\n")
            _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out-\(format)"), quiet: true))
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out-\(format)/report.json")))) as! [String: Any]
            let zones = ((report["periods"] as! [[String: Any]])[0]["zones"]) as! [[String: Any]]
            let byName = Dictionary(uniqueKeysWithValues: zones.map { ($0["name"] as! String, $0) })
            XCTAssertEqual(Set(byName.keys), ["West", "East", "Province", "Offshore"], format)
            XCTAssertEqual(byName["West"]?["proportionDegradedPercent"] as? Double ?? -1, 25, accuracy: 1e-6, format)
            XCTAssertEqual(byName["East"]?["proportionDegradedPercent"] as? Double ?? -1, 100.0 / 3, accuracy: 1e-3, format)
            XCTAssertEqual(byName["Province"]?["proportionDegradedPercent"] as? Double ?? -1, 200.0 / 7, accuracy: 1e-3, format)
            let whole = (report["periods"] as! [[String: Any]])[0]["proportionDegradedPercent"] as? Double
            XCTAssertEqual(whole ?? -1, 200.0 / 7, accuracy: 1e-3, "the whole area counts each pixel once")
        }
    }
}
