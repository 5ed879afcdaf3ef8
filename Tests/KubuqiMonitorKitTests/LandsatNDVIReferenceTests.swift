import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// NDVI on the USGS ESPA Landsat 7 scene against USGS's own NDVI product.
final class LandsatNDVIReferenceTests: XCTestCase {
    let scene = "02_landsat7_espa_sr_with_ndvi_reference_LE70230282011250/LE70230282011250EDC00"

    func testInt16NDVIMatchesUSGSWithinOne() throws {
        let red = try RealData.path(scene + "_sr_band3.tif")
        let nir = try RealData.path(scene + "_sr_band4.tif")
        let reference = try RealData.path(scene + "_ndvi.tif")
        let tmp = try TemporaryFolder()
        let out = tmp.file("ndvi.tif")
        _ = try IndexJob.run(IndexOptions(
            indices: ["ndvi"], bands: [.red: BandSelection(path: red), .nir: BandSelection(path: nir)],
            output: out, encoding: .int16, quiet: true))

        let ds = try Dataset.open(out)
        let all = Window(column: 0, row: 0, width: ds.width, height: ds.height)
        let ours = try ds.band(1).readInt16(all)
        let usgs = try Dataset.open(reference).band(1).readInt16(all)
        let b3 = try Dataset.open(red).band(1).readInt16(all)
        let b4 = try Dataset.open(nir).band(1).readInt16(all)
        var compared = 0, worst = 0
        for i in ours.indices where (1...15999).contains(b3[i]) && (1...15999).contains(b4[i]) {
            XCTAssertNotEqual(ours[i], -32768, "pixel \(i) valid in the inputs must be valid in the output")
            worst = max(worst, abs(Int(ours[i]) - Int(usgs[i])))
            compared += 1
        }
        // MANIFEST.txt: 62,582 pixels have both bands in (0, 16000).
        XCTAssertEqual(compared, 62_582)
        XCTAssertLessThanOrEqual(worst, 1, "largest difference from USGS NDVI x 10000")
    }
}
