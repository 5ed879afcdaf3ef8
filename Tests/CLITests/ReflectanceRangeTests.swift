import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Reflectance outside its plausible range after scaling is nodata, a large share out of
/// range is reported, and with --ot Int16 the summary describes the values written.
final class ReflectanceRangeTests: CLITestCase {
    static let espa = "02_landsat7_espa_sr_with_ndvi_reference_LE70230282011250/LE70230282011250EDC00_"

    /// ESPA surface reflectance (x 0.0001, 16000 = saturated, negatives from the atmospheric correction).
    /// With --scale 0.0001, red and NIR must lie in 0..1.2: the 62,582 valid pixels of MANIFEST.txt
    /// (b3, b4 in (0, 16000)), NDVI -0.8186..0.9788 (numpy over the same pixels); the unchecked code gave
    /// -1.14..3.14 over 62,694 pixels.
    func testESPANDVIKeepsOnlyPlausibleReflectance() throws {
        let red = try RealData.path(Self.espa + "sr_band3.tif"), nir = try RealData.path(Self.espa + "sr_band4.tif")
        let tmp = try TemporaryFolder()
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "--scale", "0.0001", "-o", tmp.file("ndvi.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("62582 valid pixels"), r.stdout)
        XCTAssertTrue(r.stdout.contains("range -0.8186..0.9788"), r.stdout)
        XCTAssertTrue(r.stderr.contains("outside the plausible reflectance 0..1.2 after scaling and are nodata"), r.stderr)
    }

    /// EVI of the same bands without --scale: the run says "did you forget --scale 0.0001?".
    func testUnscaledReflectanceIsReported() throws {
        let blue = try RealData.path(Self.espa + "sr_band1.tif")
        let red = try RealData.path(Self.espa + "sr_band3.tif"), nir = try RealData.path(Self.espa + "sr_band4.tif")
        let tmp = try TemporaryFolder()
        let r = try CLIRunner.run(["index", "evi", "--blue", blue, "--red", red, "--nir", nir, "-o", tmp.file("evi.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("did you forget --scale 0.0001?"), r.stderr)
        XCTAssertTrue(r.stderr.contains(nir), r.stderr)
    }

    /// --ot Int16: EVI 2.5 (N - R) / (N + 6R - 7.5B + 1) of (N, R, B) = (0.5, 0.1, 0.1) is 1 / 1.35 = 0.7407 and of
    /// (0.5, 0.1, 0.24) is 1 / 0.3 = 3.3333, written as 32767 (3.2767): the summary gives the written range.
    func testInt16SummaryDescribesTheClampedValues() throws {
        let tmp = try TemporaryFolder()
        let n = try TestRaster.write(tmp.file("n.tif"), width: 2, height: 1, values: [0.5, 0.5])
        let r = try TestRaster.write(tmp.file("r.tif"), width: 2, height: 1, values: [0.1, 0.1])
        let b = try TestRaster.write(tmp.file("b.tif"), width: 2, height: 1, values: [0.1, 0.24])
        let run = try CLIRunner.run(["index", "evi", "--nir", n, "--red", r, "--blue", b, "--ot", "Int16", "-o", tmp.file("evi.tif"), "-q"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("range 0.7407..3.2767"), run.stdout)
        XCTAssertTrue(run.stdout.contains("mean 2.0087"), run.stdout)
    }

    /// --scale and --offset of index must be finite, the scale above 0.
    func testBadScaleIsAUsageError() throws {
        let tmp = try TemporaryFolder()
        let n = try TestRaster.write(tmp.file("n.tif"), width: 2, height: 1, values: [0.5, 0.5])
        for args in [["--scale", "0"], ["--scale", "-1"], ["--scale", "nan"], ["--offset", "inf"]] {
            let r = try CLIRunner.run(["index", "ndvi", "--nir", n, "--red", n, "-o", tmp.file("x.tif"), "-q"] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("x.tif")))
        }
    }
}
