import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Issue 14 item 11: `info` shows each band's scale, offset and units, and a CRS without a
/// name by its PROJ string (MODIS sinusoidal is not "(unnamed)").
final class InfoScalingAndCRSTests: XCTestCase {
    func testBandScaleOffsetAndUnits() throws {
        let tmp = try TemporaryFolder()
        let path = try TestRaster.write(tmp.file("sr.tif"), width: 2, height: 2, values: [1, 2, 3, 4], type: .int16)
        let ds = try Dataset.open(path, update: true)
        try ds.band(1).setScale(0.0001, offset: -0.2)
        try ds.band(1).setUnits("reflectance")
        try ds.close()
        let d = try InfoJob.describe([path])[0]
        XCTAssertEqual(d.bands[0].scale, 0.0001)
        XCTAssertEqual(d.bands[0].offset, -0.2)
        XCTAssertEqual(d.bands[0].units, "reflectance")
        XCTAssertTrue(InfoJob.text(d).contains("scale 0.0001, offset -0.2, units reflectance"), InfoJob.text(d))
        let json = try JSONSerialization.jsonObject(with: Data(InfoJob.json([d]).utf8)) as! [[String: Any]]
        let band = (json[0]["bands"] as! [[String: Any]])[0]
        XCTAssertEqual(band["scale"] as? Double, 0.0001)
        XCTAssertEqual(band["offset"] as? Double, -0.2)
        XCTAssertEqual(band["units"] as? String, "reflectance")
        // A band declaring nothing says so.
        let plain = try TestRaster.write(tmp.file("plain.tif"), width: 2, height: 2, values: [1, 2, 3, 4])
        XCTAssertTrue(InfoJob.text(try InfoJob.describe([plain])[0]).contains("scale none, offset none"))
    }

    /// The fixtures' NDVI stack is stored x10000 with scale 0.0001 (Fixtures/README.md).
    func testFixtureStackShowsItsScale() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let d = try InfoJob.describe([root.appendingPathComponent("Fixtures/ndvi/ndvi_annual_2000_2024.tif").path])[0]
        XCTAssertEqual(d.bands[0].scale, 0.0001)
        XCTAssertTrue(InfoJob.text(d).contains("band 1: Int16 \"2000\", nodata -32768, scale 0.0001"), InfoJob.text(d))
    }

    /// A CRS written as a bare definition (GDAL names it "unknown") shows its PROJ string.
    func testUnnamedCRSShowsItsPROJString() throws {
        let tmp = try TemporaryFolder()
        let path = try TestRaster.write(tmp.file("sinu.tif"), width: 2, height: 2, values: [1, 2, 3, 4], epsg: nil)
        // The WKT gdalsrsinfo gives for MODIS's sinusoidal PROJ string (names "unknown").
        let wkt = """
        PROJCS["unknown",GEOGCS["unknown",DATUM["unknown",SPHEROID["unknown",6371007.181,0]],PRIMEM["Greenwich",0],\
        UNIT["degree",0.0174532925199433]],PROJECTION["Sinusoidal"],PARAMETER["longitude_of_center",0],\
        PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]
        """
        let ds = try Dataset.open(path, update: true)
        try ds.setProjection(wkt)
        try ds.close()
        let d = try InfoJob.describe([path])[0]
        XCTAssertNil(d.crsName)
        XCTAssertEqual(d.proj, "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs")
        let text = InfoJob.text(d)
        XCTAssertTrue(text.contains("crs:        +proj=sinu +lon_0=0"), text)
        XCTAssertFalse(text.contains("unnamed"), text)
    }

    func testRealModisSinusoidal() throws {
        let path = try RealData.path("03_modis_myd13a1_h30v10_2020153_ndvi_reference/MYD13A1.A2020153.h30v10.006.2020170024036_NDVI_B01.TIF")
        let d = try InfoJob.describe([path])[0]
        // gdalsrsinfo -o proj4 on the file: +proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs
        XCTAssertEqual(d.proj, "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs")
        XCTAssertTrue(InfoJob.text(d).contains("+proj=sinu"))
        // gdalinfo: "Offset: 0,   Scale:10000" (MODIS declares the HDF convention, stored = value x 10000).
        XCTAssertEqual(d.bands[0].scale, 10000)
    }
}
