import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Scene layouts on small synthetic folders that mimic the real names and metadata.
final class SensorPresetTests: XCTestCase {
    func makeLandsat(_ tmp: TemporaryFolder, spacecraft: String = "LANDSAT_8", prefix: String = "LC08", withMTL: Bool = true) throws -> String {
        let folder = tmp.file("\(prefix)_L2SP_128032_20230820_20230826_02_T1")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = (folder as NSString).lastPathComponent
        let numbers = prefix == "LC08" || prefix == "LC09" ? [2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5, 7]
        // DN for reflectance 0.1 is (0.1 + 0.2) / 0.0000275 = 10909.09 -> 10909; for 0.3, 18181.
        for n in numbers {
            let dn: Float = (n == numbers[3]) ? 18181 : 10909
            try TestRaster.write("\(folder)/\(name)_SR_B\(n).TIF", width: 4, height: 2, values: [0, dn, dn, dn, dn, dn, dn, dn],
                                 type: .uint16, nodata: 0)
        }
        // QA_PIXEL: pixel 1 cloud (bit 3), pixel 2 shadow (bit 4), pixel 3 clear (bit 6), pixel 4 water (bit 7) + clear.
        try TestRaster.write("\(folder)/\(name)_QA_PIXEL.TIF", width: 4, height: 2,
                             values: [1, 8, 16, 64, 192, 64, 64, 2], type: .uint16)
        if withMTL {
            var mtl = "GROUP = LANDSAT_METADATA_FILE\n  GROUP = IMAGE_ATTRIBUTES\n    SPACECRAFT_ID = \"\(spacecraft)\"\n    DATE_ACQUIRED = 2023-08-20\n  END_GROUP = IMAGE_ATTRIBUTES\n  GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS\n"
            for n in numbers { mtl += "    REFLECTANCE_MULT_BAND_\(n) = 2.75E-05\n    REFLECTANCE_ADD_BAND_\(n) = -0.200000\n" }
            mtl += "  END_GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS\n"
            // As in real Collection 2 MTLs, the top-of-atmosphere rescaling repeats the key names later on.
            mtl += "  GROUP = LEVEL1_RADIOMETRIC_RESCALING\n"
            for n in numbers { mtl += "    REFLECTANCE_MULT_BAND_\(n) = 2.0000E-05\n    REFLECTANCE_ADD_BAND_\(n) = -0.100000\n" }
            mtl += "  END_GROUP = LEVEL1_RADIOMETRIC_RESCALING\nEND_GROUP = LANDSAT_METADATA_FILE\nEND\n"
            try mtl.write(toFile: "\(folder)/\(name)_MTL.txt", atomically: true, encoding: .utf8)
        }
        return folder
    }

