import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// The pixels of each patch polygon found by the scanline (`PatchPolygons.forEachPixelRun`)
/// against GDAL's own rasterize (the burn `polygonize(labels:into:layer:patchRaster:)` makes):
/// the same patch id on every pixel, for 4- and 8-connected patches with holes and
/// patches touching the grid's edges.
final class PatchPixelRunTests: XCTestCase {
    func testScanlineRunsMatchGDALRasterize() throws {
        let tmp = try TemporaryFolder()
        let (w, h) = (61, 47)
        var rng = SplitMix64(seed: 7)
        // Blobs of labels 1...3 on 0, with single-pixel noise: holes, rings, diagonal contacts.
        let values: [Float] = (0..<(w * h)).map { i in
            let x = Double(i % w), y = Double(i / w)
            let blob = sin(x / 5) * cos(y / 4) + 0.6 * sin((x + y) / 3)
            var label: Float = blob > 0.9 ? 1 : (blob > 0.3 ? 2 : (blob < -0.8 ? 3 : 0))
            if rng.next() % 11 == 0 { label = Float(rng.next() % 4) }
            return label
        }
        let labels = try TestRaster.write(tmp.file("labels.tif"), width: w, height: h, values: values, type: .int32,
                                          options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
        let grid = try Dataset.open(labels).grid
        for eight in [false, true] {
            let burnt = tmp.file("burnt-\(eight).gpkg"), ids = tmp.file("ids-\(eight).tif"), scanned = tmp.file("scanned-\(eight).gpkg")
            let n = try PatchPolygons.polygonize(labels: labels, into: burnt, layer: "patches", patchRaster: ids, eightConnected: eight)
            let m = try PatchPolygons.polygonize(labels: labels, into: scanned, layer: "patches", eightConnected: eight)
            XCTAssertEqual(n, m)
            XCTAssertGreaterThan(n, 50, "a test with few patches proves little")
            var fromRuns = [Float](repeating: 0, count: w * h)
            try PatchPolygons.forEachPixelRun(scanned, layer: "patches", grid: grid) { patch, row, columns in
                for c in columns {
                    XCTAssertEqual(fromRuns[row * w + c], 0, "pixel (\(c), \(row)) in two patches")
                    fromRuns[row * w + c] = Float(patch)
                }
            }
            let expected = try Dataset.open(ids).band(1).read(Window(column: 0, row: 0, width: w, height: h))
            XCTAssertEqual(fromRuns, expected, "eight-connected: \(eight)")
            // Every labelled pixel is in a patch, every unlabelled one in none.
            XCTAssertEqual(fromRuns.map { $0 > 0 }, values.map { $0 > 0 })
        }
    }
}
