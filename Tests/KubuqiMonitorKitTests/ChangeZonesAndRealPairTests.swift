import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

final class ChangeZonesAndRealPairTests: XCTestCase {
    /// A GeoJSON with two rectangles on the test grid (x 600000.., y ..4470000, 30 m pixels).
    func zonesGeoJSON(epsg: Int) -> String {
        func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
            "[[[\(x0),\(y0)],[\(x1),\(y0)],[\(x1),\(y1)],[\(x0),\(y1)],[\(x0),\(y0)]]]"
        }
        // West: columns 0-29 (x 600000-600900); east: columns 30-59.
        return """
        {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::\(epsg)"}},
         "features":[
          {"type":"Feature","properties":{"name":"West banner"},"geometry":{"type":"Polygon","coordinates":\(rect(600_000, 4_468_200, 600_900, 4_470_000))}},
          {"type":"Feature","properties":{"name":"East banner"},"geometry":{"type":"Polygon","coordinates":\(rect(600_900, 4_468_200, 601_800, 4_470_000))}}]}
        """
    }

    func testVectorZonesAreRasterisedAndNamed() throws {
        let tmp = try TemporaryFolder()
        let helper = PlantedChangePair.self
        let (b, a, _, _) = try helper.make(tmp)
        try zonesGeoJSON(epsg: 32649).write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let r = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"), threshold: .fixed(change: 0.08, strong: 0.2),
                                                zones: tmp.file("zones.geojson"), zoneField: "name", quiet: true))
        let json = try helper.readJSON(r.files["json"]!)
        let zones = json["zones"] as! [[String: Any]]
        XCTAssertEqual(zones.map { $0["name"] as! String }, ["West banner", "East banner"])
        XCTAssertEqual(helper.classCounts(json, zone: zones[0])[-2], 100, "the 10x10 patch at column 2 is in the west")
        XCTAssertEqual(helper.classCounts(json, zone: zones[1])[2], 37, "36 + 1 pixel patches in the east")
        let csv = try String(contentsOfFile: r.files["csv"]!, encoding: .utf8)
        // 100 pixels of 0.0900498 ha (true area, TestRaster.utm49PixelKm2): 9.005 ha.
        let line = csv.split(whereSeparator: \.isNewline).first { $0.hasPrefix("1,West banner,-2,strong degradation,100,") }
        XCTAssertNotNil(line, csv)
        let hectares = line.flatMap { Double($0.split(separator: ",")[5]) }
        XCTAssertEqual(hectares ?? 0, 100 * TestRaster.utm49PixelKm2 * 100, accuracy: 1e-3, csv)
    }

    func testZonesInAnotherCRSAreRefused() throws {
        let tmp = try TemporaryFolder()
        let (b, a, _, _) = try PlantedChangePair.make(tmp)
        try zonesGeoJSON(epsg: 4326).write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"),
                                                             zones: tmp.file("zones.geojson"), zoneField: "name", quiet: true))) { e in
            XCTAssertTrue("\(e)".contains("zones.geojson") && "\(e)".contains("EPSG:4326") && "\(e)".contains("EPSG:32649"), "\(e)")
        }
    }

    /// The real Landsat 5 pair of 2000 and 2010 (101 x 101, same grid): DN-NDVI change end to end.
    func testRealLandsat5PairDifferenceStatistics() throws {
        let base = "05_landsat_two_date_r-cran-satellite/"
        let red0 = try RealData.path(base + "LT05/LT05_L1TP_167055_20000309_20161214_01_T1_B3.TIF")
        let nir0 = try RealData.path(base + "LT05/LT05_L1TP_167055_20000309_20161214_01_T1_B4.TIF")
        let red1 = try RealData.path(base + "LT5/LT51670552010352MLK00_B3.tif")
        let nir1 = try RealData.path(base + "LT5/LT51670552010352MLK00_B4.tif")
        let tmp = try TemporaryFolder()
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], bands: [.red: .init(path: red0), .nir: .init(path: nir0)], output: tmp.file("n0.tif"), quiet: true))
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], bands: [.red: .init(path: red1), .nir: .init(path: nir1)], output: tmp.file("n1.tif"), quiet: true))
        let r = try ChangeJob.run(ChangeOptions(before: tmp.file("n0.tif"), after: tmp.file("n1.tif"), outputFolder: tmp.file("out"), quiet: true))

        // Independent: NDVI per date from the DN bands in Double, then the difference's moments.
        func ndvi(_ red: String, _ nir: String) throws -> [Double] {
            let r = try TestRaster.read(red).map(Double.init), n = try TestRaster.read(nir).map(Double.init)
            return zip(n, r).map { (n: Double, r: Double) -> Double in n + r == 0 ? Double.nan : (n - r) / (n + r) }
        }
        let d = zip(try ndvi(red1, nir1), try ndvi(red0, nir0)).map { $0 - $1 }.filter { !$0.isNaN }
        let mean = d.reduce(0, +) / Double(d.count)
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        XCTAssertEqual(r.difference.count, d.count)
        XCTAssertEqual(r.difference.mean!, mean, accuracy: 1e-6)
        XCTAssertEqual(r.difference.standardDeviation!, sd, accuracy: 1e-6)
        // MANIFEST: DN-NDVI means 0.059 (2000) and 0.134 (2010): a mean rise of about 0.075.
        XCTAssertEqual(mean, 0.134 - 0.059, accuracy: 0.002)
        XCTAssertEqual(r.tally.byClass.pixels.values.reduce(0, +), 101 * 101)
    }
}
