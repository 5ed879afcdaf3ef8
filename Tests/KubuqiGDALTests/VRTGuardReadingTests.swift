@testable import KubuqiGDAL
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// ``VRTGuard``'s readings are kept per file identity (session 17: `stack` reopened a many-band VRT
/// for each group of 32 observations and searched its whole text each time). The guard must still see
/// every change to a file: a VRT replaced by one with a raw band, in place or renamed over, is refused.
final class VRTGuardReadingTests: XCTestCase {
    func vrt(_ body: String) -> String {
        #"<VRTDataset rasterXSize="1" rasterYSize="1">"# + body + "</VRTDataset>\n"
    }

    func testAReplacedVRTIsReadAgain() throws {
        let tmp = try TemporaryFolder()
        let tif = try TestRaster.write(tmp.file("one.tif"), width: 1, height: 1, values: [0.5])
        let plain = vrt(#"<VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="1">one.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>"#
            + #"<VRTRasterBand dataType="Float32" band="2"><SimpleSource><SourceFilename relativeToVRT="1">one.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>"#)
        let raw = vrt(#"<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand"><SourceFilename relativetoVRT="1">one.tif</SourceFilename></VRTRasterBand>"#)
        let path = tmp.file("a.vrt")
        try plain.write(toFile: path, atomically: false, encoding: .utf8)
        // Two bands over one file: one source, listed once.
        guard case .sources(let s) = VRTGuard.reading(path) else { return XCTFail("a VRT reading one file") }
        XCTAssertEqual(s, [tif])
        XCTAssertNoThrow(try VRTGuard.check(path))
        XCTAssertNoThrow(try Dataset.open(path))
        // Rewritten in place (same inode, another size and time), then renamed over (another inode).
        try raw.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try VRTGuard.check(path)) { XCTAssertTrue("\($0)".contains("VRTRawRasterBand"), "\($0)") }
        XCTAssertThrowsError(try Dataset.open(path))
        try plain.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try VRTGuard.check(path))
        try raw.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VRTGuard.check(path))
        // A file that is not a VRT, and one that does not exist.
        guard case .notVRT = VRTGuard.reading(tif), case .notVRT = VRTGuard.reading(tmp.file("none.vrt")) else { return XCTFail("not VRTs") }
    }

    /// A VRT kept from an earlier reading (modified long enough ago) and rewritten in place with the same size and the
    /// same modification time (a file system with coarse times): its status-change time differs, so it is read again.
    /// A file modified within ``VRTGuard/settled`` seconds is not kept at all.
    func testASameSizeRewriteWithTheSameTimeIsReadAgain() throws {
        let tmp = try TemporaryFolder()
        _ = try TestRaster.write(tmp.file("one.tif"), width: 1, height: 1, values: [0.5])
        let plain = vrt(#"<VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="1">one.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>"#)
        var raw = vrt(#"<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand"><SourceFilename relativetoVRT="1">one.tif</SourceFilename></VRTRasterBand>"#)
        XCTAssertLessThan(raw.utf8.count, plain.utf8.count)
        raw += String(repeating: " ", count: plain.utf8.count - raw.utf8.count)
        let path = tmp.file("a.vrt")
        let old = timespec(tv_sec: time(nil) - 60, tv_nsec: 0)
        func setTimes() { var t = [old, old]; XCTAssertEqual(utimensat(AT_FDCWD, path, &t, 0), 0) }
        try plain.write(toFile: path, atomically: false, encoding: .utf8)
        setTimes()
        XCTAssertNoThrow(try VRTGuard.check(path))   // read and kept
        sleep(1)   // another status-change second
        try raw.write(toFile: path, atomically: false, encoding: .utf8)
        setTimes()
        XCTAssertThrowsError(try VRTGuard.check(path)) { XCTAssertTrue("\($0)".contains("VRTRawRasterBand"), "\($0)") }
    }
}
