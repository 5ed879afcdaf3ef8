import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

final class RoundTripTests: XCTestCase {
    func testWrittenRasterReadsBackIdentically() throws {
        let tmp = try TemporaryFolder()
        let (w, h) = (37, 23)
        let values = (0..<(w * h)).map { Float($0 % 97) * 0.25 - 3 }
        let path = try TestRaster.write(tmp.file("a.tif"), width: w, height: h, values: values,
                                        nodata: -3, options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        let ds = try Dataset.open(path)
        XCTAssertEqual(ds.width, w)
        XCTAssertEqual(ds.height, h)
        XCTAssertEqual(ds.geoTransform, TestRaster.utm49Transform)
        XCTAssertEqual(ds.spatialReference?.epsgCode, 32649)
        let band = try ds.band(1)
        XCTAssertEqual(band.nodata, -3)
        XCTAssertEqual(band.dataType, .float32)
        XCTAssertEqual(band.blockSize.width, 16)
        XCTAssertEqual(try band.read(Window(column: 0, row: 0, width: w, height: h)), values)
        // A window in the middle reads the matching sub-rectangle.
        let win = Window(column: 5, row: 7, width: 10, height: 4)
        let expected = (7..<11).flatMap { r in (5..<15).map { c in values[r * w + c] } }
        XCTAssertEqual(try band.read(win), expected)
    }

    func testInt16RoundTripKeepsNodata() throws {
        let tmp = try TemporaryFolder()
        let values: [Float] = [-32768, -1, 0, 1, 32767, 1234]
        let path = try TestRaster.write(tmp.file("b.tif"), width: 3, height: 2, values: values, type: .int16, nodata: -32768)
        let band = try Dataset.open(path).band(1)
        XCTAssertEqual(band.dataType, .int16)
        XCTAssertEqual(band.nodata, -32768)
        XCTAssertEqual(try band.readInt16(Window(column: 0, row: 0, width: 3, height: 2)), [-32768, -1, 0, 1, 32767, 1234])
    }

    func testGridDifferencesAreNamed() throws {
        let a = Grid(width: 10, height: 10, geoTransform: TestRaster.utm49Transform, crsWKT: SpatialReference(epsg: 32649)!.wkt2)
        var b = a
        XCTAssertNil(a.difference(from: b))
        b.width = 11
        XCTAssertEqual(a.difference(from: b), "size 10x10 vs 11x10")
        b = a
        b.geoTransform = GeoTransform([600_015, 30, 0, 4_470_000, 0, -30])
        XCTAssertTrue(a.difference(from: b)!.hasPrefix("geotransform"))
        b = a
        b.crsWKT = SpatialReference(epsg: 32650)!.wkt2
        XCTAssertEqual(a.difference(from: b), "CRS EPSG:32649 vs EPSG:32650")
        // The same CRS spelled as WKT1 instead of WKT2 is the same grid.
        b = a
        b.crsWKT = "PROJCS[\"WGS 84 / UTM zone 49N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",111],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]"
        XCTAssertNil(a.difference(from: b))
    }

    func testUnknownCreationOptionIsAnErrorNamingTheKey() throws {
        let tmp = try TemporaryFolder()
        XCTAssertThrowsError(try Dataset.create(tmp.file("c.tif"), width: 4, height: 4, bands: 1, type: .byte,
                                                options: CreationOptions(parsing: ["NOT_AN_OPTION=YES"]))) { error in
            XCTAssertTrue("\(error)".contains("NOT_AN_OPTION"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("c.tif")))
    }

    func testOpeningANonRasterReportsGDALsMessage() throws {
        let tmp = try TemporaryFolder()
        try "not a raster".write(toFile: tmp.file("x.tif"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Dataset.open(tmp.file("x.tif"))) { error in
            let e = error as! GDALError
            XCTAssertFalse(e.messages.isEmpty, "GDAL's own message is kept")
        }
    }
}
