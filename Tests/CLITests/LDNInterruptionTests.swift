import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// An `ldn` run interrupted by SIGINT leaves the previous report and layers as they were.
final class LDNInterruptionTests: CLITestCase {
    /// Sparse rasters of `size` x `size` (unwritten tiles read as 0): quick to make, slow enough to interrupt.
    func writeSparseRegion(_ tmp: TemporaryFolder, size: Int) throws -> String {
        func make(_ name: String, bands: Int, type: RasterDataType, nodata: Double?) throws -> Dataset {
            let ds = try Dataset.create(tmp.file(name), width: size, height: size, bands: bands, type: type,
                                        options: CreationOptions(parsing: ["TILED=YES", "SPARSE_OK=TRUE"]))
            try ds.setGeoTransform(TestRaster.utm49Transform)
            try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
            if let nodata { for b in 1...bands { try ds.band(b).setNodata(nodata) } }
            return ds
        }
        let stack = try make("ndvi.tif", bands: 11, type: .float32, nodata: nil)
        for k in 0..<11 { try stack.band(k + 1).setDescription(String(2000 + k)) }
        try stack.close()
        try make("lc.tif", bands: 1, type: .byte, nodata: 0).close()
        try make("soc.tif", bands: 1, type: .float32, nodata: nil).close()
        let config = """
        [productivity]
        stack = "ndvi.tif"
        [landcover]
        maps = { 2000 = "lc.tif" }
        [soc]
        baseline = "soc.tif"
        [periods]
        baseline = [2000, 2010]
        """
        try config.write(toFile: tmp.file("big.toml"), atomically: true, encoding: .utf8)
        return tmp.file("big.toml")
    }

    func testSIGINTKeepsThePreviousReport() throws {
        let tmp = try TemporaryFolder()
        let small = try TemporaryFolder()
        let smallConfig = try LDNTestRegion.write(small)
        let out = tmp.file("out")
        let first = try CLIRunner.run(["ldn", "--config", smallConfig, "-o", out, "-q"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
        let sdgBefore = try Data(contentsOf: URL(fileURLWithPath: out + "/baseline/sdg-15-3-1.tif"))

        let big = try writeSparseRegion(tmp, size: 1500)
        let (p, _, err) = try CLIRunner.start(["ldn", "--config", big, "-o", out, "-q"])
        let deadline = Date().addingTimeInterval(30)
        func staged() -> Bool {
            guard let items = try? FileManager.default.subpathsOfDirectory(atPath: out) else { return false }
            return items.contains { $0.contains(".kubuqi-work") && $0.hasSuffix(".tif") }
        }
        while Date() < deadline && !staged() { usleep(20_000) }
        XCTAssertTrue(p.isRunning, "the run must still be going when interrupted")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 130, stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/report.json")), before, "previous report intact")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/baseline/sdg-15-3-1.tif")), sdgBefore, "previous layer intact")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out).contains { $0.hasPrefix(".kubuqi-work") }, "no staging left")
        // A re-run after the interruption completes normally.
        let again = try CLIRunner.run(["ldn", "--config", smallConfig, "-o", out, "-q"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/report.json")), before)
    }

    /// A run into a new folder, interrupted while it stages its layers: the folder it created goes whole, the inputs
    /// are byte for byte as they were.
    func testSIGINTRemovesTheNewOutputFolder() throws {
        let tmp = try TemporaryFolder()
        let big = try writeSparseRegion(tmp, size: 1500)
        let inputs = try tmp.contents()
        let before = try inputs.map { try Data(contentsOf: URL(fileURLWithPath: tmp.file($0))) }
        let out = tmp.file("new")
        let (p, _, err) = try CLIRunner.start(["ldn", "--config", big, "-o", out, "-q"])
        let deadline = Date().addingTimeInterval(60)
        func staged() -> Bool {
            (FileManager.default.subpaths(atPath: out) ?? []).contains { $0.contains(".kubuqi-work") && $0.hasSuffix(".tif") }
        }
        while Date() < deadline && p.isRunning && !staged() { usleep(10_000) }
        XCTAssertTrue(p.isRunning, "the run must still be going when interrupted")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 130, stderr)
        XCTAssertEqual(try tmp.contents(), inputs, "the new folder and everything in it gone")
        XCTAssertEqual(try inputs.map { try Data(contentsOf: URL(fileURLWithPath: tmp.file($0))) }, before, "inputs untouched")
    }
}
