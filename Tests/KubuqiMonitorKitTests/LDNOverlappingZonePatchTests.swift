import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Issue 19: `ldn`'s SDG patches with overlapping zones, worked by hand on the eight-pixel region of
/// LDNTestRegion (SDG 15.3.1 of the baseline, row 0: -1, +1, -1, +1; row 1: 0, 0, 0, no data).
/// Zones: A = columns 0-1, B = columns 2-3, C = columns 1-2 (overlapping A and B: a second zone layer).
final class LDNOverlappingZonePatchTests: XCTestCase {
    static let script = #"""
import json, sys
from osgeo import ogr
args = json.load(open(sys.argv[1]))
ds = ogr.Open(args["gpkg"])
layer = ds.GetLayer("patches")
names = [layer.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(layer.GetLayerDefn().GetFieldCount())]
rows = []
for f in layer:
    rows.append([f["class"], f["zone"], f["zone_2"] if "zone_2" in names else "absent", f["area_m2"], f.GetGeometryRef().GetArea() / 900.0])
json.dump({"fields": names, "rows": sorted(rows, key=lambda r: (r[1], r[0]))}, open(sys.argv[2], "w"))
"""#

    func testEachPatchCarriesEveryZoneAndZonesSumToTheirTables() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        func box(_ name: String, _ x0: Int, _ x1: Int) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),4469940],[\(x1),4469940],[\(x1),4470000],[\(x0),4470000],[\(x0),4469940]]]}}"
        }
        let zones = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":["
            + [box("A", 600_000, 600_060), box("B", 600_060, 600_120), box("C", 600_030, 600_090)].joined(separator: ",") + "]}"
        try zones.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.geojson\"\nfield = \"name\"\n")
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        guard let python = PythonReference.interpreter(needing: "osgeo.ogr") else { return }
        let got = try PythonReference.run(python, script: Self.script, input: ["gpkg": tmp.file("out/baseline/sdg-15-3-1-patches.gpkg")]) as! [String: Any]
        XCTAssertTrue((got["fields"] as! [String]).contains("zone_2"), "\(got["fields"]!)")
        let rows = got["rows"] as! [[Any]]
        // By hand: pixel 0 degraded in A only; 1 improved in A and C; 2 degraded in B and C; 3 improved in B only.
        let want: [(Int, String, String?)] = [(-1, "A", nil), (1, "A", "C"), (-1, "B", "C"), (1, "B", nil)]
        XCTAssertEqual(rows.count, want.count, "\(rows)")
        for (r, w) in zip(rows, want) {
            XCTAssertEqual(r[0] as? Int, w.0)
            XCTAssertEqual(r[1] as? String, w.1)
            XCTAssertEqual(r[2] as? String, w.2, "zone_2 of the \(w.1) patch of class \(w.0)")
            XCTAssertEqual(r[3] as! Double, 900.4986, accuracy: 0.01, "one pixel's true area (TestRaster.utm49PixelKm2)")
            XCTAssertEqual(r[4] as! Double, 1, accuracy: 1e-9, "one pixel under the polygon")
        }
        // Per zone of either layer, the polygons naming it add up to report.json's zone rows (km2, to the table's 10^-9).
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out/report.json")))) as! [String: Any]
        let zoneDocs = ((report["periods"] as! [[String: Any]])[0]["zones"]) as! [[String: Any]]
        XCTAssertEqual(zoneDocs.map { $0["name"] as! String }, ["A", "B", "C"])
        for z in zoneDocs {
            let name = z["name"] as! String
            let sdg = (z["subIndicators"] as! [String: [[String: Any]]])["SDG 15.3.1 (one out, all out)"]!
            for code in [-1, 1] {
                let table = sdg.first { $0["code"] as! Int == code }!["km2"] as! Double
                let polygons = rows.filter { $0[0] as? Int == code && ($0[1] as? String == name || $0[2] as? String == name) }
                    .reduce(0.0) { $0 + ($1[3] as! Double) } / 1e6
                XCTAssertEqual(polygons, table, accuracy: 1e-9, "zone \(name) class \(code)")
                XCTAssertEqual(polygons, TestRaster.utm49PixelKm2, accuracy: 1e-8, "zone \(name) class \(code): one pixel each, by hand")
            }
        }
    }
}
