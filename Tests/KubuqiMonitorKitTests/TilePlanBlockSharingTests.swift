import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// docs/scale-out.md (issue 14 item 13): no block is read by two tiles when a tile is at least a
/// block; a striped input's strips (and a block larger than the tile) are read by every tile
/// they overlap.
final class TilePlanBlockSharingTests: XCTestCase {
    /// For each block of `block` size, the number of tiles overlapping it.
    func readers(_ plan: TilePlan, block: (Int, Int), width: Int, height: Int) -> [Int] {
        var counts: [Int] = []
        for by in stride(from: 0, to: height, by: block.1) {
            for bx in stride(from: 0, to: width, by: block.0) {
                counts.append(plan.tiles.filter { t in
                    t.window.column < bx + block.0 && bx < t.window.column + t.window.width
                        && t.window.row < by + block.1 && by < t.window.row + t.window.height
                }.count)
            }
        }
        return counts
    }

    func testStripedInputsShareStripsAndTiledOnesDoNot() throws {
        let tmp = try TemporaryFolder()
        let striped = try TestRaster.write(tmp.file("striped.tif"), width: 8000, height: 16, values: Array(repeating: 1, count: 8000 * 16),
                                           options: ["TILED=NO", "BLOCKYSIZE=1"])
        XCTAssertEqual(try Dataset.open(striped).band(1).blockSize.width, 8000)
        let plan = try TilePlanner.plan(input: striped, tileSize: 256)
        XCTAssertEqual(plan.tileSize, [250, 16], "the largest divisor of 8000 not above 256")
        // The text of docs/scale-out.md: a 8000-pixel strip split into 250-pixel tiles is read 32 times.
        XCTAssertEqual(Set(readers(plan, block: (8000, 1), width: 8000, height: 16)), [32])

        let tiled = try TestRaster.write(tmp.file("tiled.tif"), width: 1024, height: 512, values: Array(repeating: 1, count: 1024 * 512),
                                         options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"])
        let tiledPlan = try TilePlanner.plan(input: tiled, tileSize: 500)
        XCTAssertEqual(tiledPlan.tileSize, [512, 512])
        XCTAssertEqual(Set(readers(tiledPlan, block: (256, 256), width: 1024, height: 512)), [1], "no block read by two tiles")

        // One 256 x 256 block split into 128 x 128 tiles: read by all four (the fixtures' case in the doc).
        let one = try TestRaster.write(tmp.file("one.tif"), width: 256, height: 256, values: Array(repeating: 1, count: 256 * 256),
                                       options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"])
        XCTAssertEqual(readers(try TilePlanner.plan(input: one, tileSize: 128), block: (256, 256), width: 256, height: 256), [4])

        let doc = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/scale-out.md").path, encoding: .utf8)
        XCTAssertTrue(doc.contains("is read 32 times"))
        XCTAssertFalse(doc.contains("so no block is read by two tiles;"), "the old, false claim")
    }
}
