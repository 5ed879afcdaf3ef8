import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `--mask FILE[:BAND] --mask-rule RULE` for band files (ESPA fmask, QA_PIXEL, SCL), in `index` and `change`.
final class QualityMaskTests: CLITestCase {
    static let espa = ReflectanceRangeTests.espa

    /// ESPA fmask of LE7 2011-09-07 holds 54,670 clear-land (0) and 8,024 clear-water (1) pixels. NDVI with
    /// --scale 0.0001: fmask excludes nothing here (62,582 valid, as without a mask); with --mask-water, or
    /// values:1, 54,668 pixels stay (numpy over the same rule: red and NIR in 0..1.2, fmask != 1).
    func testESPAFmask() throws {
        let red = try RealData.path(Self.espa + "sr_band3.tif"), nir = try RealData.path(Self.espa + "sr_band4.tif")
        let fmask = try RealData.path(Self.espa + "fmask.tif")
        let tmp = try TemporaryFolder()
        let base = ["index", "ndvi", "--red", red, "--nir", nir, "--scale", "0.0001", "--mask", fmask, "-q"]
        for (extra, valid) in [(["--mask-rule", "fmask"], 62582), (["--mask-rule", "fmask", "--mask-water"], 54668), (["--mask-rule", "values:1"], 54668)] {
            let out = tmp.file("ndvi-\(valid)-\(extra.count).tif")
            let r = try CLIRunner.run(base + extra + ["-o", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("\(valid) valid pixels"), "\(extra): \(r.stdout)")
        }
    }

    /// A Sentinel-2 folder without SCL: the run says the cloud mask is off.
    func testSentinel2FolderWithoutSCLSaysTheMaskIsOff() throws {
        let folder = try RealData.path("01_s2_l2a_sahara_T29RKH_20200219")
        let tmp = try TemporaryFolder()
        let scene = tmp.file("scene")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: true)
        for band in ["B04.tif", "B08.tif"] {
            try FileManager.default.createSymbolicLink(atPath: scene + "/" + band, withDestinationPath: folder + "/" + band)
        }
        let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "sentinel2-l2a", "-o", tmp.file("ndvi.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("looked for SCL") && r.stderr.contains("the cloud mask is off"), r.stderr)
    }

    /// change on index rasters with one mask for both dates, then one per date (hand-worked on a 10 x 10 pair:
    /// the 3 x 3 strong degradation patch is flagged 1 in the before mask, the 2 x 2 improvement in the after mask).
    func testChangeMasks() throws {
        let tmp = try TemporaryFolder()
        let (b, a) = try ChangeScaleCLITests.pair(tmp)
        var m1 = [Float](repeating: 0, count: 100), m2 = m1
        for r in 0..<3 { for c in 0..<3 { m1[r * 10 + c] = 1 } }
        for r in 6..<8 { for c in 6..<8 { m2[r * 10 + c] = 1 } }
        let q1 = try TestRaster.write(tmp.file("q1.tif"), width: 10, height: 10, values: m1, type: .byte)
        let q2 = try TestRaster.write(tmp.file("q2.tif"), width: 10, height: 10, values: m2, type: .byte)
        let common = ["change", "--before", b, "--after", a, "--scale", "0.0001", "--threshold", "fixed:0.08,0.2", "--mask-rule", "values:1", "-q"]
        let one = try CLIRunner.run(common + ["--mask", q1, "-o", tmp.file("one")])
        XCTAssertEqual(one.status, 0, one.stderr)
        var classes = try TestRaster.read(tmp.file("one/change-class.tif"))
        XCTAssertEqual([classes.filter { $0 == -2 }.count, classes.filter { $0 == 1 }.count, classes.filter { $0 == -32768 }.count], [0, 4, 9])
        XCTAssertEqual(try Dataset.open(tmp.file("one/change-class.tif")).metadataItem("KUBUQI_MASK"), "values 1 of \(q1):1")
        let two = try CLIRunner.run(common + ["--mask", "\(q1),\(q2)", "-o", tmp.file("two")])
        XCTAssertEqual(two.status, 0, two.stderr)
        classes = try TestRaster.read(tmp.file("two/change-class.tif"))
        XCTAssertEqual([classes.filter { $0 == -2 }.count, classes.filter { $0 == 1 }.count, classes.filter { $0 == -32768 }.count], [0, 0, 13])
    }

    /// A rule without a file, a file without a rule, an unknown rule, a repeated value, --mask with --no-mask: exit 2.
    func testMaskUsageErrors() throws {
        let tmp = try TemporaryFolder()
        let n = try TestRaster.write(tmp.file("n.tif"), width: 2, height: 1, values: [0.5, 0.5])
        for args in [["--mask-rule", "fmask"], ["--mask", n], ["--mask", n, "--mask-rule", "clouds"], ["--mask", n, "--mask-rule", "values:1,2,1"],
                     ["--mask", n, "--mask-rule", "values:1,x"], ["--mask", n, "--mask-rule", "fmask", "--no-mask"]] {
            let r = try CLIRunner.run(["index", "ndvi", "--nir", n, "--red", n, "-o", tmp.file("x.tif"), "-q"] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("x.tif")))
        }
    }
}
