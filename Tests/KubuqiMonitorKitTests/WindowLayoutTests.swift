@testable import KubuqiMonitorKit
import KubuqiRaster
import XCTest

/// Window layouts worked by hand: whole blocks, the budget, and the same
/// buffers whatever the scene size.
final class WindowLayoutTests: XCTestCase {
    /// A Sentinel-2 tile pair (inputs tiled 512) to a 256-tiled output, NDVI:
    /// 20 bytes a pixel (2 inputs x 2 slots + 1 result, 4 bytes each). 32 MiB
    /// / 20 B = 1,677,721 pixels; rows 512 (the inputs' blocks); 1,677,721 /
    /// 512 = 3,276 columns, down to whole 512-column units: 3,072.
    func testSentinel2PairToTiledOutput() {
        let layout = WindowLayout(width: 10980, height: 10980, outputBlock: (256, 256),
                                  inputBlocks: [(512, 512), (512, 512)], bytesPerPixel: 20)
        XCTAssertEqual(layout.rows, 512)
        XCTAssertEqual(layout.columns, 3072)
        let windows = layout.windows()
        // ceil(10980 / 512) = 22 window rows, ceil(10980 / 3072) = 4 window columns.
        XCTAssertEqual(windows.count, 22 * 4)
        XCTAssertEqual(windows.reduce(0) { $0 + $1.pixelCount }, 10980 * 10980)
        XCTAssertEqual(windows[3], Window(column: 9216, row: 0, width: 1764, height: 512))
        XCTAssertEqual(windows.last, Window(column: 9216, row: 10752, width: 1764, height: 228))
        // Every window starts on an output block corner.
        XCTAssertTrue(windows.allSatisfy { $0.column % 256 == 0 && $0.row % 256 == 0 })
    }

    /// Twice and four times the area: the same window, so the same buffers.
    func testCapacityDoesNotGrowWithTheScene() {
        let sizes = [10980, 15528, 21960, 100_000]
        let capacities = sizes.map {
            WindowLayout(width: $0, height: $0, outputBlock: (256, 256), inputBlocks: [(512, 512)], bytesPerPixel: 20).capacity
        }
        XCTAssertEqual(Set(capacities), [512 * 3072])
    }

    /// A 25-layer stack (212 B a pixel: 25 x 2 x 4 + 3 results x 4) tiled 256:
    /// 32 MiB / 212 = 158,275 pixels = 2 units of 256 x 256 -> 256 x 512.
    func testManyInputsNarrowTheWindowNotTheRows() {
        let layout = WindowLayout(width: 2000, height: 2000, outputBlock: (256, 256),
                                  inputBlocks: Array(repeating: (256, 256), count: 25), bytesPerPixel: 212)
        XCTAssertEqual(layout.rows, 256)
        XCTAssertEqual(layout.columns, 512)
    }

    /// More than the budget in one block: one block, never less.
    func testOneBlockAtLeast() {
        let layout = WindowLayout(width: 5000, height: 5000, outputBlock: (256, 256), inputBlocks: [],
                                  bytesPerPixel: 1000, budget: 1 << 20)
        XCTAssertEqual(layout.rows, 256)
        XCTAssertEqual(layout.columns, 256)
    }

    /// Striped output (GDAL's default: blocks of one full row): 64 rows at a
    /// time, whole rows; a raster smaller than one window is one window.
    func testStripedOutputAndSmallRasters() {
        let striped = WindowLayout(width: 3000, height: 1000, outputBlock: (3000, 1), inputBlocks: [(3000, 1)], bytesPerPixel: 12)
        XCTAssertEqual(striped.rows, 64)
        XCTAssertEqual(striped.columns, 3000)
        // 28 inputs (236 B a pixel) on a 100,000-pixel-wide striped raster:
        // 32 MiB / 236 B = 142,179 pixels = one row per window.
        let wide = WindowLayout(width: 100_000, height: 50_000, outputBlock: (100_000, 1),
                                inputBlocks: Array(repeating: (100_000, 1), count: 28), bytesPerPixel: 236)
        XCTAssertEqual(wide.rows, 1)
        XCTAssertEqual(wide.columns, 100_000)
        // A striped input with a tiled output: whole rows, one output tile row high.
        let mixed = WindowLayout(width: 10980, height: 10980, outputBlock: (256, 256), inputBlocks: [(10980, 1)], bytesPerPixel: 20)
        XCTAssertEqual(mixed.rows, 256)
        XCTAssertEqual(mixed.columns, 10980)
        let small = WindowLayout(width: 100, height: 30, outputBlock: (256, 256), inputBlocks: [(128, 128)], bytesPerPixel: 12)
        XCTAssertEqual(small.windows(origin: (7, 9)), [Window(column: 7, row: 9, width: 100, height: 30)])
    }
}
