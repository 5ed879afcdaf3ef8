import Foundation
import KubuqiGDAL
import TestSupport
import XCTest

/// SIGINT and SIGTERM in the middle of a write leave no output and no temporary file.
final class InterruptionTests: CLITestCase {
    /// `folder`: several indices into a new output folder, which must go too.
    func interrupt(with signal: Int32, expecting code: Int32, folder: Bool = false) throws {
        let tmp = try TemporaryFolder()
        // Large sparse inputs: quick to create, long enough to compute that the signal lands mid-run.
        let size = 12_000
        for name in ["red.tif", "nir.tif"] {
            let ds = try Dataset.create(tmp.file(name), width: size, height: size, bands: 1, type: .uint16,
                                        options: CreationOptions(parsing: ["TILED=YES", "SPARSE_OK=TRUE"]))
            try ds.setGeoTransform(TestRaster.utm49Transform)
            try ds.close()
        }
        let what = folder ? ["index", "--index", "ndvi,savi", "-o", tmp.file("new")] : ["index", "ndvi", "-o", tmp.file("ndvi.tif")]
        let (p, _, err) = try CLIRunner.start(what + ["--red", tmp.file("red.tif"), "--nir", tmp.file("nir.tif")])
        // Wait until the temporary file exists, i.e. the write has begun.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(FileManager.default.subpaths(atPath: tmp.path) ?? []).contains(where: { ($0.contains(".part-") || $0.contains(".kubuqi-tmp")) }) {
            usleep(20_000)
        }
        XCTAssertTrue(p.isRunning, "the run must still be going when interrupted")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, code, stderr)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        XCTAssertEqual(try tmp.contents(), ["nir.tif", "red.tif"], "neither output nor temporary file remains")
    }

    func testSIGINTRemovesTheOutputFolderItCreated() throws { try interrupt(with: SIGINT, expecting: 130, folder: true) }

    /// The demo interrupted after generating its fixtures into a folder it created: what it put there goes (its fixtures
    /// moved into place and noted as its own, session 17), then the folder, nothing else being in it.
    func testSIGINTRemovesAHalfMadeDemoFolder() throws {
        let tmp = try TemporaryFolder()
        let (p, _, err) = try CLIRunner.start(["demo", "-o", "DI", "-q"], in: tmp.path)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !FileManager.default.fileExists(atPath: tmp.file("DI/fixtures")) { usleep(20_000) }
        XCTAssertTrue(p.isRunning, "the demo must still be going when interrupted")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 130, stderr)
        XCTAssertEqual(try tmp.contents(), [], "nothing of the demo remains")
    }

    func testSIGINTLeavesNoPartialOutput() throws { try interrupt(with: SIGINT, expecting: 130) }
    func testSIGTERMLeavesNoPartialOutput() throws { try interrupt(with: SIGTERM, expecting: 143) }
}
