@testable import KubuqiMonitorKit
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// A run's ledger kept open pass after pass (RunStagingLedger), against hand-worked sums.
final class RunStagingLedgerTests: XCTestCase {
    /// One Float32 index of 25,000 x 1 pixels staged for a COG in `folder`: 25,088 x 256 x 4 = 25,690,112 bytes uncompressed.
    func index(_ name: String, compress: String? = nil) -> StagingLedger.Entry {
        var options = CreationOptions()
        if let compress { options.set("COMPRESS", compress) }
        let spec = RasterOutputSpec(path: "/out/" + name, encoding: .float32, creationOptions: options, storage: .stagedForCOG)
        return StagingLedger.Entry(name: name, spec: spec, width: 25_000, height: 1, bands: 1)
    }

    /// 64 MiB free (half: 33,554,432): the first pass's file is staged uncompressed (25,690,112), the second pass's two
    /// would pass half the free space with it (51,380,224 and more): compressed; the reservation carries over.
    func testPassesAfterTheFirstContinueItsRunningTotal() throws {
        let run = RunStagingLedger(folder: "/out", covering: ["/out/.work"], freeBytes: 67_108_864)
        XCTAssertEqual(index("a.tif").uncompressedBytes, 25_690_112)
        XCTAssertEqual(try run.plan([index("a.tif")]), [true])
        XCTAssertEqual(run.reservations.bytes, 25_690_112)
        XCTAssertEqual(try run.plan([index("b.tif"), index("c.tif")]), [false, false])
        XCTAssertEqual(run.reservations.bytes, 25_690_112)
        // The same three weighed in one plan decide the same.
        XCTAssertEqual(try StagingLedger(folder: "/out", freeBytes: 67_108_864).plan([index("a.tif"), index("b.tif"), index("c.tif")]), [true, false, false])
    }

    /// Uncompressed anyway: 25,690,112 then 51,380,224 fit 64 MiB, a third (77,070,336) does not: refused naming all three.
    func testUncompressedRastersOfSeveralPassesAreRefusedTogether() throws {
        let run = RunStagingLedger(folder: "/out", covering: [], freeBytes: 67_108_864)
        XCTAssertEqual(try run.plan([index("a.tif", compress: "NONE"), index("b.tif", compress: "NONE")]), [true, true])
        XCTAssertThrowsError(try run.plan([index("c.tif", compress: "NONE")])) { e in
            XCTAssertEqual((e as? KubuqiError)?.kind, .output)
            XCTAssertEqual((e as? KubuqiError)?.message, "/out: the run's uncompressed rasters (a.tif, b.tif, c.tif) need 77.1 MB (77070336 bytes) "
                + "and the file system has 67.1 MB (67108864 bytes) free; free some space, write elsewhere or drop COMPRESS=NONE")
        }
    }

    /// A spec created under an open ledger's folder is weighed by it; outside, or once closed, it is not.
    func testSpecsUnderAnOpenLedgerAreWeighedByIt() throws {
        let run = RunStagingLedger(folder: "/out", covering: ["/out/.work"], freeBytes: 67_108_864)
        let grid = Grid(width: 25_000, height: 1, geoTransform: GeoTransform([0, 1, 0, 0, 0, -1]), crsWKT: "")
        let spec = index("a.tif").spec
        try run.whileOpen {
            XCTAssertTrue(RunStagingLedger.covering("/out/.work/stage/a.tif") === run)
            XCTAssertNil(RunStagingLedger.covering("/out/.workshop/a.tif"))
            XCTAssertEqual(try spec.weighed(at: "/out/.work/stage/a.tif", grid: grid).stagingDecided, true)
            XCTAssertEqual(try spec.weighed(at: "/out/.work/stage/b.tif", grid: grid).stagingDecided, false)
            XCTAssertNil(try spec.weighed(at: "/elsewhere/a.tif", grid: grid).stagingDecided)
        }
        XCTAssertNil(RunStagingLedger.covering("/out/.work/stage/a.tif"))
    }

    /// A scratch raster (uncompressed whatever is decided) is reserved as such, refused when it cannot fit (without
    /// suggesting COMPRESS=NONE be dropped), and given back when the run removes it: 4 sums of 25,690,112 bytes
    /// (102,760,448) fit 120 MiB (125,829,120), a fifth (128,450,560 in all) does not until one is removed.
    func testScratchRastersAreGivenBackWhenRemoved() throws {
        let tmp = try TemporaryFolder()
        let run = RunStagingLedger(folder: tmp.path, covering: [tmp.path], freeBytes: 125_829_120)
        func sums(_ k: Int) -> StagingLedger.Entry {
            let spec = RasterOutputSpec(path: tmp.file("means-\(k).tif"), encoding: .float32, storage: .scratch)
            return StagingLedger.Entry(name: "means-\(k).tif", spec: spec, width: 25_000, height: 1, bands: 1)
        }
        XCTAssertEqual(try run.plan((0..<4).map(sums)), [true, true, true, true])
        XCTAssertEqual(run.reservations.fixedBytes, 102_760_448)
        XCTAssertThrowsError(try run.plan([sums(4)])) { e in
            XCTAssertEqual((e as? KubuqiError)?.message, "\(tmp.path): the run's uncompressed rasters (means-0.tif, means-1.tif, means-2.tif, means-3.tif, "
                + "means-4.tif) need 128.5 MB (128450560 bytes) and the file system has 125.8 MB (125829120 bytes) free; free some space or write elsewhere")
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: tmp.file("means-0.tif")))
        run.whileOpen { RunStagingLedger.removeScratch(tmp.file("means-0.tif")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("means-0.tif")))
        XCTAssertEqual(run.reservations.fixedBytes, 77_070_336)
        XCTAssertEqual(run.reservations.fixedNames, ["means-1.tif", "means-2.tif", "means-3.tif"])
        XCTAssertEqual(try run.plan([sums(4)]), [true])
    }
}
