import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Output faults: a full disk, and extreme declared sizes.
final class OutputFaultTests: CLITestCase {
    /// A 96 KiB tmpfs: too small for a 256 x 256 Float32 raster without compression.
    func testFullDiskIsAnOutputErrorWithNothingLeft() throws {
        try withSmallDisk(96) { disk in
            let inputs = try TemporaryFolder()
            let values = (0..<(256 * 256)).map { Float($0 % 977) + 1 }
            let red = try TestRaster.write(inputs.file("red.tif"), width: 256, height: 256, values: values)
            let nir = try TestRaster.write(inputs.file("nir.tif"), width: 256, height: 256, values: values.map { $0 * 2 })
            let out = (disk as NSString).appendingPathComponent("ndvi.tif")
            let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", out, "--co", "COMPRESS=NONE", "-q"])
            XCTAssertEqual(r.status, 4, r.stderr)
            XCTAssertTrue(r.stderr.contains("ndvi.tif"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "nothing left on the full disk")
        }
    }

    /// A VRT declaring 200000 x 200000 pixels: described at once, and an index run over it streams
    /// (bounded memory) until interrupted, leaving nothing behind.
    func testExtremeDeclaredSize() throws {
        let tmp = try TemporaryFolder()
        let vrt = """
        <VRTDataset rasterXSize="200000" rasterYSize="200000">
          <SRS>EPSG:32649</SRS>
          <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>
          <VRTRasterBand dataType="UInt16" band="1"><NoDataValue>0</NoDataValue></VRTRasterBand>
        </VRTDataset>
        """
        try vrt.write(toFile: tmp.file("huge.vrt"), atomically: true, encoding: .utf8)
        let info = try CLIRunner.run(["info", "--json", tmp.file("huge.vrt")])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("200000"), info.stdout)
        let (p, _, _) = try CLIRunner.start(["index", "ndvi", "--red", tmp.file("huge.vrt"), "--nir", tmp.file("huge.vrt"), "-o", tmp.file("o.tif"), "-q"])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try !tmp.contents().contains(where: { ($0.contains(".part-") || $0.contains(".kubuqi-tmp")) }) { usleep(20_000) }
        usleep(500_000)
        XCTAssertTrue(p.isRunning, "still streaming, not crashed")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 143)
        XCTAssertEqual(try tmp.contents(), ["huge.vrt"])
    }
}
