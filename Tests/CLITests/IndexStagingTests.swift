import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `index`'s outputs of one pass weighed together against the free disk (RunStagingLedger): three indices of a thin
/// grid whose uncompressed staged files fit one by one in half a small disk, not together in the whole of it.
final class IndexStagingTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// Red and NIR bands of 25,000 x 1 pixels (UInt16, random reflectances).
    func thinBands() throws -> (red: String, nir: String) {
        var r = SplitMix64(seed: 5)
        for name in ["red.tif", "nir.tif"] {
            let ds = try Dataset.create(tmp.file(name), width: 25_000, height: 1, bands: 1, type: .float32)
            try ds.setGeoTransform(TestRaster.utm49Transform)
            let values = (0..<25_000).map { _ in Float(500 + Int(r.unit() * 4000)) }
            try values.withUnsafeBufferPointer { try ds.band(1).write(Window(column: 0, row: 0, width: 25_000, height: 1), from: $0) }
            try ds.close()
        }
        return (tmp.file("red.tif"), tmp.file("nir.tif"))
    }

    /// Each Float32 index stages 98 whole 256 x 256 tiles (25,088 x 256 pixels) x 4 bytes = 25,690,112 bytes
    /// uncompressed, three of them 77,070,336, more than a 64 MiB disk (67,108,864 bytes) holds; weighed alone (main)
    /// each fitted in half the free space (33,554,432) and the run failed with "No space left on device". Weighed
    /// together, NDVI alone is staged uncompressed, SAVI and MSAVI2 compressed: the run succeeds and its files are
    /// byte for byte those of a run on a large disk.
    func testThreeIndicesOfAThinGridRunOnASmallDisk() throws {
        let b = try thinBands()
        let args = ["index", "--index", "ndvi,savi,msavi2", "--red", b.red, "--nir", b.nir, "-q"]
        let reference = tmp.file("reference")
        try run(args + ["-o", reference])
        let names = try FileManager.default.contentsOfDirectory(atPath: reference).sorted()
        XCTAssertEqual(names.filter { $0.hasSuffix(".tif") }.count, 3, "\(names)")
        try withSmallDisk(64 * 1024) { disk in
            let out = disk + "/i"
            try run(args + ["-o", out])
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), names)
            for name in names where name.hasSuffix(".tif") {
                XCTAssertEqual(FileManager.default.contents(atPath: out + "/" + name), FileManager.default.contents(atPath: reference + "/" + name), name)
            }
        }
    }

    /// With `--co COMPRESS=NONE` the three files take 77,070,336 bytes whatever is decided: refused on the 64 MiB disk
    /// before any is written (exit 4, one line naming the folder, the files and both sizes), nothing left behind.
    func testUncompressedIndicesThatCannotFitAreRefusedBeforeWriting() throws {
        let b = try thinBands()
        try withSmallDisk(64 * 1024) { disk in
            let out = disk + "/i"
            let r = try run(["index", "--index", "ndvi,savi,msavi2", "--red", b.red, "--nir", b.nir, "--co", "COMPRESS=NONE", "-o", out, "-q"], expect: 4)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(out + ": the run's uncompressed rasters (ndvi.tif, savi.tif, msavi2.tif) need 77.1 MB (77070336 bytes)"), r.stderr)
            XCTAssertTrue(r.stderr.contains("bytes) free"), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "nothing left behind")
        }
    }
}
