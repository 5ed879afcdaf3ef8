import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// A pass over bands of a pixel-interleaved 16-bit GeoTIFF (decoded by ``DirectTileReader`` in the pass's readers,
/// one per handle) hands the kernel what GDAL's `RasterIO` reads of each band, nodata as NaN, over several windows
/// (even and odd ones on their two handles); a band-interleaved copy (read by GDAL) gives the same; a tile that
/// does not inflate is an input error naming the file.
final class StreamedCalculationStackTests: XCTestCase {
    static let make = #"""
import json, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
c = json.load(open(sys.argv[1]))
w, h, n = c["width"], c["height"], c["bands"]
rng = np.random.default_rng(5)
yy, xx = np.mgrid[0:h, 0:w]
for path, interleave in [(c["pixel"], "PIXEL"), (c["band"], "BAND")]:
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, n, gdal.GDT_Int16,
        ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "INTERLEAVE=" + interleave])
    ds.SetGeoTransform([500000, 30, 0, 4400000, 0, -30])
    rng = np.random.default_rng(5)
    for b in range(1, n + 1):
        data = (xx * (3 + b) + yy * 7 + rng.integers(-500, 500, (h, w))) % 20000 - 10000
        data[rng.random((h, w)) < 0.02] = -32768
        band = ds.GetRasterBand(b)
        band.SetNoDataValue(-32768)
        band.WriteArray(data.astype(np.int16))
    ds = None
d = gdal.Open(c["pixel"])
json.dump({"offset": int(d.GetRasterBand(1).GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"))}, open(sys.argv[2], "w"))
"""#

    /// Collects each output's values over the whole grid.
    private final class Collector: ChunkObserver, @unchecked Sendable {
        let width: Int
        var values: [[Float]]
        private let lock = NSLock()
        init(outputs: Int, width: Int, height: Int) {
            self.width = width
            values = Array(repeating: [Float](repeating: 12345, count: width * height), count: outputs)
        }
        func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {}
        func observe(chunk: Int, firstRow: Int, firstColumn: Int, width w: Int, results: [UnsafeBufferPointer<Float>]) {
            lock.withLock {
                for (o, r) in results.enumerated() {
                    for i in 0..<r.count { values[o][(firstRow + i / w) * width + firstColumn + i % w] = r[i] }
                }
            }
        }
    }

    /// The values a pass hands its kernel from `bands` of `path` (copied out through an observer).
    private func passValues(_ path: String, bands: [Int], width: Int, height: Int) throws -> (values: [[Float]], windows: Int) {
        let ds = try Dataset.open(path)
        let inputs = try bands.map { PixelInput(band: try ds.band($0)) }
        let collector = Collector(outputs: bands.count, width: width, height: height)
        var windows = 0
        _ = try StreamedCalculation.runJoint(inputs: inputs, outputs: bands.map { _ in nil }, kernel: { ins, outs, _, _ in
            for (i, o) in outs.enumerated() { _ = o.update(fromContentsOf: ins[i]) }
        }, observer: collector, statistics: false, progress: { _ in windows += 1 })
        return (collector.values, windows)
    }

    func testBandsOfAPixelInterleavedStackAreGDALsValues() throws {
        let tmp = try TemporaryFolder()
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else { return }
        // 3000 x 1100 pixels of 3 bands: several windows under the 32 MiB budget; not multiples of 256.
        let width = 3000, height = 1100
        let pixel = tmp.file("pixel.tif"), band = tmp.file("band.tif")
        _ = try PythonReference.run(python, script: Self.make, input: ["width": width, "height": height, "bands": 3, "pixel": pixel, "band": band])
        let bands = [3, 1, 2]
        // The stack's readers (one per handle, even and odd windows) decode it themselves.
        let stack = try Dataset.open(pixel)
        let windows = Window.tiles(width: width, height: height, tileWidth: 512, tileHeight: 512)
        let readers = WindowReaders(inputs: try bands.map { PixelInput(band: try stack.band($0)) }, mask: nil, windows: windows)
        let even = try XCTUnwrap(readers.readers(forWindow: 0).first?.direct), odd = try XCTUnwrap(readers.readers(forWindow: 1).first?.direct)
        XCTAssertFalse(even === odd, "one reader per handle")
        XCTAssertNil(WindowReaders(inputs: [PixelInput(band: try stack.band(1))], mask: nil, windows: windows).readers(forWindow: 0).first?.direct,
                     "one band of a stack alone goes through GDAL")
        let direct = try passValues(pixel, bands: bands, width: width, height: height)
        XCTAssertGreaterThan(direct.windows, 2, "several windows, on both handles")
        let gdal = try passValues(band, bands: bands, width: width, height: height)
        // GDAL's own read of each band of the pixel-interleaved file, its nodata as NaN.
        let ds = try Dataset.open(pixel)
        for (k, b) in bands.enumerated() {
            let expected = try ds.band(b).read(Window(column: 0, row: 0, width: width, height: height)).map { $0 == -32768 ? Float.nan : $0 }
            XCTAssertTrue(expected.contains { $0.isNaN } && expected.contains { !$0.isNaN })
            XCTAssertTrue(direct.values[k].map(\.bitPattern) == expected.map(\.bitPattern), "band \(b) differs from GDAL's read")
            XCTAssertTrue(gdal.values[k].map(\.bitPattern) == expected.map(\.bitPattern), "band \(b) of the band-interleaved copy")
        }
    }

    func testACorruptTileOfAStackIsAnInputErrorNamingTheFile() throws {
        let tmp = try TemporaryFolder()
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else { return }
        let pixel = tmp.file("pixel.tif"), band = tmp.file("band.tif")
        let out = try PythonReference.run(python, script: Self.make, input: ["width": 600, "height": 300, "bands": 2, "pixel": pixel, "band": band]) as! [String: Any]
        let corrupt = try FileHandle(forUpdating: URL(fileURLWithPath: pixel))
        try corrupt.seek(toOffset: UInt64(out["offset"] as! Int))
        corrupt.write(Data([0xFF, 0xFF, 0xFF, 0xFF]))
        try corrupt.close()
        XCTAssertThrowsError(try passValues(pixel, bands: [1, 2], width: 600, height: 300)) { e in
            let k = e as? KubuqiError
            XCTAssertNotNil(k, "\(e)")
            XCTAssertTrue(k?.message.contains(pixel) == true && k?.message.contains("cannot read rows") == true
                          && k?.message.contains("tile 0 of \(pixel) does not inflate") == true, "decoded by us: \(k?.message ?? "")")
            XCTAssertFalse(k?.message.contains("\n") == true)
        }
    }
}
