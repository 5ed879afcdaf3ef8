import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// A repeated (or empty) item of a list option is a usage error (exit 2) before
/// any work, with nothing written: `--index ndvi,ndvi` once wrote ndvi.tif twice and exited 4.
final class RepeatedListItemTests: CLITestCase {
    func testRepeatedItemsAreUsageErrorsWithNothingWritten() throws {
        let tmp = try TemporaryFolder()
        let values = (0..<16).map { Float($0) + 1 }
        let red = try TestRaster.write(tmp.file("red.tif"), width: 4, height: 4, values: values, type: .uint16)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 4, height: 4, values: values.map { $0 * 3 }, type: .uint16)
        let ndvi = try TestRaster.write(tmp.file("ndvi.tif"), width: 4, height: 4, values: values.map { $0 / 20 }, nodata: .nan)
        let out = tmp.file("out")
        let bands = ["--red", red, "--nir", nir, "--blue", red, "--swir1", nir, "--swir2", nir, "--green", red]
        let cases: [([String], String)] = [
            (["index", "--index", "ndvi,ndvi"] + bands + ["-o", out], "ndvi twice"),
            (["index", "--index", "NDVI,bsi,ndvi"] + bands + ["-o", out], "ndvi twice"),
            (["index", "ndvi", "--index", "ndvi"] + bands + ["-o", out], "ndvi twice"),
            (["index", "--index", "ndvi,,bsi"] + bands + ["-o", out], "empty name"),
            (["index", "ddi", "--grades", "--grade-breaks", "0.1,0.1,0.2,0.3"] + bands + ["-o", out], "strictly ascending"),
            (["index", "ddi", "--grades", "--grade-breaks", "0.1,x,0.2,0.3,0.4"] + bands + ["-o", out], "4 comma-separated"),
            (["index", "ndvi", "--co", "COMPRESS=LZW", "--co", "compress=DEFLATE"] + bands + ["-o", out], "given twice"),
            (["change", "--method", "cva", "--index", "ndvi,NDVI", "--before", "\(ndvi),\(ndvi)", "--after", "\(ndvi),\(ndvi)", "-o", out], "ndvi twice"),
            (["change", "--before", ndvi, "--after", ndvi, "--threshold", "fixed:0.1", "--co", "TILED=YES", "--co", "TILED=NO", "-o", out], "given twice"),
            (["index", "ndvi", "--gdal-config", "GDAL_CACHEMAX=64", "--gdal-config", "gdal_cachemax=512"] + bands + ["-o", out], "given twice"),
        ]
        for (args, mention) in cases {
            let r = try CLIRunner.run(args + ["-q"])
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(mention), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args): nothing written")
        }
        XCTAssertEqual(try tmp.contents(), ["ndvi.tif", "nir.tif", "red.tif"])
    }
}
