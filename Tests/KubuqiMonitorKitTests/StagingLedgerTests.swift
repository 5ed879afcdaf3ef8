@testable import KubuqiMonitorKit
import KubuqiGDAL
import KubuqiRaster
import XCTest

/// A run's staged rasters weighed together (StagingLedger), against hand-worked sums.
final class StagingLedgerTests: XCTestCase {
    /// `drought` on 1000 x 1 pixels x 240 months with SPI-3, 6 and 12 in 128-pixel tiles.
    func entries(compress: String? = nil) -> [StagingLedger.Entry] {
        var o = DroughtOptions(inputs: ["p.tif"], outputFolder: "/out")
        o.scales = [3, 6, 12]
        if let compress { o.creationOptions.set("COMPRESS", compress) }
        let grid = Grid(width: 1000, height: 1, geoTransform: GeoTransform([0, 1, 0, 0, 0, -1]), crsWKT: "")
        return DroughtRasters.ledgerEntries(folder: "/out", grid: grid, months: 240, years: 20, block: 128, o)
    }

    /// Each SPI layer: 1024 x 128 (whole tiles) x 240 bands x 4 bytes = 125,829,120; the class layer: 1024 x 128 x 20 x 2
    /// = 5,242,880; together 382,730,240 bytes (the staged files of main's run measured 125,864,324 bytes each, tile index included).
    func testARunsTotalStagedBytes() {
        let e = entries()
        XCTAssertEqual(e.map(\.name), ["spi-3.tif", "spi-6.tif", "spi-12.tif", "drought-class.tif"])
        XCTAssertEqual(e.map(\.uncompressedBytes), [125_829_120, 125_829_120, 125_829_120, 5_242_880])
        XCTAssertEqual(StagingLedger.totalUncompressedBytes(e), 382_730_240)
    }

    /// 256 MiB free (268,435,456 bytes, half 134,217,728): SPI-3 is staged uncompressed (125,829,120), SPI-6 and SPI-12
    /// would pass half the free space (251,658,240), the class layer still fits beside SPI-3 (131,072,000).
    /// Weighed alone, each of the four fitted.
    func testEachFileStagesUncompressedWhileTheRunsTotalFitsHalfTheFreeSpace() throws {
        XCTAssertEqual(try StagingLedger(folder: "/out", freeBytes: 268_435_456).plan(entries()), [true, false, false, true])
        XCTAssertEqual(try StagingLedger(folder: "/out", freeBytes: 2 * 382_730_240).plan(entries()), [true, true, true, true])
        XCTAssertEqual(try StagingLedger(folder: "/out", freeBytes: 0).plan(entries()), [false, false, false, false])
    }

    /// With `--co COMPRESS=NONE` the rasters are uncompressed whatever is decided: 382,730,240 bytes in 300 MB free is refused
    /// (an output error naming the folder, the rasters and both sizes); in 400 MB it runs.
    func testUncompressedRastersThatCannotFitAreRefused() throws {
        XCTAssertThrowsError(try StagingLedger(folder: "/out", freeBytes: 300_000_000).plan(entries(compress: "NONE"))) { e in
            let k = e as? KubuqiError
            XCTAssertEqual(k?.kind, .output)
            XCTAssertEqual(k?.message, "/out: the run's uncompressed rasters (spi-3.tif, spi-6.tif, spi-12.tif, drought-class.tif) need "
                + "382.7 MB (382730240 bytes) and the file system has 300.0 MB (300000000 bytes) free; free some space, write elsewhere or drop COMPRESS=NONE")
        }
        XCTAssertEqual(try StagingLedger(folder: "/out", freeBytes: 400_000_000).plan(entries(compress: "NONE")), [true, true, true, true])
    }
}
