import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// A `stack` run that fails after its set-up (which starts hashing the inputs on an idle-priority thread) stops that
/// hashing before its error goes up: a thread still inside libcrypto when the process's exit handlers ran corrupted the
/// heap (CI, session 17: `stack SERIES -o FIFO` printed its refusal and then ended as a crash, exit 138, "interrupted
/// by SIGUSR1"; reproduced under load as "malloc_consolidate(): unaligned fastbin chunk detected", the hashing thread
/// in `EVP_MD_fetch` while `exit` ran the handlers).
final class StackFailedRunTests: XCTestCase {
    /// A series of 24 monthly 4 x 4 bands padded to 1 GiB (a sparse tail GDAL does not read, which hashing takes
    /// about a second to read, so that the hashing is under way when the output is refused): refused at its FIFO
    /// output, the run leaves no hashing thread behind (without the drain: 1 left, checked).
    func testARefusedOutputStopsTheInputsHashing() throws {
        #if os(Linux)
        let tmp = try TemporaryFolder()
        let series = tmp.file("series.tif")
        let ds = try Dataset.create(series, width: 4, height: 4, bands: 24, type: .float32)
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        for t in 0..<24 {
            let band = try ds.band(t + 1)
            band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-15")
            let v = (0..<16).map { Float(($0 * 7 + t * 13) % 50 + 1) / 100 }
            try v.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 4, height: 4), from: $0) }
        }
        try ds.close()
        XCTAssertEqual(truncate(series, 1 << 30), 0)
        let fifo = tmp.file("fifo")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertEqual(InputDigests.idleThreadsRunning.load(ordering: .relaxed), 0)
        XCTAssertThrowsError(try StackJob.run(StackOptions(inputs: [series], output: fifo))) { e in
            XCTAssertTrue("\(e)".contains("FIFO"), "\(e)")
        }
        XCTAssertEqual(InputDigests.idleThreadsRunning.load(ordering: .relaxed), 0, "the hashing thread is still running")
        #endif
    }
}
