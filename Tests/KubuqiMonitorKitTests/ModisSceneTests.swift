import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The MODIS MOD13 preset on the real MYD13A1 tile against the product's own NDVI layer.
final class ModisSceneTests: XCTestCase {
    func testNDVIFromReflectanceLayersMatchesTheProductNDVI() throws {
        let folder = try RealData.path("03_modis_myd13a1_h30v10_2020153_ndvi_reference")
        let tmp = try TemporaryFolder()
        let out = tmp.file("ndvi.tif")
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: out, scene: (folder, .modis13), noMask: true,
                                          encoding: .int16, quiet: true))
        let all = Window(column: 0, row: 0, width: 480, height: 480)
        let ours = try Dataset.open(out).band(1).readInt16(all)
        let product = try Dataset.open(folder + "/MYD13A1.A2020153.h30v10.006.2020170024036_NDVI_B01.TIF").band(1).readInt16(all)
        var compared = 0, worst = 0
        for i in 0..<all.pixelCount where product[i] != -3000 && ours[i] != -32768 {
            worst = max(worst, abs(Int(ours[i]) - Int(product[i])))
            compared += 1
        }
        // MANIFEST: |10000 (NIR - R) / (NIR + R) - NDVI| < 1 on all 146,342 valid pixels (the product truncates).
        XCTAssertEqual(compared, 146_342)
        XCTAssertLessThanOrEqual(worst, 1)
    }
}
