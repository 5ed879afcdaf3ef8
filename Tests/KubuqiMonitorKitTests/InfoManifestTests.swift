import KubuqiMonitorKit
import TestSupport
import XCTest

/// `info` on the real scenes against the facts MANIFEST.txt states.
final class InfoManifestTests: XCTestCase {
    struct Expected {
        let file: String, width: Int, height: Int, bands: Int, type: String, epsg: Int?
        /// As `gdalinfo -json` gives it: a number, "NaN", or nil without nodata.
        var nodata: Any? = nil
    }

    let expectations: [Expected] = [
        Expected(file: "01_s2_l2a_sahara_T29RKH_20200219/B04.tif", width: 1098, height: 1098, bands: 1, type: "UInt16", epsg: 32629, nodata: 0),
        Expected(file: "01_s2_l2a_sahara_T29RKH_20200219/B11.tif", width: 549, height: 549, bands: 1, type: "UInt16", epsg: 32629, nodata: 0),
        Expected(file: "02_landsat7_espa_sr_with_ndvi_reference_LE70230282011250/LE70230282011250EDC00_sr_band3.tif",
                 width: 258, height: 243, bands: 1, type: "Int16", epsg: 32616, nodata: -32768),
        Expected(file: "03_modis_myd13a1_h30v10_2020153_ndvi_reference/MYD13A1.A2020153.h30v10.006.2020170024036_NDVI_B01.TIF",
                 width: 480, height: 480, bands: 1, type: "Int16", epsg: nil, nodata: -3000),
        Expected(file: "04_modis_ndvi_multiyear_timeseries/bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif",
                 width: 5, height: 5, bands: 275, type: "Float32", epsg: 4267, nodata: "NaN"),
        Expected(file: "04_modis_ndvi_multiyear_timeseries/npphen_Bdesert_MOD13Q1_NDVI_2000_2021.tif",
                 width: 8, height: 8, bands: 929, type: "Int16", epsg: 32719, nodata: -32768),
        Expected(file: "06_landsat8_zion_semiarid_20150818_with_nlcd/landsat_b4.tif", width: 1128, height: 1428, bands: 1, type: "UInt16", epsg: 32612, nodata: 65535),
        Expected(file: "07_landcover_multi_year/ConR_land_cover_ex_ESACCI_LC_1km_2layers.tif", width: 240, height: 120, bands: 2, type: "Byte", epsg: 4326, nodata: 255),
        Expected(file: "09_landsat7_olinda_stars/L7_ETMs.tif", width: 349, height: 352, bands: 6, type: "Byte", epsg: 31985),
    ]

    func testJSONMatchesManifest() throws {
        let paths = try expectations.map { try RealData.path($0.file) }
        let json = try InfoJob.json(InfoJob.describe(paths))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        XCTAssertEqual(decoded.count, expectations.count)
        for (e, d) in zip(expectations, decoded) {
            XCTAssertEqual(d["size"] as? [Int], [e.width, e.height], e.file)
            XCTAssertEqual(d["bandCount"] as? Int, e.bands, e.file)
            let bands = d["bands"] as! [[String: Any]]
            XCTAssertEqual(bands.count, e.bands, e.file)
            XCTAssertTrue(bands.allSatisfy { $0["dataType"] as? String == e.type }, e.file)
            XCTAssertEqual(d["epsg"] as? Int, e.epsg, e.file)
            XCTAssertNotNil(d["wkt"] as? String, "\(e.file) has a CRS, so WKT is given")
            for band in bands {
                switch e.nodata {
                case let number as Int: XCTAssertEqual(band["nodata"] as? Int, number, e.file)
                case let text as String: XCTAssertEqual(band["nodata"] as? String, text, e.file)
                default: XCTAssertNil(band["nodata"], e.file)
                }
            }
        }
    }
}
