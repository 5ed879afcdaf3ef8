import Foundation
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// A `stack` run that fails after its set-up (which starts hashing the inputs on an idle-priority thread) stops that
/// hashing before its error goes up: a thread still inside libcrypto when the process's exit handlers ran corrupted the
/// heap (CI, session 17: `stack SERIES -o FIFO` printed its refusal and then ended as a crash, exit 138, "interrupted
/// by SIGUSR1"; reproduced under load as "malloc_consolidate(): unaligned fastbin chunk detected", the hashing thread
/// in `EVP_MD_fetch` while `exit` ran the handlers).
final class StackFailedRunTests: XCTestCase {
    /// A series of 24 monthly 4 x 1 bands padded to 1 GiB (a sparse tail GDAL does not read, which hashing takes
    /// about a second to read, so that the hashing is under way when the output is refused): refused at its FIFO
    /// output, the run leaves no hashing thread behind (without the drain: 1 left, checked).
    func testARefusedOutputStopsTheInputsHashing() throws {
        #if os(Linux)
        let tmp = try TemporaryFolder()
        let series = try TestRaster.thinMonthlySeries(tmp.file("series.tif"), width: 4, months: 24, seed: 3) { Float($0.unit()) }
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
