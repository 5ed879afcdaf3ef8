import Foundation
import KubuqiIndicators
@testable import KubuqiMonitorKit
import XCTest

/// `LDNChunkScratch` and `LDNScratchPool`: a reused scratch starts every chunk as a new one did (nodata codes, the
/// chunk's size), and a pass holds no more scratches than threads ran its chunks.
final class LDNChunkScratchTests: XCTestCase {
    func testResetGivesNodataCodesOfTheChunksSize() {
        let layer = Int16Scratch(4)
        defer { layer.free() }
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 4))
        layer.buffer.update(repeating: 1)
        layer.reset(count: 9)   // grows
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 9))
        layer.buffer.update(repeating: -1)
        layer.reset(count: 3)   // shrinks the view, keeps the storage
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 3))
    }

    func testAPoolReusesItsScratchAndResetsEveryLayer() {
        let pool = LDNScratchPool()
        let first = pool.with(count: 10) { s -> ObjectIdentifier in
            for l in LDNPeriod.Layer.allCases { s[l].buffer.update(repeating: 2) }
            for l in [s.lcStart, s.lcEnd, s.trajectoryStatus] { l.buffer.update(repeating: 3) }
            s.stack(25 * 10).update(repeating: 7)
            return ObjectIdentifier(s)
        }
        pool.with(count: 6) { s in
            XCTAssertEqual(ObjectIdentifier(s), first, "one chunk at a time: the same scratch")
            for l in LDNPeriod.Layer.allCases {
                XCTAssertEqual(Array(s[l].buffer), Array(repeating: DegradationStatus.nodata, count: 6), "\(l)")
            }
            for l in [s.lcStart, s.lcEnd, s.trajectoryStatus] {
                XCTAssertEqual(Array(l.buffer), Array(repeating: DegradationStatus.nodata, count: 6))
            }
            XCTAssertEqual(s.stack(25 * 6).count, 150)
            XCTAssertEqual(s.stack(25 * 20).count, 500, "the stack grows to the chunk asked for")
        }
    }

    func testAPoolHoldsNoMoreScratchesThanThreadsRanChunks() {
        let pool = LDNScratchPool()
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var scratches = Set<ObjectIdentifier>(), threads = Set<UInt>()
        }
        let seen = Seen()
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            pool.with(count: 100 + i % 7) { s in
                seen.lock.withLock { _ = seen.scratches.insert(ObjectIdentifier(s)); _ = seen.threads.insert(UInt(pthread_self())) }
                XCTAssertEqual(s[.sdg].buffer.count, 100 + i % 7)
                XCTAssertTrue(s[.sdg].buffer.allSatisfy { $0 == DegradationStatus.nodata })
                s[.sdg].buffer.update(repeating: Int16(i % 3))
                usleep(200)
            }
        }
        XCTAssertGreaterThan(seen.scratches.count, 0)
        // A scratch is made only when every one is held, each by another thread: no more than the threads that ran.
        XCTAssertLessThanOrEqual(seen.scratches.count, seen.threads.count)
    }
}
