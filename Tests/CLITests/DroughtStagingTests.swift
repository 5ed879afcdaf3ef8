import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `drought`'s staged rasters weighed together against the free disk (StagingLedger): a thin grid whose
/// uncompressed staged layers fit one by one but not together runs on a small disk, with the same published layers;
/// a run whose uncompressed rasters cannot fit is refused before it writes anything.
final class DroughtStagingTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A 300 x 1 monthly series of 20 years (240 bands dated `YYYY-MM-15`).
    func thinSeries() throws -> String {
        try TestRaster.thinMonthlySeries(tmp.file("thin.tif"), width: 300, seed: 3) { Float(-40 * log(max(1e-12, $0.unit()))) }
    }

    /// 300 x 1 x 240 months in 128-pixel tiles (the tile side of 240 months): each SPI layer stages 384 x 128 x 240 x 4 =
    /// 47,185,920 bytes, three of them 141.6 MB, more than a 96 MiB disk (100,663,296 bytes) holds; weighed one at a time
    /// (main) each fitted in half the free space and the run failed with "No space left on device". Weighed together,
    /// SPI-3 alone is staged uncompressed (47.2 <= 50.3 MB), the rest compressed: the run succeeds and its layers are
    /// byte for byte those of a run on a large disk.
    func testThinGridRunsOnASmallDisk() throws {
        let input = try thinSeries()
        let reference = tmp.file("reference")
        try run(["drought", input, "--scales", "3,6,12", "-o", reference])
        try withSmallDisk(96 * 1024) { disk in
            let out = disk + "/d"
            try run(["drought", input, "--scales", "3,6,12", "-o", out])
            for name in ["spi-3.tif", "spi-6.tif", "spi-12.tif", "drought-class.tif"] {
                XCTAssertEqual(FileManager.default.contents(atPath: out + "/" + name), FileManager.default.contents(atPath: reference + "/" + name), name)
            }
        }
    }

    /// A declared 100,000 x 100,000 series of 240 months with `--co COMPRESS=NONE` and 1024-pixel blocks: SPI-12 and the
    /// class layer (19 years, 2002-2020: 2001 has no 12-month SPI before December) take 100,352^2 x (240 x 4 + 19 x 2) =
    /// 10,050,382,856,192 bytes uncompressed (hand-worked), beyond any
    /// test disk: refused before anything is written (exit 4, one line naming the folder and the bytes), the folder not left.
    func testARunThatCannotFitIsRefusedBeforeWriting() throws {
        let bands = (0..<240).map { i in
            "<VRTRasterBand dataType=\"Float32\" band=\"\(i + 1)\"><Description>\(2001 + i / 12)-\(i % 12 < 9 ? "0" : "")\(i % 12 + 1)-01</Description></VRTRasterBand>"
        }.joined()
        let vrt = tmp.file("huge.vrt")
        try ("<VRTDataset rasterXSize=\"100000\" rasterYSize=\"100000\"><SRS>EPSG:4326</SRS>"
            + "<GeoTransform>100, 0.0001, 0, 40, 0, -0.0001</GeoTransform>\(bands)</VRTDataset>").write(toFile: vrt, atomically: true, encoding: .utf8)
        let out = tmp.file("out")
        let r = try run(["drought", vrt, "--co", "COMPRESS=NONE", "--co", "BLOCKXSIZE=1024", "--co", "BLOCKYSIZE=1024", "-o", out], expect: 4)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains(out + ": "), r.stderr)
        XCTAssertTrue(r.stderr.contains("spi-12.tif, drought-class.tif"), r.stderr)
        XCTAssertTrue(r.stderr.contains("(10050382856192 bytes)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("free"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing left behind")
    }
}
