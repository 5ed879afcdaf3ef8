import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The real Sentinel-2 L2A Sahara scene against the checks in MANIFEST.txt.
final class Sentinel2RealSceneTests: XCTestCase {
    let scene = "01_s2_l2a_sahara_T29RKH_20200219"

    /// Percentile by sorting, the textbook way (nearest rank on the sorted valid values).
    func percentiles(_ path: String, _ ps: [Double]) throws -> [Double] {
        let v = try TestRaster.read(path).filter { !$0.isNaN }.sorted()
        return ps.map { Double(v[min(v.count - 1, Int(($0 / 100 * Double(v.count - 1)).rounded()))]) }
    }

    func testNDVIPercentilesThroughTheSTACItemWithSCLMask() throws {
        let json = try RealData.path(scene + "/S2A_29RKH_20200219_0_L2A.json")
        let tmp = try TemporaryFolder()
        let out = tmp.file("ndvi.tif")
        let r = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: out, scene: (json, .sentinel2), quiet: true))[0]
        XCTAssertEqual(r.width, 1098)
        // SCL excludes the cirrus and cloud pixels (about 4 % of the tile).
        let masked = Double(r.statistics.nodataCount) / Double(1098 * 1098)
        XCTAssertEqual(masked, 0.04, accuracy: 0.01)
        // MANIFEST: NDVI (B08, B04) p1/p50/p99 = 0.043/0.066/0.093.
        let p = try percentiles(out, [1, 50, 99])
        XCTAssertEqual(p[0], 0.043, accuracy: 0.0015)
        XCTAssertEqual(p[1], 0.066, accuracy: 0.0015)
        XCTAssertEqual(p[2], 0.093, accuracy: 0.0015)
    }
}

extension Sentinel2RealSceneTests {
    func testBSIPercentilesAtTheTwentyMetreGridWithNearestResampling() throws {
        let folder = try RealData.path(scene)
        let tmp = try TemporaryFolder()
        let out = tmp.file("bsi.tif")
        // MANIFEST: BSI p1/p50/p99 = 0.126/0.191/0.231 with B02/B04/B08 nearest-resampled to 549 x 549.
        let r = try IndexJob.run(IndexOptions(indices: ["bsi"], output: out, scene: (folder, .sentinel2), noMask: true,
                                              resolution: 200, resampling: .nearest, quiet: true))[0]
        XCTAssertEqual(r.width, 549)
        let p = try percentiles(out, [1, 50, 99])
        XCTAssertEqual(p[0], 0.126, accuracy: 0.0015)
        XCTAssertEqual(p[1], 0.191, accuracy: 0.0015)
        XCTAssertEqual(p[2], 0.231, accuracy: 0.0015)
    }
}
