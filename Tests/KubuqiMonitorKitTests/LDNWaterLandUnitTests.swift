import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Water has no land unit (docs/ldn.md, "Nodata"; audit, session 13): a water pixel whose productivity is
/// positive (a shallow or turbid reservoir, NDVI 0.3 here) formed a land unit of its own, got performance 0,
/// LPD "stable" and a productivity status, so the land productivity rows counted the reservoir as stable land.
final class LDNWaterLandUnitTests: XCTestCase {
    func testWaterWithPositiveProductivityIsNotLand() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        // The hand-built region again, with the water pixel (7) flat at NDVI +0.3 instead of -0.2.
        let ds = try Dataset.create(tmp.file("ndvi.tif"), width: 4, height: 2, bands: LDNTestRegion.years.count, type: .float32)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (k, y) in LDNTestRegion.years.enumerated() {
            let t = Float(y - 2000)
            let values: [Float] = [0.6 - 0.04 * t, 0.3 + 0.04 * t, 0.5, 0.5, 0.5, 0.5, 0.5, 0.3]
            let band = try ds.band(k + 1)
            band.setDescription(String(y))
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 4, height: 2), from: $0) }
        }
        try ds.close()
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: config, output: out, quiet: true))
        // By hand: pixel 7 is water at both dates, so no land unit: performance, LPD and the productivity status
        // are nodata (its flat series still has trajectory 0); the other pixels as in LDNJobTests.testHandWorkedRegion.
        let nodata: Float = -32768
        XCTAssertEqual(try TestRaster.read("\(out)/baseline/trajectory.tif")[7], 0)
        for layer in ["performance", "lpd", "productivity-status", "sdg-15-3-1"] {
            XCTAssertEqual(try TestRaster.read("\(out)/baseline/\(layer).tif")[7], nodata, layer)
        }
        XCTAssertEqual(try TestRaster.read("\(out)/baseline/lpd.tif"), [1, 5, 4, 4, 4, 4, 4, nodata])
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as! [String: Any]
        let baseline = (report["periods"] as! [[String: Any]])[0]
        let rows = ((baseline["subIndicators"] as! [String: Any])["land productivity"] as! [[String: Any]])
        let pixels = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0["pixels"] as! Int) })
        XCTAssertEqual(pixels, ["no data": 1, "degraded": 1, "stable": 5, "improved": 1], "7 land pixels, the reservoir no data")
        let lpd = (baseline["productivityDynamics"] as! [[String: Any]]).first { $0["code"] as! Int == -32768 }!
        XCTAssertEqual(lpd["pixels"] as? Int, 1)
    }
}
