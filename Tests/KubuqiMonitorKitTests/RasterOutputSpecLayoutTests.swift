import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The one decision of creation options and staging (`RasterOutputSpec.createDataset`), which
/// `stack` and `drought` now share with every other command: the user's `--co` over the command's
/// layout over the defaults, and a staged file with the published block size and interleaving.
final class RasterOutputSpecLayoutTests: XCTestCase {
    private func layout(block: Int) -> CreationOptions {
        var l = CreationOptions()
        l.set("INTERLEAVE", "BAND")
        l.set("BLOCKXSIZE", String(block))
        l.set("BLOCKYSIZE", String(block))
        return l
    }

    private func user(_ items: [String]) throws -> CreationOptions { try CreationOptions(parsing: items) }

    func testTheUsersOptionsWinOverTheLayoutWhichWinsOverTheDefaults() throws {
        let spec = RasterOutputSpec(path: "x.tif", encoding: .float32, creationOptions: try user(["COMPRESS=ZSTD", "BLOCKYSIZE=64"]),
                                    storage: .published, layout: layout(block: 128))
        let o = spec.writingCreationOptions
        XCTAssertEqual(o.value("COMPRESS"), "ZSTD")        // the user's
        XCTAssertEqual(o.value("BLOCKYSIZE"), "64")        // the user's over the layout's
        XCTAssertEqual(o.value("BLOCKXSIZE"), "128")       // the layout's over the default 256
        XCTAssertEqual(o.value("INTERLEAVE"), "BAND")      // the layout's
        XCTAssertEqual(o.value("PREDICTOR"), "3")          // the default for Float32
    }

    func testAStagedFileKeepsThePublishedBlocksAndInterleaving() throws {
        for (items, interleave) in [([String](), "BAND"), (["INTERLEAVE=PIXEL"], "PIXEL")] {
            let spec = RasterOutputSpec(path: "x.tif", encoding: .int16, creationOptions: try user(items), storage: .stagedForCOG,
                                        layout: layout(block: 96))
            let o = spec.writingCreationOptions
            XCTAssertEqual(o.value("COMPRESS"), "NONE", "\(items)")
            XCTAssertEqual(o.value("INTERLEAVE"), interleave, "\(items)")
            XCTAssertEqual(o.value("BLOCKXSIZE"), "96", "\(items)")
            XCTAssertNil(o.value("PREDICTOR"), "\(items)")
        }
        // COG=NO: nothing is staged, the file is written as published.
        let plain = RasterOutputSpec(path: "x.tif", encoding: .int16, creationOptions: try user(["COG=NO"]), storage: .stagedForCOG,
                                     layout: layout(block: 96))
        XCTAssertEqual(plain.writingCreationOptions.strings, plain.effectiveCreationOptions.strings)
        XCTAssertEqual(plain.writingCreationOptions.value("COMPRESS"), "DEFLATE")
        XCTAssertNil(plain.writingCreationOptions.value("COG"))
    }

    /// What stack and drought create: a band-interleaved file with the options decided above, and
    /// the published options when the uncompressed file would not fit.
    func testCreateDatasetWritesTheDecidedLayout() throws {
        let tmp = try TemporaryFolder()
        let grid = Grid(width: 40, height: 30, geoTransform: GeoTransform([500_000, 30, 0, 4_400_000, 0, -30]), crsWKT: "")
        let spec = RasterOutputSpec(path: tmp.file("s.tif"), encoding: .float32, creationOptions: CreationOptions(), storage: .stagedForCOG,
                                    layout: layout(block: 16))
        let ds = try spec.createDataset(at: tmp.file("s.tif"), grid: grid, bands: 3)
        XCTAssertEqual(ds.width, 40)
        XCTAssertEqual(try ds.band(3).blockSize.width, 16)
        XCTAssertEqual(ds.metadataItem("INTERLEAVE", domain: "IMAGE_STRUCTURE"), "BAND")
        XCTAssertNil(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "staged uncompressed")
        try ds.close()
        // A declared size beyond half the free space: staged with the published (compressed) options.
        let huge = spec.writingCreationOptions(width: 10_000_000, height: 10_000_000, bands: 1000, at: tmp.file("h.tif"))
        XCTAssertEqual(huge.strings, spec.effectiveCreationOptions.strings)
    }

    /// The staged size weighed against the free disk counts whole tiles as GDAL writes them (hand-worked): a thin grid's
    /// tiles are mostly padding (1000 x 1 x 240 Float32 bands in 64-pixel tiles: 16 x 1 tiles of 64 x 64 x 4 bytes a band).
    func testStagedBytesCountWholeTiles() throws {
        XCTAssertEqual(RasterOutputSpec.stagedBytes(width: 1000, height: 1, bands: 240, sampleBytes: 4, options: layout(block: 64)),
                       Double(16 * 64 * 64 * 4 * 240))
        XCTAssertEqual(RasterOutputSpec.stagedBytes(width: 512, height: 256, bands: 1, sampleBytes: 2, options: CreationOptions()),
                       Double(512 * 256 * 2), "tiles of 256 when no block size is given; exact multiples add nothing")
        XCTAssertEqual(RasterOutputSpec.stagedBytes(width: 257, height: 3, bands: 2, sampleBytes: 2, options: layout(block: 256)),
                       Double(2 * 256 * 256 * 2 * 2))
    }
}
