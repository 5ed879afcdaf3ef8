@testable import KubuqiMonitorKit
import KubuqiGDAL
import TestSupport
import XCTest

/// The averaging COG writer (stack's outputs) holds a row of tiles of every level, which grows with the width and
/// the number of bands: beyond ``CloudOptimizedOutput/averagingBudgetBytes`` a raster goes through GDAL's driver,
/// so memory stays bounded whatever the scene size.
final class AveragingBudgetTests: XCTestCase {
    /// Open rows of tiles, worked by hand: 256 rows of every level's width (2000, 1000, 500, 250 pixels: the last overview is the first within one tile).
    func testStripBytesAreARowOfTilesOfEveryLevel() {
        let levels = CloudOptimizedLevels(width: 2000, height: 2000)
        XCTAssertEqual(levels.sizes.map(\.width), [2000, 1000, 500, 250])
        XCTAssertEqual(AveragedTileRows.stripBytes(levels, bytesPerPixel: 40), 256 * (2000 + 1000 + 500 + 250) * 40)
    }

    /// 4096 x 512 (exact halves down to 256 x 32): 8 Float32 bands hold 256 x 7936 x 32 = 65,011,712 bytes, under
    /// 64 MiB (67,108,864), and are taken; 9 bands hold 73,138,176 bytes and are left to GDAL's driver.
    func testRastersBeyondTheBudgetGoThroughGDAL() throws {
        let folder = try TemporaryFolder()
        for (bands, taken) in [(8, true), (9, false)] {
            let path = folder.file("staged-\(bands).tif")
            let ds = try Dataset.create(path, width: 4096, height: 512, bands: bands, type: .float32,
                                        options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "SPARSE_OK=YES"]))
            for b in 1...bands { try ds.band(b).setNodata(.nan) }
            let options = RasterOutputSpec.defaultCreationOptions(for: .float32)
            let plan = try CloudOptimizedOutput.averagedLevel(ds, options: options)
            try ds.close()
            XCTAssertEqual(plan != nil, taken, "\(bands) bands")
        }
    }
}