    func testLandsatOLIFolderScalingAndQAMask() throws {
        let tmp = try TemporaryFolder()
        let folder = try makeLandsat(tmp)
        let scene = try SensorPreset.landsat.load(folder)
        XCTAssertEqual(scene.sensor, "Landsat 8 OLI C2 L2")
        XCTAssertTrue(scene.bands[.red]!.selection.path.hasSuffix("_SR_B4.TIF"))
        XCTAssertTrue(scene.bands[.nir]!.selection.path.hasSuffix("_SR_B5.TIF"))
        XCTAssertTrue(scene.bands[.swir2]!.selection.path.hasSuffix("_SR_B7.TIF"))
        XCTAssertEqual(scene.bands[.red]!.scale, 2.75e-5)
        XCTAssertEqual(scene.bands[.red]!.offset, -0.2)

        let out = tmp.file("ndvi.tif")
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: out, scene: (folder, .landsat), quiet: true))
        let v = try TestRaster.read(out)
        // Reflectances 0.1 (red) and 0.3 (NIR): NDVI 0.2/0.4 = 0.5 (DN rounding moves it by < 1e-4).
        XCTAssertTrue(v[0].isNaN, "fill")
        XCTAssertTrue(v[1].isNaN, "cloud")
        XCTAssertTrue(v[2].isNaN, "cloud shadow")
        XCTAssertEqual(v[3], 0.5, accuracy: 1e-4)
        XCTAssertEqual(v[4], 0.5, accuracy: 1e-4, "water kept by default")
        XCTAssertTrue(v[7].isNaN, "dilated cloud")

        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: tmp.file("w.tif"), scene: (folder, .landsat),
                                          sensorOptions: .init(maskWater: true), quiet: true))
        XCTAssertTrue(try TestRaster.read(tmp.file("w.tif"))[4].isNaN, "water masked on request")
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: tmp.file("n.tif"), scene: (folder, .landsat), noMask: true, quiet: true))
        XCTAssertEqual(try TestRaster.read(tmp.file("n.tif"))[1], 0.5, accuracy: 1e-4, "--no-mask keeps clouds")
    }

    func testLandsatTMNumberingFromFileNameWithoutMTL() throws {
        let tmp = try TemporaryFolder()
        let folder = try makeLandsat(tmp, spacecraft: "LANDSAT_5", prefix: "LT05", withMTL: false)
        let scene = try SensorPreset.landsat.load(folder)
        XCTAssertEqual(scene.sensor, "Landsat 5 TM C2 L2")
        XCTAssertTrue(scene.bands[.red]!.selection.path.hasSuffix("_SR_B3.TIF"))
        XCTAssertTrue(scene.bands[.swir1]!.selection.path.hasSuffix("_SR_B5.TIF"))
        XCTAssertTrue(scene.bands[.swir2]!.selection.path.hasSuffix("_SR_B7.TIF"))
    }

    func testSentinel2SAFEFolderWithBaseline0400Offset() throws {
        let tmp = try TemporaryFolder()
        let safe = tmp.file("S2B_MSIL2A_20230815T033539_N0509_R061_T49TDF_20230815T071015.SAFE")
        let r10 = "\(safe)/GRANULE/L2A_T49TDF_A033539_20230815T034118/IMG_DATA/R10m"
        let r20 = "\(safe)/GRANULE/L2A_T49TDF_A033539_20230815T034118/IMG_DATA/R20m"
        for d in [r10, r20] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let t10 = GeoTransform([600_000, 10, 0, 4_500_000, 0, -10]), t20 = GeoTransform([600_000, 20, 0, 4_500_000, 0, -20])
        // DN 2000 with the -1000 offset is reflectance 0.1; DN 4000 is 0.3.
        try TestRaster.write("\(r10)/T49TDF_20230815T033539_B04_10m.tif", width: 4, height: 4, values: Array(repeating: 2000, count: 16), type: .uint16, nodata: 0, transform: t10)
        try TestRaster.write("\(r10)/T49TDF_20230815T033539_B08_10m.tif", width: 4, height: 4, values: Array(repeating: 4000, count: 16), type: .uint16, nodata: 0, transform: t10)
        try TestRaster.write("\(r20)/T49TDF_20230815T033539_B04_20m.tif", width: 2, height: 2, values: Array(repeating: 9, count: 4), type: .uint16, nodata: 0, transform: t20)
        // SCL at 20 m: top-left 20 m pixel cloud high probability (9), others vegetation (4).
        try TestRaster.write("\(r20)/T49TDF_20230815T033539_SCL_20m.tif", width: 2, height: 2, values: [9, 4, 4, 4], type: .byte, transform: t20)
        try """
        <?xml version="1.0"?><n1:Level-2A_User_Product><General_Info><Product_Info><PROCESSING_BASELINE>05.09</PROCESSING_BASELINE></Product_Info>
        <Product_Image_Characteristics><BOA_ADD_OFFSET_VALUES_LIST><BOA_ADD_OFFSET band_id="0">-1000</BOA_ADD_OFFSET></BOA_ADD_OFFSET_VALUES_LIST></Product_Image_Characteristics></General_Info></n1:Level-2A_User_Product>
        """.write(toFile: "\(safe)/MTD_MSIL2A.xml", atomically: true, encoding: .utf8)

        let scene = try SensorPreset.sentinel2.load(safe)
        XCTAssertTrue(scene.bands[.red]!.selection.path.hasSuffix("_B04_10m.tif"), "the 10 m red band is preferred")
        XCTAssertEqual(scene.facts["processing_baseline"], "05.09")
        XCTAssertEqual(scene.bands[.red]!.offset, -0.1, accuracy: 1e-7)
        let out = tmp.file("ndvi.tif")
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: out, scene: (safe, .sentinel2), quiet: true))
        let v = try TestRaster.read(out)
        // (0.3 - 0.1) / (0.3 + 0.1) = 0.5; without the offset it would be 2000/6000 = 0.333.
        XCTAssertEqual(v[2], 0.5, accuracy: 1e-6)
        // The cloudy 20 m SCL pixel covers the 10 m pixels (0,0), (1,0), (0,1), (1,1).
        XCTAssertEqual([v[0], v[1], v[4], v[5]].filter(\.isNaN).count, 4)
        XCTAssertEqual(v.filter(\.isNaN).count, 4)
    }

    func testMissingBandNamesTheBandAndTheFilesLookedFor() throws {
        let tmp = try TemporaryFolder()
        let folder = try makeLandsat(tmp)
        try FileManager.default.removeItem(atPath: "\(folder)/\((folder as NSString).lastPathComponent)_SR_B5.TIF")
        XCTAssertThrowsError(try IndexJob.run(IndexOptions(indices: ["ndvi"], output: tmp.file("x.tif"), scene: (folder, .landsat), quiet: true))) { e in
            let message = "\(e)"
            XCTAssertTrue(message.contains("nir") && message.contains("_SR_B5.TIF"), message)
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3)
        }
    }

    /// The real Landsat 5 Level-1 (L1TP, Collection 1) folder of MANIFEST entry 05: named as such.
    func testLevel1FolderIsNamedAsLevel1() throws {
        let folder = try RealData.path("05_landsat_two_date_r-cran-satellite/LT05")
        XCTAssertThrowsError(try SensorPreset.landsat.load(folder)) { e in
            let message = "\(e)"
            XCTAssertTrue(message.contains("Level-1") && message.contains("L1TP") && message.contains("L2SP"), message)
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3)
        }
    }

    /// A Level-2 folder with only thermal bands (*_ST_B10.TIF) is not called Level-1.
    func testLevel2FolderWithoutReflectanceIsNotLevel1() throws {
        let tmp = try TemporaryFolder()
        let name = "LC08_L2SP_128032_20230820_20230826_02_T1"
        try FileManager.default.createDirectory(atPath: tmp.file(name), withIntermediateDirectories: true)
        try "GROUP = PRODUCT_CONTENTS\n  PROCESSING_LEVEL = \"L2SP\"\nEND_GROUP = PRODUCT_CONTENTS\nSPACECRAFT_ID = \"LANDSAT_8\"\n"
            .write(toFile: tmp.file("\(name)/\(name)_MTL.txt"), atomically: true, encoding: .utf8)
        for suffix in ["ST_B10", "QA_PIXEL"] {
            FileManager.default.createFile(atPath: tmp.file("\(name)/\(name)_\(suffix).TIF"), contents: Data())
        }
        XCTAssertNoThrow(try SensorPreset.landsat.load(tmp.file(name)))
    }

    /// The Sentinel-2 preset on a Landsat folder: one error naming the folder, no baseline warning first.
    func testSentinel2PresetOnAnotherSensorsFolder() throws {
        let tmp = try TemporaryFolder()
        let folder = try makeLandsat(tmp)
        XCTAssertThrowsError(try SensorPreset.sentinel2.load(folder)) { e in
            XCTAssertTrue("\(e)".contains("no Sentinel-2 L2A band found"), "\(e)")
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3)
        }
    }

    func testUnknownSensorListsTheValidNames() {
        XCTAssertThrowsError(try SensorPreset(name: "spot7")) { e in
            XCTAssertTrue("\(e)".contains("sentinel2-l2a") && "\(e)".contains("landsat-c2l2"), "\(e)")
        }
    }
}

