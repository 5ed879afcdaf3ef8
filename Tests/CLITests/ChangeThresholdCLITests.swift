import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// A threshold is never 0: an unchanged pair is all stable, not "100 % strongly degraded".
final class ChangeThresholdCLITests: CLITestCase {
    /// A 6 x 6 NDVI raster with some texture (the same file is both dates).
    func ndvi(_ tmp: TemporaryFolder, name: String = "ndvi.tif", shift: Float = 0) throws -> String {
        let values = (0..<36).map { 0.2 + 0.01 * Float($0 % 7) + shift }
        return try TestRaster.write(tmp.file(name), width: 6, height: 6, values: values, nodata: .nan)
    }

    /// The threshold block of the run's JSON report (change-stats.json).
    func thresholdBlock(_ folder: String) throws -> [String: Any] {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/change-stats.json"))) as! [String: Any]
        return try XCTUnwrap(doc["threshold"] as? [String: Any])
    }

    /// The same raster at both dates: every change value is 0, so no pixel departs from the rest.
    /// sigma and otsu class all 36 pixels as stable (code 0, worked by hand: d = 0 everywhere), warn
    /// once on stderr, and the report's thresholds are null (a threshold of 0 would have called the
    /// scene 100 % strongly degraded).
    func testUnchangedPairIsAllStable() throws {
        let tmp = try TemporaryFolder()
        let x = try ndvi(tmp)
        for rule in ["sigma:1", "sigma:2.5", "otsu"] {
            let out = tmp.file("out-\(rule)")
            let r = try CLIRunner.run(["change", "--before", x, "--after", x, "--threshold", rule, "-o", out, "-q"])
            XCTAssertEqual(r.status, 0, "\(rule): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("0 at every valid pixel") && r.stderr.contains("identical") && r.stderr.contains("stable"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(try TestRaster.read(out + "/change-class.tif"), Array(repeating: 0, count: 36), rule)
            let t = try thresholdBlock(out)
            XCTAssertTrue(t["change"] is NSNull && t["strong"] is NSNull && t["degradationAtOrBelow"] is NSNull, "\(rule): \(t)")
            XCTAssertTrue((t["meaning"] as? String ?? "").contains("every valid pixel is stable"), "\(t)")
        }
    }

    /// A uniform shift of +0.1: sigma measures change from the scene's mean shift, from which no pixel
    /// departs: all 36 pixels stable, with a warning naming the shift; otsu cannot tell whether a uniform
    /// non-zero shift is all change or none and refuses (exit 3, nothing written); fixed:0.05,0.5 classes
    /// all 36 pixels as improvement (hand-worked: 0.05 <= 0.1 < 0.5).
    func testUniformShift() throws {
        let tmp = try TemporaryFolder()
        let b = try ndvi(tmp), a = try ndvi(tmp, name: "after.tif", shift: 0.1)
        let sigma = try CLIRunner.run(["change", "--before", b, "--after", a, "-o", tmp.file("sigma"), "-q"])
        XCTAssertEqual(sigma.status, 0, sigma.stderr)
        XCTAssertTrue(sigma.stderr.contains("0.1 at every valid pixel") && sigma.stderr.contains("fixed:V"), sigma.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("sigma/change-class.tif")), Array(repeating: 0, count: 36))
        let otsu = try CLIRunner.run(["change", "--before", b, "--after", a, "--threshold", "otsu", "-o", tmp.file("otsu"), "-q"])
        XCTAssertEqual(otsu.status, 3, otsu.stderr)
        XCTAssertTrue(otsu.stderr.contains("at every valid pixel") && otsu.stderr.contains("fixed:V"), otsu.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("otsu")))
        let r = try CLIRunner.run(["change", "--before", b, "--after", a, "--threshold", "fixed:0.05,0.5", "-o", tmp.file("fixed"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("fixed/change-class.tif")), Array(repeating: 1, count: 36))
    }

    /// Change values that vary by less than Float32 rounding without being constant: sigma's threshold
    /// would be below rounding, so the run stops with the reason (exit 3) and writes nothing.
    func testChangeBelowRoundingIsRefused() throws {
        let tmp = try TemporaryFolder()
        let b = try ndvi(tmp)
        // One pixel of 36 moved by 2e-6: the range (2e-6) is above the constant spread (16 ulp = 1.9e-6),
        // the population SD (2e-6 x sqrt(35)/36 = 3.3e-7) below it.
        var values = (0..<36).map { 0.2 + 0.01 * Float($0 % 7) }
        values[5] += 2e-6
        let a = try TestRaster.write(tmp.file("after.tif"), width: 6, height: 6, values: values, nodata: .nan)
        let r = try CLIRunner.run(["change", "--before", b, "--after", a, "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("hardly vary"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")))
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
