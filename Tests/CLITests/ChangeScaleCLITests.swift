import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `change` on index rasters stored x 10000 without scale metadata: --scale/--offset
/// like `index`, and a warning when the values are far outside the index's range.
final class ChangeScaleCLITests: CLITestCase {
    /// 10 x 10 NDVI x 10000 (Int16, no scale metadata): a 3 x 3 patch loses 0.3, a 2 x 2 patch gains 0.12.
    static func pair(_ tmp: TemporaryFolder) throws -> (String, String) {
        var before: [Float] = [], after: [Float] = []
        for r in 0..<10 {
            for c in 0..<10 {
                let v = Float(3000 + 10 * ((r + c) % 5))
                before.append(v)
                let d: Float = (r < 3 && c < 3) ? -3000 : ((r >= 6 && r < 8 && c >= 6 && c < 8) ? 1200 : 0)
                after.append(v + d)
            }
        }
        return (try TestRaster.write(tmp.file("b.tif"), width: 10, height: 10, values: before, type: .int16),
                try TestRaster.write(tmp.file("a.tif"), width: 10, height: 10, values: after, type: .int16))
    }

    /// With --scale 0.0001 and fixed:0.08,0.2 (hand-worked): 9 px strong degradation, 4 px improvement, 87 stable.
    func testScaleMakesTheValuesNDVI() throws {
        let tmp = try TemporaryFolder()
        let (b, a) = try Self.pair(tmp)
        let r = try CLIRunner.run(["change", "--before", b, "--after", a, "--scale", "0.0001", "--threshold", "fixed:0.08,0.2", "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
        let classes = try TestRaster.read(tmp.file("out/change-class.tif"))
        XCTAssertEqual(classes.filter { $0 == -2 }.count, 9)
        XCTAssertEqual(classes.filter { $0 == 1 }.count, 4)
        XCTAssertEqual(classes.filter { $0 == 0 }.count, 87)
        let json = try String(contentsOfFile: tmp.file("out/change-stats.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"minimum\" : -0.3") || json.contains("\"minimum\": -0.3"), json)
    }

    /// Without --scale the run warns, naming the file and the likely scale.
    func testUnscaledIndexIsWarnedAbout() throws {
        let tmp = try TemporaryFolder()
        let (b, a) = try Self.pair(tmp)
        let r = try CLIRunner.run(["change", "--before", b, "--after", a, "--threshold", "fixed:800", "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: \(b): NDVI values span 3000..3040, far outside NDVI's -1..1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--scale 0.0001"), r.stderr)
    }

    /// --scale must be finite and above 0; with --sensor (scenes) it is refused.
    func testBadScaleIsAUsageError() throws {
        let tmp = try TemporaryFolder()
        let (b, a) = try Self.pair(tmp)
        for args in [["--scale", "0"], ["--scale", "-0.0001"], ["--scale", "nan"], ["--offset", "inf"], ["--scale", "0.0001", "--sensor", "landsat-c2l2"]] {
            let r = try CLIRunner.run(["change", "--before", b, "--after", a, "-o", tmp.file("out"), "-q"] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")), "\(args)")
        }
    }
}
