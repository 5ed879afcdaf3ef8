import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The index catalogue on the USGS ESPA Landsat 7 scene against USGS's own index layers.
final class LandsatESPAIndicesTests: XCTestCase {
    let scene = "02_landsat7_espa_sr_with_ndvi_reference_LE70230282011250/LE70230282011250EDC00"

    func testIndicesMatchUSGSWithinOne() throws {
        var bands: [BandRole: BandSelection] = [:]
        for (role, n) in [(BandRole.blue, 1), (.red, 3), (.nir, 4), (.swir1, 5), (.swir2, 7)] {
            bands[role] = BandSelection(path: try RealData.path(scene + "_sr_band\(n).tif"))
        }
        let tmp = try TemporaryFolder()
        // ESPA surface reflectance is stored x 10000.
        _ = try IndexJob.run(IndexOptions(indices: ["ndvi", "savi", "msavi2", "ndmi", "nbr", "evi"], bands: bands,
                                          output: tmp.path, scale: 1e-4, encoding: .int16, quiet: true))
        let all = Window(column: 0, row: 0, width: 258, height: 243)
        let raw = try bands.mapValues { try Dataset.open($0.path).band(1).readInt16(all) }
        // Valid where every band is in (0, 16000): 16000 is ESPA's saturation value.
        let valid = (0..<all.pixelCount).map { i in raw.values.allSatisfy { (1...15999).contains($0[i]) } }
        for (ours, theirs, divisor) in [("ndvi", "ndvi", 1.0), ("savi", "savi", 1), ("msavi2", "msavi", 1), ("ndmi", "ndmi", 1),
                                        ("nbr", "nbr", 1), ("evi", "evi", 2.5)] {
            let o = try Dataset.open(tmp.file("\(ours).tif")).band(1).readInt16(all)
            let r = try Dataset.open(try RealData.path(scene + "_\(theirs).tif")).band(1).readInt16(all)
            var compared = 0, worst = 0.0
            for i in 0..<all.pixelCount where valid[i] && r[i] > -10000 && r[i] < 10000 {
                XCTAssertNotEqual(o[i], -32768, "\(ours) pixel \(i)")
                worst = max(worst, abs(Double(o[i]) / divisor - Double(r[i])))
                compared += 1
            }
            XCTAssertGreaterThan(compared, 58_000, ours)
            // ESPA truncates; we round; EVI's layer in this product omits the gain G = 2.5 (docs/indices.md).
            XCTAssertLessThanOrEqual(worst, divisor == 1 ? 1 : 1.5, "\(ours) vs USGS \(theirs), largest difference x 10000")
        }
    }
}
