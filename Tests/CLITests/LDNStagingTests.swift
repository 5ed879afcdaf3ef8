import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn`'s staged layers and scratch rasters weighed together against the free disk (RunStagingLedger, opened by
/// `OutputFolder.runStaged`): a thin region whose files fit one by one in half a small disk, not together in the whole.
final class LDNStagingTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A 25,000 x 1 region: 11 years of NDVI (random), one land-cover map (codes 130, 10, 190), SOC; one baseline period.
    func thinRegion() throws -> String {
        let width = 25_000
        var r = SplitMix64(seed: 3)
        func make(_ name: String, bands: Int, type: RasterDataType, values: () -> Float) throws {
            let ds = try Dataset.create(tmp.file(name), width: width, height: 1, bands: bands, type: type)
            try ds.setGeoTransform(TestRaster.utm49Transform)
            try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
            for b in 1...bands {
                if bands > 1 { try ds.band(b).setDescription(String(1999 + b)) }
                if type == .byte { try ds.band(b).setNodata(0) }
                let v = (0..<width).map { _ in values() }
                try v.withUnsafeBufferPointer { try ds.band(b).write(Window(column: 0, row: 0, width: width, height: 1), from: $0) }
            }
            try ds.close()
        }
        try make("ndvi.tif", bands: 11, type: .float32) { Float(0.2 + 0.5 * r.unit()) }
        try make("lc.tif", bands: 1, type: .byte) { [130, 130, 10, 190][Int(r.unit() * 4) % 4] }
        try make("soc.tif", bands: 1, type: .float32) { Float(30 + 20 * r.unit()) }
        try """
        [productivity]
        stack = "ndvi.tif"
        [landcover]
        maps = { 2000 = "lc.tif" }
        [soc]
        baseline = "soc.tif"
        [periods]
        baseline = [2000, 2010]
        """.write(toFile: tmp.file("thin.toml"), atomically: true, encoding: .utf8)
        return tmp.file("thin.toml")
    }

    /// The stack pass stages the period's Int16 class layers (25,088 x 256 x 2 = 12,845,056 bytes each, whole 256 x 256
    /// tiles) beside four Float32 scratch sums (25,088 x 256 x 4 = 25,690,112 bytes each, 102,760,448 together, uncompressed
    /// whatever is decided). On a 160 MiB disk (167,772,160 bytes) main staged every layer uncompressed (each fitted half the
    /// free space alone) and failed with "No space left on device"; weighed together, the sums take more than half the
    /// disk, so every layer is staged compressed: the run succeeds and its eight layers are byte for byte a large disk's.
    /// On 64 MiB the sums alone cannot fit: refused before anything is written (exit 4, one line), nothing left.
    func testAThinRegionRunsOnASmallDiskOrIsRefusedBeforeWriting() throws {
        let config = try thinRegion()
        let reference = tmp.file("reference")
        try run(["ldn", "--config", config, "-o", reference, "-q"])
        let layers = try FileManager.default.contentsOfDirectory(atPath: reference + "/baseline").filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertEqual(layers.count, 8, "\(layers)")
        try withSmallDisk(160 * 1024) { disk in
            try run(["ldn", "--config", config, "-o", disk + "/l", "-q"])
            for name in layers {
                XCTAssertEqual(FileManager.default.contents(atPath: disk + "/l/baseline/" + name),
                               FileManager.default.contents(atPath: reference + "/baseline/" + name), name)
            }
        }
        try withSmallDisk(64 * 1024) { disk in
            let r = try run(["ldn", "--config", config, "-o", disk + "/l", "-q"], expect: 4)
            let errors = r.stderr.split(separator: "\n").filter { !$0.contains(" info ") }
            XCTAssertEqual(errors.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(disk + "/l: the run's uncompressed rasters (baseline-means-0.tif, baseline-means-1.tif, baseline-means-2.tif, "
                + "baseline-means-3.tif) need 102.8 MB (102760448 bytes) and the file system has "), r.stderr)
            XCTAssertTrue(r.stderr.contains("free; free some space or write elsewhere"), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "nothing left behind")
        }
    }
}
