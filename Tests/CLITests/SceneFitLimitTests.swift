import Foundation
import TestSupport
import XCTest

/// FVC and DDI over bare desert: the Sentinel-2 Sahara tile (`01_...`, 95.9 % bare soil).
final class SceneFitLimitTests: CLITestCase {
    /// MANIFEST.txt gives the tile's NDVI p1/p50/p99 as 0.043/0.066/0.093, so its 5th and 95th percentiles (FVC's
    /// end-members) are less than 0.05 apart: FVC stops (exit 3), names both end-members and the options.
    /// With --fvc-soil 0.05 --fvc-vegetation 0.8 it runs.
    func testFVCOverBareDesertIsRefused() throws {
        let scene = try RealData.path("01_s2_l2a_sahara_T29RKH_20200219")
        let tmp = try TemporaryFolder()
        let r = try CLIRunner.run(["index", "fvc", "--scene", scene, "--sensor", "sentinel2-l2a", "-o", tmp.file("fvc.tif"), "-q"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("too little vegetation") && r.stderr.contains("--fvc-soil") && r.stderr.contains("--fvc-vegetation"), r.stderr)
        let numbers = try XCTUnwrap(r.stderr.firstMatch(of: /soil \(5th percentile\) ([0-9.]+), vegetation \(95th\) ([0-9.]+)/))
        let soil = Double(numbers.1)!, vegetation = Double(numbers.2)!
        XCTAssertTrue((0.043...0.066).contains(soil) && (0.066...0.093).contains(vegetation), "\(soil) \(vegetation)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("fvc.tif")))
        let given = try CLIRunner.run(["index", "fvc", "--scene", scene, "--sensor", "sentinel2-l2a", "--fvc-soil", "0.05", "--fvc-vegetation", "0.8",
                                       "-o", tmp.file("fvc.tif"), "-q"])
        XCTAssertEqual(given.status, 0, given.stderr)
    }

    /// DDI's Albedo-NDVI fit over the tile is weak (r = -0.15 in issue 14's run): the run warns, gives r, and points at --ddi-k.
    func testDDIWeakFitIsWarned() throws {
        let scene = try RealData.path("01_s2_l2a_sahara_T29RKH_20200219")
        let tmp = try TemporaryFolder()
        let r = try CLIRunner.run(["index", "ddi", "--grades", "--scene", scene, "--sensor", "sentinel2-l2a", "-o", tmp.file("ddi.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("Albedo-NDVI fit is weak (r = -0.15") && r.stderr.contains("--ddi-k"), r.stderr)
        let k2 = try CLIRunner.run(["index", "ddi", "--scene", scene, "--sensor", "sentinel2-l2a", "--ddi-k", "2", "-o", tmp.file("k2.tif"), "-q"])
        XCTAssertEqual(k2.status, 0, k2.stderr)
        XCTAssertFalse(k2.stderr.contains("fit is weak"), k2.stderr)
    }
}
