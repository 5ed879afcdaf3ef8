import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `stack --sensor`: scenes read through the sensor presets, the index
/// computed per scene with its scaling and quality mask.
final class StackSceneTests: XCTestCase {
    /// MODIS MYD13A1 (03): NDVI from the reflectance layers, dated by the
    /// layers' `A2020153`, with the VI Quality mask applied: every pixel
    /// whose MODLAND bits (0-1) are 2 or 3 is nodata, and the rest equal
    /// the product's own NDVI within 1 (x 10000, the product truncates).
    func testMYD13A1QualityMaskApplied() throws {
        let folder = try RealData.path("03_modis_myd13a1_h30v10_2020153_ndvi_reference")
        let tmp = try TemporaryFolder()
        var o = StackOptions(inputs: [folder], output: tmp.file("masked.tif"), minimumCoverage: 0, encoding: .int16)
        o.sensor = .modis13
        let masked = try StackJob.run(o)
        XCTAssertEqual(masked.manifest.periods.map(\.label), ["2020"])
        XCTAssertEqual(masked.manifest.periods[0].observations.map(\.date), ["2020-06-01"])
        XCTAssertEqual(masked.manifest.periods[0].observations[0].dateFrom, "name")
        o.noMask = true
        o.output = tmp.file("unmasked.tif")
        let unmasked = try StackJob.run(o)

        let all = Window(column: 0, row: 0, width: 480, height: 480)
        let prefix = folder + "/MYD13A1.A2020153.h30v10.006.2020170024036_"
        let product = try Dataset.open(prefix + "NDVI_B01.TIF").band(1).readInt16(all)
        let quality = try Dataset.open(prefix + "VIQ_B03.TIF").band(1).read(all).map { Int($0) & 0b11 }
        let withMask = try Dataset.open(masked.path).band(1).readInt16(all)
        let withoutMask = try Dataset.open(unmasked.path).band(1).readInt16(all)
        var excluded = 0, compared = 0, worst = 0, comparedUnmasked = 0
        for i in 0..<all.pixelCount {
            if quality[i] >= 2 {
                XCTAssertEqual(withMask[i], -32768, "pixel \(i): VI Quality MODLAND \(quality[i]) must be masked")
                if withoutMask[i] != -32768 { excluded += 1 }
            } else if product[i] != -3000 && withMask[i] != -32768 {
                worst = max(worst, abs(Int(withMask[i]) - Int(product[i])))
                compared += 1
            }
            if product[i] != -3000 && withoutMask[i] != -32768 { comparedUnmasked += 1 }
        }
        XCTAssertGreaterThan(excluded, 0, "the mask must remove pixels the reflectances would give")
        XCTAssertLessThanOrEqual(worst, 1)
        XCTAssertEqual(comparedUnmasked, 146_342, "as index --no-mask (MANIFEST)")
        XCTAssertEqual(masked.manifest.periods[0].pixelsMeetingRule, compared + (0..<all.pixelCount).filter { quality[$0] < 2 && product[$0] == -3000 && withMask[$0] != -32768 }.count)
        // The scene's record: a digest over its files (NIR and red in the index's band order, then VI Quality).
        var d = SHA256()
        for f in ["NIRR_B05", "RR_B04", "VIQ_B03"] { d.update(Array("\(try SHA256.file(prefix + f + ".TIF"))  MYD13A1.A2020153.h30v10.006.2020170024036_\(f).TIF\n".utf8)) }
        XCTAssertEqual(masked.manifest.periods[0].observations[0].sha256, d.hexDigest())
    }
}
