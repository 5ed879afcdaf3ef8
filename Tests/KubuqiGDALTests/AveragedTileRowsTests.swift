@testable import KubuqiGDAL
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// COGs of multi-band pixel-interleaved Float32 (predictor 3) and Int16 (predictor 2) rasters laid out by
/// ``CloudOptimizedTileWriter`` from tiles and `AVERAGE` overviews made by ``AveragedTileRows`` against GDAL's COG
/// driver's copy of the same staged (band-interleaved, uncompressed) raster (``CloudOptimizedReference``, in
/// Python): the same pixels of every band at every level, the same `gdalinfo`, tags and inflated tiles; NaN and
/// -32768 nodata (pixels and whole 2 x 2 blocks), partial edge tiles at every level, rows fed in several heights.
final class AveragedTileRowsTests: XCTestCase {
    /// GDAL's options for `stack`'s outputs (RasterOutputSpec's defaults for Float32 and scaled Int16 values).
    static func gdalOptions(float: Bool) throws -> CreationOptions {
        try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=1",
                                      "PREDICTOR=\(float ? 3 : 2)", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"])
    }

    /// Stages `bands` bands of `width` x `height` as `stack` does (band-interleaved, uncompressed 256 x 256 tiles,
    /// descriptions, metadata, nodata), deterministic values: Float32 of several magnitudes with NaN holes, or Int16
    /// over the whole range with -32768 holes when `nodata`.
    static func stage(_ path: String, width: Int, height: Int, bands: Int, float: Bool, nodata: Bool, seed: UInt64) throws {
        let ds = try Dataset.create(path, width: width, height: height, bands: bands, type: float ? .float32 : .int16,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=NONE",
                                                                           "INTERLEAVE=BAND", "BIGTIFF=IF_NEEDED"]))
        try ds.setGeoTransform(TestRaster.utm49Transform)
        if let srs = SpatialReference(epsg: 32649) { try ds.setProjection(srs.wkt2) }
        ds.setMetadataItem("KUBUQI_STACK_REDUCER", "mean")
        var rng = SplitMix64(seed: seed)
        let scales: [Float] = [1, 1e-3, 1e3, 7.77]
        let whole = Window(column: 0, row: 0, width: width, height: height)
        for b in 1...bands {
            let band = try ds.band(b)
            band.setDescription("\(2000 + b)")
            if float {
                try band.setNodata(.nan)
                var v = [Float](repeating: 0, count: width * height)
                for i in v.indices {
                    let r = rng.next()
                    let x = i % width, y = i / width
                    v[i] = r % 5 == 0 || (x < 40 && y < 40) ? .nan : (Float(r >> 40) / Float(1 << 24) * 2 - 0.5) * scales[Int(r >> 8) % 4]
                }
                try v.withUnsafeBufferPointer { try band.write(whole, from: $0) }
            } else {
                if nodata { try band.setNodata(-32768) } else { try band.setScale(1.0 / 10_000, offset: 0) }
                var v = [Int16](repeating: 0, count: width * height)
                for i in v.indices {
                    let r = rng.next()
                    let x = i % width, y = i / width
                    v[i] = nodata && (r % 5 == 0 || (x < 40 && y < 40)) ? -32768 : Int16(truncatingIfNeeded: Int(r >> 32) % 65535 - 32767)
                }
                try v.withUnsafeBufferPointer { try band.write(whole, from: $0) }
            }
        }
        try ds.close()
    }

    /// Ours and GDAL's COG of the same staged raster, ours fed `rows` rows at a time.
    static func pair(in tmp: TemporaryFolder, width: Int, height: Int, bands: Int, float: Bool, nodata: Bool, rows: Int) throws -> (ours: String, gdal: String) {
        let name = "\(width)x\(height)x\(bands)-\(float ? "f" : "i")\(nodata ? "n" : "")-\(rows)"
        let staged = tmp.file("\(name)-staged.tif")
        try stage(staged, width: width, height: height, bands: bands, float: float, nodata: nodata, seed: UInt64(width * 7 + height + bands))
        let format = TileSampleFormat(float ? .float32 : .int16, samplesPerPixel: bands)
        let spool = try CompressedTileSpool(path: tmp.file("\(name).spool"), width: width, height: height, level: 1, format: format)
        defer { spool.remove() }
        let feed = AveragedTileRows(spool, nodata: nodata && !float ? -32768 : nil)
        let ds = try Dataset.open(staged)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: rows * width * format.bytesPerPixel, alignment: 16)
        defer { buffer.deallocate() }
        for y in stride(from: 0, to: height, by: rows) {
            let w = Window(column: 0, row: y, width: width, height: min(rows, height - y))
            try ds.readInterleaved(w, float: float, into: buffer)
            try feed.add(rows: UnsafeRawBufferPointer(buffer), count: w.height)
        }
        try ds.close()
        XCTAssertTrue(spool.isComplete)
        let ours = tmp.file("\(name)-ours.tif"), gdal = tmp.file("\(name)-gdal.tif")
        try CloudOptimizedTileWriter.write(spool, staged: staged, to: ours, bigTIFF: false)
        try CloudOptimizedGeoTIFF.copy(staged, to: gdal, creationOptions: try gdalOptions(float: float), resampling: "AVERAGE")
        return (ours, gdal)
    }

    func testSameCOGAsGDALsDriver() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let tmp = try TemporaryFolder()
        var cases: [[String: String]] = []
        // Partial edge tiles at every level (600 x 520 -> 300 x 260 -> 150 x 130; 1200 x 800 -> ... -> 150 x 100),
        // one band and several, rows fed a tile, an odd number and all at once.
        let runs: [(Int, Int, Int, Bool, Bool, Int)] = [
            (600, 520, 3, true, true, 256), (1200, 800, 4, true, true, 77), (600, 520, 1, true, true, 520),
            (600, 520, 3, false, true, 100), (1200, 800, 2, false, false, 256), (600, 520, 1, false, true, 256),
        ]
        for (w, h, bands, float, nodata, rows) in runs {
            let p = try Self.pair(in: tmp, width: w, height: h, bands: bands, float: float, nodata: nodata, rows: rows)
            cases.append(["ours": p.ours, "gdal": p.gdal])
        }
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }

    /// Exact halves only: odd sizes at any level are left to GDAL's driver.
    func testOnlyExactHalvesAreCovered() {
        XCTAssertTrue(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 2000, height: 2000)))
        XCTAssertTrue(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 600, height: 520)))
        XCTAssertTrue(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 256, height: 256)))
        XCTAssertFalse(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 1999, height: 2000)))
        XCTAssertFalse(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 2000, height: 1001)))
        XCTAssertFalse(AveragedTileRows.isGDALs(CloudOptimizedLevels(width: 1100, height: 600)))   // 550 -> 275 -> 137
    }

    /// Predictor 3 on one row of two pixels of two samples, worked by hand from libtiff's `fpDiff`: the bytes
    /// rearranged most significant plane first, then each byte less the byte two (samples per pixel) before it.
    func testFloatingPointPredictorByHand() {
        let values: [Float] = [1, -2, 0.5, 3]   // 3F800000 C0000000 3F000000 40400000
        var bytes = values.withUnsafeBytes { Array($0) }
        bytes.withUnsafeMutableBytes { DeflateTileEncoder.applyFloatingPointPredictor($0, width: 2, samplesPerPixel: 2) }
        // Planes: [3F C0 3F 40] [80 00 00 40] [00 00 00 00] [00 00 00 00]; then byte i less byte i - 2.
        let planes: [UInt8] = [0x3F, 0xC0, 0x3F, 0x40, 0x80, 0x00, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0, 0]
        var expected = planes
        for i in stride(from: planes.count - 1, through: 2, by: -1) { expected[i] = planes[i] &- planes[i - 2] }
        XCTAssertEqual(bytes, expected)
        XCTAssertEqual(Array(expected.prefix(8)), [0x3F, 0xC0, 0x00, 0x80, 0x41, 0xC0, 0x80, 0x40])
    }
}
