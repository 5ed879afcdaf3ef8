@testable import KubuqiGDAL
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// COGs laid out from a ``CompressedTileSpool`` by ``CloudOptimizedTileWriter`` against GDAL's COG driver's copy of
/// the same staged raster (``CloudOptimizedReference``, in Python): the same pixels at every level, the same
/// `gdalinfo`, tags and inflated tiles, accepted by GDAL's validator; odd sizes, one pixel, exactly one tile,
/// windows of several shapes, BigTIFF.
final class CloudOptimizedTileWriterTests: XCTestCase {
    /// GDAL's COG options for a class raster as the commands publish it (RasterOutputSpec's defaults).
    static func gdalOptions(level: Int, bigTIFF: String = "IF_SAFER") throws -> CreationOptions {
        try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=\(level)",
                                      "PREDICTOR=2", "NUM_THREADS=ALL_CPUS", "BIGTIFF=\(bigTIFF)"])
    }

    /// Class codes in patches with nodata (-32768) holes and some noise, deterministic.
    static func classes(width: Int, height: Int, seed: UInt64) -> [Int16] {
        var rng = SplitMix64(seed: seed)
        var v = [Int16](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let patch = Int16(((x / 37) * 7 + (y / 23) * 3) % 5) - 1
                let r = rng.next() % 100
                v[y * width + x] = r < 4 ? -32768 : r < 10 ? Int16(r % 7) - 3 : patch
            }
        }
        return v
    }

    /// Writes the staged raster GDAL would copy: uncompressed 256 x 256 tiles, georeferenced, nodata, a
    /// description, metadata and category names (in its `.aux.xml`).
    static func stage(_ path: String, width: Int, height: Int, values: [Int16]) throws {
        let ds = try Dataset.create(path, width: width, height: height, bands: 1, type: .int16,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=NONE", "BIGTIFF=IF_NEEDED"]))
        try ds.setGeoTransform(TestRaster.utm49Transform)
        if let srs = SpatialReference(epsg: 32649) { try ds.setProjection(srs.wkt2) }
        ds.setMetadataItem("KUBUQI_LDN_LAYER", "trajectory")
        let band = try ds.band(1)
        try band.setNodata(-32768)
        band.setDescription("Productivity trajectory")
        try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: width, height: height), from: $0) }
        try ds.close()
        let again = try Dataset.open(path, update: true)
        try again.band(1).setCategoryNames(["degrading", "stable", "improving"])
        try again.close()
    }

    /// Feeds `values` to `spool` window by window (`columns` x `rows` pixels each, the last ones clipped), in row-major
    /// order or, with `shuffled`, in another order.
    static func feed(_ spool: CompressedTileSpool, values: [Int16], width: Int, height: Int, columns: Int, rows: Int, shuffled: Bool = false) throws {
        var windows = Window.tiles(width: width, height: height, tileWidth: columns, tileHeight: rows)
        if shuffled { windows.reverse() }
        for w in windows {
            var part = [Int16](repeating: 0, count: w.width * w.height)
            for r in 0..<w.height {
                for c in 0..<w.width { part[r * w.width + c] = values[(w.row + r) * width + w.column + c] }
            }
            try part.withUnsafeBufferPointer { try spool.add(w, values: $0) }
        }
    }

    /// Ours and GDAL's COG of the same staged raster; their paths.
    static func pair(in tmp: TemporaryFolder, width: Int, height: Int, level: Int, columns: Int, rows: Int,
                     shuffled: Bool = false, bigTIFF: String = "IF_SAFER",
                     stripBudget: Int = CompressedTileSpool.defaultStripBudget) throws -> (ours: String, gdal: String) {
        let name = "\(width)x\(height)-\(columns)x\(rows)-L\(level)-\(bigTIFF)-\(shuffled)-S\(stripBudget)"
        let staged = tmp.file("\(name)-staged.tif")
        let values = classes(width: width, height: height, seed: UInt64(width * 31 + height))
        try stage(staged, width: width, height: height, values: values)
        let spool = try CompressedTileSpool(path: tmp.file("\(name).spool"), width: width, height: height,
                                            level: DeflateTileEncoder.libdeflateLevel(forZLEVEL: level), stripBudget: stripBudget)
        defer { spool.remove() }
        try feed(spool, values: values, width: width, height: height, columns: columns, rows: rows, shuffled: shuffled)
        // The spilled rows' scratch files are gone once their tiles are encoded.
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("\(name).spool.L") }
        XCTAssertEqual(left, [], "overview scratch files left after the last window")
        let ours = tmp.file("\(name)-ours.tif"), gdal = tmp.file("\(name)-gdal.tif")
        try CloudOptimizedTileWriter.write(spool, staged: staged, to: ours,
                                           bigTIFF: CloudOptimizedTileWriter.isBigTIFF(option: bigTIFF, levels: spool.levels))
        try FileManager.default.copyItem(atPath: staged + ".aux.xml", toPath: ours + ".aux.xml")
        try CloudOptimizedGeoTIFF.copy(staged, to: gdal, creationOptions: try gdalOptions(level: level, bigTIFF: bigTIFF), resampling: "NEAREST")
        return (ours, gdal)
    }

    func testSameCOGAsGDALsDriver() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let tmp = try TemporaryFolder()
        var cases: [[String: String]] = []
        // Odd sizes (partial edge tiles, overviews of odd sizes), one pixel, exactly one tile, one tile and a pixel,
        // a one-row strip, windows of whole rows, of partial widths, taller than a tile, in reverse order.
        let runs: [(Int, Int, Int, Int, Int, Bool)] = [
            (300, 517, 6, 300, 256, false), (300, 517, 4, 256, 512, true), (1, 1, 7, 1, 1, false), (256, 256, 6, 256, 256, false),
            (257, 300, 1, 256, 256, false), (1999, 3, 6, 512, 256, false), (9, 1100, 9, 9, 768, false), (777, 1333, 6, 512, 768, false), (1030, 770, 12, 1030, 1024, false),
        ]
        for (w, h, level, columns, rows, shuffled) in runs {
            let p = try Self.pair(in: tmp, width: w, height: h, level: level, columns: columns, rows: rows, shuffled: shuffled)
            cases.append(["ours": p.ours, "gdal": p.gdal])
            // Every overview row of tiles spilled to its scratch file as pieces, read back tile by tile.
            let s = try Self.pair(in: tmp, width: w, height: h, level: level, columns: columns, rows: rows, shuffled: shuffled, stripBudget: 0)
            cases.append(["ours": s.ours, "gdal": s.gdal])
        }
        // Wide enough that the default budget spills the first two overviews' rows (2,100 and 1,050 pixels wide) and
        // keeps the others in memory; windows narrower than a spilled row, in reverse order.
        for (columns, shuffled) in [(4200, false), (768, true)] {
            let p = try Self.pair(in: tmp, width: 4200, height: 600, level: 6, columns: columns, rows: 512, shuffled: shuffled)
            cases.append(["ours": p.ours, "gdal": p.gdal])
        }
        let p = try Self.pair(in: tmp, width: 600, height: 300, level: 6, columns: 600, rows: 256, bigTIFF: "YES")
        cases.append(["ours": p.ours, "gdal": p.gdal])
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }

    /// The levels GDAL 3.6's COG driver makes (sizes read from its output for these rasters).
    func testLevelSizesAreGDALs() {
        func sizes(_ w: Int, _ h: Int) -> [[Int]] { CloudOptimizedLevels(width: w, height: h).sizes.dropFirst().map { [$0.width, $0.height] } }
        XCTAssertEqual(sizes(1999, 1001), [[999, 500], [499, 250], [249, 125]])
        XCTAssertEqual(sizes(600, 1), [[300, 1], [150, 1]])
        XCTAssertEqual(sizes(513, 2), [[256, 1]])
        XCTAssertEqual(sizes(1000, 7), [[500, 3], [250, 1]])
        XCTAssertEqual(sizes(5, 2049), [[2, 1024], [1, 512], [1, 256]])
        XCTAssertEqual(sizes(256, 256), [])
        XCTAssertEqual(sizes(3001, 1001), [[1500, 500], [750, 250], [375, 125], [187, 62]])
        // Overviews that stop narrowing: GDAL computes some of them from other levels; not covered.
        XCTAssertFalse(CloudOptimizedLevels(width: 5, height: 1100).nearestIsGDALs)
        XCTAssertFalse(CloudOptimizedLevels(width: 600, height: 1).nearestIsGDALs)
        XCTAssertTrue(CloudOptimizedLevels(width: 9, height: 1100).nearestIsGDALs)
        XCTAssertTrue(CloudOptimizedLevels(width: 1, height: 1).nearestIsGDALs)
    }

    /// A link planted at the spool's path is refused, and the file it names is left as it was.
    func testLinkAtSpoolPathNotFollowed() throws {
        let tmp = try TemporaryFolder()
        let victim = tmp.file("victim"), spool = tmp.file("tiles.spool")
        try "keep me".write(toFile: victim, atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink(victim, spool), 0)
        XCTAssertThrowsError(try CompressedTileSpool(path: spool, width: 300, height: 300, level: 6))
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me")
    }

    /// A window that is not made of whole tiles leaves the spool unusable (its raster is then copied by GDAL).
    func testWindowNotOfWholeTilesMakesTheSpoolUnusable() throws {
        let tmp = try TemporaryFolder()
        let spool = try CompressedTileSpool(path: tmp.file("s"), width: 600, height: 600, level: 6)
        defer { spool.remove() }
        let values = [Int16](repeating: 1, count: 100 * 100)
        try values.withUnsafeBufferPointer { try spool.add(Window(column: 100, row: 0, width: 100, height: 100), values: $0) }
        XCTAssertNotNil(spool.unusableReason)
        XCTAssertFalse(spool.isComplete)
    }
}
