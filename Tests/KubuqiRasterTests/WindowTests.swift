import KubuqiRaster
import XCTest

final class WindowTests: XCTestCase {
    func testStripsCoverTheRasterOnce() {
        let strips = Window.strips(width: 10, height: 25, rows: 8)
        XCTAssertEqual(strips.map(\.row), [0, 8, 16, 24])
        XCTAssertEqual(strips.map(\.height), [8, 8, 8, 1])
        XCTAssertEqual(strips.reduce(0) { $0 + $1.pixelCount }, 250)
    }

    func testTilesClipAtTheEdges() {
        let tiles = Window.tiles(width: 5, height: 3, tileWidth: 2, tileHeight: 2)
        XCTAssertEqual(tiles.count, 6)
        XCTAssertEqual(tiles.last, Window(column: 4, row: 2, width: 1, height: 1))
        XCTAssertEqual(tiles.reduce(0) { $0 + $1.pixelCount }, 15)
    }

    func testBandSelectionParsing() {
        XCTAssertEqual(BandSelection(parsing: "a.tif"), BandSelection(path: "a.tif", band: 1))
        XCTAssertEqual(BandSelection(parsing: "a.tif:4"), BandSelection(path: "a.tif", band: 4))
        XCTAssertEqual(BandSelection(parsing: "/vsizip/x.zip/b.tif:2"), BandSelection(path: "/vsizip/x.zip/b.tif", band: 2))
        XCTAssertEqual(BandSelection(parsing: "C:/data/b.tif"), BandSelection(path: "C:/data/b.tif", band: 1))
        XCTAssertEqual(BandSelection(parsing: "a.tif:0"), BandSelection(path: "a.tif", band: 0), "refused later as a band")
        XCTAssertFalse(BandSelection(parsing: "a.tif").bandGiven)
        XCTAssertTrue(BandSelection(parsing: "a.tif:1").bandGiven)
    }
}
