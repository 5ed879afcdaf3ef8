import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// A collection of plain tiled DEFLATE Int16 GeoTIFFs (the usual NDVI collection) is decoded by
/// ``DirectTileReader``: its readers take that path and read what GDAL reads, and a corrupt tile in one of the
/// files stops `stack` with the usual one-line input error naming the file, the rows and the tile (exit code 3).
final class StackDirectDecodeTests: XCTestCase {
    static let corrupt = #"""
import json, sys
from osgeo import gdal
path = json.load(open(sys.argv[1]))["path"]
d = gdal.Open(path)
offset = int(d.GetRasterBand(1).GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"))
d = None
with open(path, "r+b") as f:
    f.seek(offset)
    f.write(bytes([0xFF, 0xFF, 0xFF, 0xFF]))   # the zlib header and first block header of tile 0
json.dump({"offset": offset}, open(sys.argv[2], "w"))
"""#

    func testATiledDeflateCollectionIsDecodedDirectlyAndACorruptTileIsNamed() throws {
        let tmp = try TemporaryFolder(), inputs = try TemporaryFolder()
        let (w, h) = (40, 37)
        let dates = ["2001-03-01", "2001-06-01", "2001-09-01"]
        var paths: [String] = []
        for (k, d) in dates.enumerated() {
            let values = (0..<(w * h)).map { Float(($0 * 7 + k * 13) % 2000 - 1000) }
            paths.append(try TestRaster.write(inputs.file("ndvi_\(d).tif"), width: w, height: h, values: values, type: .int16, nodata: -32768,
                                              options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=2"]))
        }
        let o = StackOptions(inputs: [inputs.path], output: tmp.file("x.tif"), minimumCoverage: 0)
        let obs = try StackSources.collect(o, rasters: InputRasters(), keepOpen: false)
        let readers = try StackInputs(obs, o).open(obs)
        let all = Window(column: 0, row: 0, width: w, height: h)
        for ob in obs {
            let r = try XCTUnwrap(readers[ob])
            var ours = [UInt8](repeating: 0, count: 2 * w * h), gdal = ours
            try ours.withUnsafeMutableBytes { try r.readStored(all, into: $0) }
            XCTAssertEqual(r.direct?.isDirect, true, ob.path)
            try gdal.withUnsafeMutableBytes { try r.band.read16(all, into: $0, unsigned: false) }
            XCTAssertEqual(ours, gdal, ob.path)
        }
        XCTAssertNoThrow(try StackJob.run(o))
        guard let python = PythonReference.interpreter(needing: "osgeo.gdal") else { return }
        _ = try PythonReference.run(python, script: Self.corrupt, input: ["path": paths[1]])
        XCTAssertThrowsError(try StackJob.run(StackOptions(inputs: [inputs.path], output: tmp.file("y.tif"), minimumCoverage: 0))) { e in
            let k = e as? KubuqiError
            XCTAssertEqual(k?.exitCode, 3)
            let text = k?.message ?? "\(e)"
            XCTAssertTrue(text.hasPrefix(paths[1] + ": cannot read rows 0-"), text)
            XCTAssertTrue(text.contains("tile 0 of \(paths[1]) does not inflate"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("y.tif")), "nothing left behind")
    }
}
