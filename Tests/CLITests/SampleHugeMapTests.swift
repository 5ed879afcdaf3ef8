import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// `sample` on a map declaring 10^6 x 10^6 pixels (a VRT of a few hundred bytes) ran until stopped: its two
/// passes read every pixel, about 20 ns each, some 11 CPU hours (audit, session 13). A map over
/// `--max-pixels` (default 2^34) is now refused before any pixel is read: exit 3, one line naming the file,
/// the declared size and the option, nothing left.
final class SampleHugeMapTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A VRT of `width` x `height` Byte pixels with no source (zeros), nodata 0.
    func map(_ name: String, width: Int, height: Int) throws -> String {
        let xml = "<VRTDataset rasterXSize=\"\(width)\" rasterYSize=\"\(height)\">\n  <SRS>EPSG:32649</SRS>\n"
            + "  <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>\n"
            + "  <VRTRasterBand dataType=\"Byte\" band=\"1\"><NoDataValue>0</NoDataValue></VRTRasterBand>\n</VRTDataset>\n"
        try xml.write(toFile: tmp.file(name), atomically: true, encoding: .utf8)
        return tmp.file(name)
    }

    func testAHugeDeclaredMapIsRefusedBeforeAnyPixelIsRead() throws {
        let huge = try map("huge.vrt", width: 1_000_000, height: 1_000_000)
        let started = Date()
        let r = try CLIRunner.run(["sample", huge, "-o", tmp.file("sample"), "-q"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "refused at once")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)")
        // 10^6 x 10^6 = 10^12 > 2^34 = 17179869184.
        for m in ["huge.vrt", "1000000 x 1000000 = 1000000000000 pixels", "(17179869184, --max-pixels)", "--max-pixels 1000000000000"] {
            XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)")
        }
        XCTAssertEqual(try tmp.contents(), ["huge.vrt"], "nothing left")
    }

    func testTheLimitIsInclusiveAndChecked() throws {
        // A 16 x 16 class map of 256 pixels, classes 1 and 2.
        try TestRaster.write(tmp.file("map.tif"), width: 16, height: 16, values: (0..<256).map { Float($0 % 2 + 1) }, type: .byte)
        let refused = try CLIRunner.run(["sample", tmp.file("map.tif"), "--size", "4", "--min-per-class", "2", "--max-pixels", "255", "-o", tmp.file("s1"), "-q"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("16 x 16 = 256 pixels, more than sample reads (255, --max-pixels)"), refused.stderr)
        let ok = try CLIRunner.run(["sample", tmp.file("map.tif"), "--size", "4", "--min-per-class", "2", "--max-pixels", "256", "-o", tmp.file("s2"), "-q"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("s2/design.json")))
        let zero = try CLIRunner.run(["sample", tmp.file("map.tif"), "--max-pixels", "0", "-o", tmp.file("s3"), "-q"])
        XCTAssertEqual(zero.status, 2, zero.stderr)
        XCTAssertTrue(zero.stderr.contains("--max-pixels"), zero.stderr)
    }
}
