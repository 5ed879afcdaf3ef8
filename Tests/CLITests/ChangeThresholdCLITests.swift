import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// A threshold is never 0: an unchanged pair is not "100 % strongly degraded".
final class ChangeThresholdCLITests: CLITestCase {
    /// A 6 x 6 NDVI raster with some texture (the same file is both dates).
    func ndvi(_ tmp: TemporaryFolder, name: String = "ndvi.tif", shift: Float = 0) throws -> String {
        let values = (0..<36).map { 0.2 + 0.01 * Float($0 % 7) + shift }
        return try TestRaster.write(tmp.file(name), width: 6, height: 6, values: values, nodata: .nan)
    }

    /// The same raster at both dates: every change value is 0 (standard deviation 0), so sigma and otsu
    /// have nothing to separate; the run says why (exit 3) and leaves no class map.
    func testUnchangedPairIsRefusedWithTheReason() throws {
        let tmp = try TemporaryFolder()
        let x = try ndvi(tmp)
        for rule in ["sigma:1", "sigma:2.5", "otsu"] {
            let out = tmp.file("out-\(rule)")
            let r = try CLIRunner.run(["change", "--before", x, "--after", x, "--threshold", rule, "-o", out, "-q"])
            XCTAssertEqual(r.status, 3, "\(rule): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("0 at every valid pixel") && r.stderr.contains("identical"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/change-class.tif"), rule)
            XCTAssertFalse(r.stdout.contains("degraded"), r.stdout)
        }
    }

    /// A uniform shift of +0.1: sigma (relative to the mean shift) refuses; fixed:0.05,0.5 classes
    /// all 36 pixels as improvement (hand-worked: 0.05 <= 0.1 < 0.5).
    func testUniformShift() throws {
        let tmp = try TemporaryFolder()
        let b = try ndvi(tmp), a = try ndvi(tmp, name: "after.tif", shift: 0.1)
        let refused = try CLIRunner.run(["change", "--before", b, "--after", a, "-o", tmp.file("sigma"), "-q"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("at every valid pixel") || refused.stderr.contains("hardly vary"), refused.stderr)
        let r = try CLIRunner.run(["change", "--before", b, "--after", a, "--threshold", "fixed:0.05,0.5", "-o", tmp.file("fixed"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("fixed/change-class.tif")), Array(repeating: 1, count: 36))
    }

    /// fixed:0 (and every threshold that is not a finite number above 0, or S below V) is a usage error before any work.
    func testZeroAndNonFiniteThresholdsAreUsageErrors() throws {
        let tmp = try TemporaryFolder()
        let x = try ndvi(tmp)
        for rule in ["fixed:0", "fixed:0,0", "fixed:-0.1", "fixed:nan", "fixed:inf", "fixed:0.2,0.1", "fixed:0.1,nan", "sigma:0", "sigma:-1", "sigma:inf", "sigma:nan", "fixed:0.1,"] {
            let out = tmp.file("out")
            let r = try CLIRunner.run(["change", "--before", x, "--after", x, "--threshold", rule, "-o", out, "-q"])
            XCTAssertEqual(r.status, 2, "\(rule): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--threshold"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), rule)
        }
        XCTAssertNil(ThresholdMethod(parsing: "fixed:0"))
        XCTAssertEqual(ThresholdMethod(parsing: "fixed:0.1"), .fixed(change: 0.1, strong: nil))
    }
}
