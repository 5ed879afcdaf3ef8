@testable import KubuqiMonitorKit
import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// ``StagedAveragingFeed``: the COG tiles of a band-interleaved staged raster encoded while its last band is still
/// written (rows handed over strip by strip, not on tile boundaries), then laid out by
/// ``CloudOptimizedOutput/write(_:to:userOptions:averagingRows:)`` from the spool; checked against GDAL's COG driver
/// (`AVERAGE`) on the same staged file (``CloudOptimizedReference``: every band's pixels at every level, gdalinfo,
/// GDAL's validator); Float32 with NaN nodata and Int16 with -32768, 600 x 520 (partial tiles at every level).
final class StagedAveragingFeedTests: XCTestCase {
    static let (width, height) = (600, 520)

    /// Writes bands 1..<bands of a new staged raster whole, then the last band in strips of `strip` rows, calling
    /// `stripDone` after each; returns the open dataset's feed results through `body`.
    func stage(_ path: String, bands: Int, type: RasterDataType, nodata: Double, strip: Int,
               feedCheck: (StagedAveragingFeed?, Int) throws -> Void) throws -> StagedAveragingFeed? {
        let (w, h) = (Self.width, Self.height)
        let ds = try Dataset.create(path, width: w, height: h, bands: bands, type: type,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "INTERLEAVE=BAND"]))
        try ds.setGeoTransform(GeoTransform([500_000, 30, 0, 4_400_000, 0, -30]))
        for b in 1...bands { try ds.band(b).setNodata(nodata) }
        let feed = try StagedAveragingFeed(ds, userOptions: CreationOptions(), output: path + ".cog.tif")
        var rng = SplitMix64(seed: UInt64(bands))
        func values(_ rows: Int, band: Int, from row: Int) -> [Double] {
            (0..<(rows * w)).map { i -> Double in
                let (x, y) = (i % w, row + i / w)
                if (x < 40 && y < 40 * band) || rng.next() % 5 == 0 { return nodata }
                return Double(rng.next() % 20_000) - 10_000
            }
        }
        func write(_ b: Int, rows: Range<Int>) throws {
            let v = values(rows.count, band: b, from: rows.lowerBound), win = Window(column: 0, row: rows.lowerBound, width: w, height: rows.count)
            if type == .float32 {
                try v.map { $0 == nodata ? Float.nan : Float($0) / 7 }.withUnsafeBufferPointer { try ds.band(b).write(win, from: $0) }
            } else {
                try v.map { Int16($0) }.withUnsafeBufferPointer { try ds.band(b).write(win, from: $0) }
            }
        }
        for b in 1..<bands { try write(b, rows: 0..<h) }
        for y in stride(from: 0, to: h, by: strip) {
            feed?.awaitReads()   // the rows handed over are read before the dataset is written again
            try write(bands, rows: y..<min(h, y + strip))
            try feed?.rowsComplete(upTo: min(h, y + strip))
            try feedCheck(feed, min(h, y + strip))
        }
        if let feed { try StagedAveragingFeed.finish([feed]) }
        try ds.close()
        return feed
    }

    func testTilesEncodedWhileWrittenMakeGDALsCOG() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let folder = try TemporaryFolder()
        var cases: [[String: String]] = []
        for (type, bands, nodata) in [(RasterDataType.float32, 3, Double.nan), (.int16, 2, -32768)] {
            let staged = folder.file("staged-\(type).tif"), ours = folder.file("ours-\(type).tif"), gdal = folder.file("gdal-\(type).tif")
            let feed = try XCTUnwrap(try stage(staged, bands: bands, type: type, nodata: nodata, strip: 100) { feed, row in
                // The background thread is free at the first strip: its 100 rows are read at once.
                if row == 100 { XCTAssertEqual(feed?.fed, 100) }
            })
            XCTAssertEqual(feed.fed, Self.height)
            feed.handOver(for: staged)
            XCTAssertTrue(TileSpools.isWaiting(for: staged))
            let options = RasterOutputSpec.defaultCreationOptions(for: type == .float32 ? .float32 : .int16)
            try CloudOptimizedGeoTIFF.copy(staged, to: gdal, creationOptions: options, resampling: "AVERAGE")
            try CloudOptimizedOutput.write(staged, to: ours, averagingRows: true)
            XCTAssertFalse(TileSpools.isWaiting(for: staged))
            XCTAssertFalse(FileManager.default.fileExists(atPath: feed.spooled.folder), "spool deleted after the copy")
            cases.append(["ours": ours, "gdal": gdal])
        }
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }

    /// The COG laid out from the spool is the one laid out from the staged rows after the pass, byte for byte.
    func testSpoolGivesTheSameFileAsTheStagedRows() throws {
        let folder = try TemporaryFolder()
        let staged = folder.file("staged.tif")
        let feed = try XCTUnwrap(try stage(staged, bands: 3, type: .float32, nodata: .nan, strip: 64) { _, _ in })
        let copy = folder.file("staged-copy.tif")
        try FileManager.default.copyItem(atPath: staged, toPath: copy)
        feed.handOver(for: staged)
        try CloudOptimizedOutput.write(staged, to: folder.file("fed.tif"), averagingRows: true)
        try CloudOptimizedOutput.write(copy, to: folder.file("after.tif"), averagingRows: true)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder.file("fed.tif"))),
                       try Data(contentsOf: URL(fileURLWithPath: folder.file("after.tif"))))
    }

    /// A feed abandoned (a failed pass) deletes its spool; a raster GDAL's driver makes (COG=NO, a class table, another
    /// codec) gets none.
    func testAbandonedFeedLeavesNothingAndOthersGetNone() throws {
        let folder = try TemporaryFolder()
        let staged = folder.file("staged.tif")
        let ds = try Dataset.create(staged, width: 512, height: 512, bands: 2, type: .float32,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"]))
        for b in 1...2 { try ds.band(b).setNodata(.nan) }
        let feed = try XCTUnwrap(try StagedAveragingFeed(ds, userOptions: CreationOptions(), output: folder.file("out.tif")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: feed.spooled.folder))
        try feed.rowsComplete(upTo: 300)
        feed.discard()
        XCTAssertFalse(FileManager.default.fileExists(atPath: feed.spooled.folder))
        XCTAssertNil(try StagedAveragingFeed(ds, userOptions: try CreationOptions(parsing: ["COG=NO"]), output: folder.file("out.tif")))
        XCTAssertNil(try StagedAveragingFeed(ds, userOptions: try CreationOptions(parsing: ["COMPRESS=ZSTD"]), output: folder.file("out.tif")))
        try ds.close()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["staged.tif"])
    }
}