extension SensorPresetTests {
    /// A scene band that cannot be put on the others' grid (no georeferencing) is an input error naming it.
    func testBandsThatCannotBeAlignedAreRefused() throws {
        let tmp = try TemporaryFolder()
        let folder = try makeLandsat(tmp)
        let loose = try TestRaster.write(tmp.file("loose.tif"), width: 3, height: 3, values: Array(repeating: 5000, count: 9),
                                         type: .uint16, transform: nil, epsg: nil)
        XCTAssertThrowsError(try IndexJob.run(IndexOptions(indices: ["ndvi"], bands: [.nir: BandSelection(path: loose)], output: tmp.file("x.tif"),
                                                           scene: (folder, .landsat), quiet: true))) { e in
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3, "\(e)")
            XCTAssertTrue("\(e)".contains("georeferencing"), "\(e)")
        }
    }

    /// MODIS MOD09 layers named sur_refl_b0N: band roles and scaling.
    func testModis09FolderLayout() throws {
        let tmp = try TemporaryFolder()
        for (n, v) in [(1, Float(1000)), (2, 3000), (3, 500), (4, 800), (6, 2000), (7, 1500)] {
            try TestRaster.write(tmp.file("MOD09A1.A2020153.h26v04.061.sur_refl_b0\(n).tif"), width: 2, height: 1, values: [v, -28672], type: .int16, nodata: -28672)
        }
        let scene = try SensorPreset.modis09.load(tmp.path)
        XCTAssertTrue(scene.bands[.red]!.selection.path.hasSuffix("sur_refl_b01.tif"))
        XCTAssertTrue(scene.bands[.swir1]!.selection.path.hasSuffix("sur_refl_b06.tif"))
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: tmp.file("ndvi.tif"), scene: (tmp.path, .modis09), quiet: true))
        let v = try TestRaster.read(tmp.file("ndvi.tif"))
        XCTAssertEqual(v[0], 0.5, accuracy: 1e-6)   // (0.3 - 0.1) / (0.3 + 0.1)
        XCTAssertTrue(v[1].isNaN)
    }
}
