import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Numbers from users and downloaded files that crashed the tool (issue 15,
/// items 4-9): each is now one line with its exit code, nothing left behind.
final class HostileNumberTests: CLITestCase {
    var tmp: TemporaryFolder!
    var red = "", nir = ""
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        // Reflectance-like values (0.01..0.51 and about twice that): usable as bands by index and as NDVI by change.
        let values = (0..<(64 * 64)).map { Float($0 % 500 + 10) / 1000 }
        red = try TestRaster.write(tmp.file("red.tif"), width: 64, height: 64, values: values)
        nir = try TestRaster.write(tmp.file("nir.tif"), width: 64, height: 64, values: values.enumerated().map { $1 * 2 + Float($0 % 7) * 0.03 })
    }

    /// One line, the exit code, no trace, and no output or temporary left in `tmp`.
    func assertRefused(_ r: CLIRunner.Result, status: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
        let left = try FileManager.default.subpathsOfDirectory(atPath: tmp.path)
            .filter { $0.hasPrefix("o") || $0.contains(".kubuqi-") || $0.contains(".part-") }
        XCTAssertEqual(left, [], "nothing left", file: file, line: line)
    }

    /// Item 4.
    func testResolutionMustBeAPositiveFiniteSize() throws {
        for value in ["0", "nan", "-30", "inf", "-inf"] {
            let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--resolution=\(value)", "-o", tmp.file("o.tif"), "-q"])
            try assertRefused(r, status: 2, mentions: ["--resolution must be a positive finite size"])
        }
        // Finite but absurd: 1e-6 m over 30 m pixels would be a grid of 1.9e9 x 1.9e9.
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--resolution", "1e-6", "-o", tmp.file("o.tif"), "-q"])
        try assertRefused(r, status: 2, mentions: ["--resolution 1e-06", "100 times finer"])
        // A sensible resampling still works: 30 m -> 60 m.
        let ok = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--resolution", "60", "-o", tmp.file("r60.tif"), "-q"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let ds = try Dataset.open(tmp.file("r60.tif"))
        XCTAssertEqual([ds.width, ds.height], [32, 32])
    }

    /// Item 5.
    func testMinimumMappingUnitLargerThanTheGridIsRefused() throws {
        for mmu in ["99999999999", "1e12ha", "99999999999999999999ha"] {
            let r = try CLIRunner.run(["change", "--before", red, "--after", nir, "--mmu", mmu, "-o", tmp.file("o-change"), "-q"])
            try assertRefused(r, status: 2, mentions: ["--mmu", "more than the whole grid (64 x 64 = 4096 pixels)"])
        }
        let inf = try CLIRunner.run(["change", "--before", red, "--after", nir, "--mmu", "infha", "-o", tmp.file("o-change"), "-q"])
        try assertRefused(inf, status: 2, mentions: ["--mmu"])
        let ok = try CLIRunner.run(["change", "--before", red, "--after", nir, "--mmu", "4px", "-o", tmp.file("ok-change"), "-q"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// Item 6: NaN, zero and infinite pixel sizes in a GeoTIFF, through change and index.
    func testBrokenGeotransformsAreInputErrors() throws {
        let values = (0..<(64 * 64)).map { Float($0 % 500) + 10 }
        let transforms: [(String, [Double])] = [
            ("nan", [600_000, .nan, 0, 4_470_000, 0, -30]),
            ("inf", [600_000, 30, 0, .infinity, 0, -30]),
            ("parallel", [600_000, 30, 30, 4_470_000, 30, 30]),
        ]
        for (name, c) in transforms {
            let path = tmp.file("gt-\(name).tif")
            try TestRaster.write(path, width: 64, height: 64, values: values, transform: nil)
            let ds = try Dataset.open(path, update: true)
            try ds.setGeoTransform(GeoTransform(c))
            try ds.close()
            XCTAssertEqual(try Dataset.open(path).geoTransform?.coefficients.count, 6, "\(name): written")
            let r = try CLIRunner.run(["change", "--before", path, "--after", path, "-o", tmp.file("o-\(name)"), "-q"])
            try assertRefused(r, status: 3, mentions: ["gt-\(name).tif", "geotransform"])
            let r2 = try CLIRunner.run(["index", "ndvi", "--red", path, "--nir", path, "-o", tmp.file("o-\(name).tif"), "-q"])
            try assertRefused(r2, status: 3, mentions: ["gt-\(name).tif", "geotransform"])
        }
        // GeoTIFF stores no zero pixel size (GDAL then reports no geotransform): a VRT does.
        let zero = tmp.file("gt-zero.vrt")
        try """
        <VRTDataset rasterXSize="64" rasterYSize="64"><SRS>EPSG:32649</SRS>
          <GeoTransform>600000, 0, 0, 4470000, 0, -30</GeoTransform>
          <VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="1">red.tif</SourceFilename>
          <SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>
        """.write(toFile: zero, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["change", "--before", zero, "--after", zero, "-o", tmp.file("o-zero"), "-q"])
        try assertRefused(r, status: 3, mentions: ["gt-zero.vrt", "pixels of size 0"])
    }

    /// Item 7: --boa-offset and a downloaded MTD_MSIL2A.xml's BOA_ADD_OFFSET.
    func testHugeBOAOffsetsAreRefused() throws {
        let scene = tmp.file("S2B_MSIL2A_20230820T033529_N0509_R061_T49TCF_20230820T070904.SAFE")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        let dn = (0..<(64 * 64)).map { Float($0 % 3000) + 1000 }
        try TestRaster.write(scene + "/T49TCF_20230820T033529_B04_10m.tif", width: 64, height: 64, values: dn, type: .uint16)
        try TestRaster.write(scene + "/T49TCF_20230820T033529_B08_10m.tif", width: 64, height: 64, values: dn.map { $0 * 1.5 }, type: .uint16)
        func metadata(_ offset: String) throws {
            try """
            <n1:Level-2A_User_Product><General_Info><Product_Info><PROCESSING_BASELINE>05.09</PROCESSING_BASELINE></Product_Info>
            <Product_Image_Characteristics><BOA_ADD_OFFSET_VALUES_LIST><BOA_ADD_OFFSET band_id="3">\(offset)</BOA_ADD_OFFSET>
            </BOA_ADD_OFFSET_VALUES_LIST></Product_Image_Characteristics></General_Info></n1:Level-2A_User_Product>
            """.write(toFile: scene + "/MTD_MSIL2A.xml", atomically: true, encoding: .utf8)
        }
        try metadata("-1000")
        for given in ["nan", "inf", "1e30", "-99999999999", "0.5"] {
            let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "sentinel2-l2a", "--boa-offset=\(given)", "-o", tmp.file("o.tif"), "-q"])
            try assertRefused(r, status: 2, mentions: ["--boa-offset must be a whole number of DN within +/-10000"])
        }
        for written in ["-99999999999999999999", "1e39", "nan", "-1000.5", "abc"] {
            try metadata(written)
            let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "sentinel2-l2a", "-o", tmp.file("o.tif"), "-q"])
            try assertRefused(r, status: 3, mentions: ["MTD_MSIL2A.xml", "BOA_ADD_OFFSET", "not a whole number of DN"])
        }
        try metadata("-1000")
        let ok = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "sentinel2-l2a", "-o", tmp.file("ok.tif"), "-q"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// Item 8: plans beyond the documented limits are refused at once, before anything is allocated.
    func testHugeTilePlansAreRefusedBeforeAllocating() throws {
        let cases: [([String], String)] = [
            (["--bbox", "0,0,1e300,1e300", "--resolution", "1e-300"], "per side"),
            (["--bbox", "0,0,1e9,1e9", "--resolution", "1e-3"], "per side"),
            (["--bbox", "0,0,1e6,1e6", "--resolution", "0.01"], "at most 100000"),
            (["--bbox", "0,0,1e6,1e6", "--resolution", "nan"], "--resolution must be a positive finite size"),
            (["--bbox", "0,0,inf,1e6", "--resolution", "10"], "four finite numbers"),
        ]
        for (args, message) in cases {
            let started = Date()
            let r = try CLIRunner.run(["tiles", "plan"] + args + ["--crs", "EPSG:32649", "--tile-size", "2048", "-o", tmp.file("o-plan.json")])
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "refused at once: \(args)")
            try assertRefused(r, status: 2, mentions: [message])
        }
        let huge = try CLIRunner.run(["tiles", "plan", "--bbox", "0,0,1e5,1e5", "--resolution", "10", "--crs", "EPSG:32649",
                                      "--tile-size", "9223372036854775807", "-o", tmp.file("ok-plan.json")])
        XCTAssertEqual(huge.status, 0, huge.stderr)
        XCTAssertTrue(huge.stdout.contains("10000x10000 grid in 4 tiles of 9984x9984"), huge.stdout)
    }

    /// Item 9: REFLECTANCE_MULT of NaN, infinity, 1e39 (Float overflow), 0 or negative; absurd ADD.
    func testLandsatGainsMustBeFiniteAndPositive() throws {
        let source = Self.fixtures + "/landsat/LC08_L2SP_128032_20130815_20200912_02_T1"
        guard FileManager.default.fileExists(atPath: source) else { throw XCTSkip("no Fixtures/landsat") }
        let scene = tmp.file("LC08_L2SP_128032_20130815_20200912_02_T1")
        try FileManager.default.copyItem(atPath: source, toPath: scene)
        let mtlPath = scene + "/LC08_L2SP_128032_20130815_20200912_02_T1_MTL.txt"
        let original = try String(contentsOfFile: mtlPath, encoding: .utf8)
        XCTAssertTrue(original.contains("    REFLECTANCE_MULT_BAND_4 = 2.75E-05"))
        for bad in ["nan", "inf", "1e39", "0", "-2.75E-05", "\"\""] {
            try original.replacingOccurrences(of: "    REFLECTANCE_MULT_BAND_4 = 2.75E-05", with: "    REFLECTANCE_MULT_BAND_4 = \(bad)")
                .write(toFile: mtlPath, atomically: true, encoding: .utf8)
            let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "landsat-c2l2", "-o", tmp.file("o.tif"), "-q"])
            try assertRefused(r, status: 3, mentions: ["_MTL.txt", "REFLECTANCE_MULT_BAND_4", "not a finite number in (0, 1]"])
        }
        try original.replacingOccurrences(of: "    REFLECTANCE_ADD_BAND_4 = -0.2", with: "    REFLECTANCE_ADD_BAND_4 = 1e30")
            .write(toFile: mtlPath, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "landsat-c2l2", "-o", tmp.file("o.tif"), "-q"])
        try assertRefused(r, status: 3, mentions: ["REFLECTANCE_ADD_BAND_4"])
        try original.write(toFile: mtlPath, atomically: true, encoding: .utf8)
        let ok = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "landsat-c2l2", "-o", tmp.file("ok.tif"), "-q"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// Float-to-integer conversions of user raster values (zone ids, quality
    /// codes): 1e30, -1e30, infinities and NaN are counted or masked, never a trap.
    func testHugeZoneAndMaskValuesDoNotTrap() throws {
        let zoneValues: [Float] = (0..<(64 * 64)).map { i in [1e30, -1e30, .infinity, -.infinity, .nan, 3, 4e9, 7][i % 8] }
        let zones = try TestRaster.write(tmp.file("zones.tif"), width: 64, height: 64, values: zoneValues)
        let r = try CLIRunner.run(["change", "--before", red, "--after", nir, "--zones", zones, "-o", tmp.file("zoned"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let scene = tmp.file("S2B_MSIL2A_20230820T033529_N0509_R061_T49TCF_20230820T070904.SAFE")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        let dn = (0..<(64 * 64)).map { Float($0 % 3000) + 1000 }
        try TestRaster.write(scene + "/T49TCF_20230820T033529_B04_20m.tif", width: 64, height: 64, values: dn)
        try TestRaster.write(scene + "/T49TCF_20230820T033529_B08_20m.tif", width: 64, height: 64, values: dn.map { $0 * 1.5 })
        try TestRaster.write(scene + "/T49TCF_20230820T033529_SCL_20m.tif", width: 64, height: 64, values: zoneValues)
        let s = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "sentinel2-l2a", "--boa-offset=-1000", "-o", tmp.file("scl.tif"), "-q"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let ndvi = try TestRaster.read(tmp.file("scl.tif"))
        // Class 3 (cloud shadow) is masked; 7 (unclassified) is kept; huge codes are no SCL class and are kept.
        XCTAssertTrue(ndvi[5].isNaN, "code 3 masked")
        XCTAssertFalse(ndvi[7].isNaN, "code 7 kept")
    }
}
