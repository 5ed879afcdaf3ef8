@testable import KubuqiGDAL
import Foundation
import XCTest

/// The producer / consumer hand-over of ``BatchPipe``: every item in order on another thread, bounded
/// waiting, either side's failure stopping the other with every item not consumed discarded once.
final class BatchPipeTests: XCTestCase {
    /// Items counted under a lock (the consumer's thread and the test's).
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Int] = [], discarded: [Int] = [], threads = Set<String>()
        func consumed(_ i: Int) { lock.withLock { items.append(i); threads.insert("\(Thread.current)") } }
        func discard(_ i: Int) { lock.withLock { discarded.append(i) } }
        var all: (consumed: [Int], discarded: [Int], threads: Int) { lock.withLock { (items, discarded, threads.count) } }
    }

    struct Failure: Error, Equatable { let side: String }

    func testEveryItemInOrderOnAnotherThread() throws {
        for (count, batch, capacity) in [(0, 4, 1), (1, 4, 1), (10_007, 16, 2), (64, 16, 1), (5_000, 1, 3)] {
            let tally = Tally()
            let caller = "\(Thread.current)"
            var otherThread = true
            try BatchPipe<Int>.run(batch: batch, capacity: capacity, consume: { i in
                tally.consumed(i)
            }, discard: { tally.discard($0) }) { send in
                for i in 0..<count { try send(i) }
            }
            let all = tally.all
            XCTAssertEqual(all.consumed, Array(0..<count), "\(count) in batches of \(batch)")
            XCTAssertTrue(all.discarded.isEmpty)
            if count > 0 { otherThread = all.threads == 1 && !caller.isEmpty }
            XCTAssertTrue(otherThread)
        }
    }

    /// The producer runs ahead of the consumer by at most capacity x batch items (+ the batch it is filling).
    func testProducerWaitsForTheConsumer() throws {
        let tally = Tally()
        let consumed = Tally()
        try BatchPipe<Int>.run(batch: 10, capacity: 2, consume: { i in
            if i == 0 { Thread.sleep(forTimeInterval: 0.2) }
            consumed.consumed(i)
        }, discard: { tally.discard($0) }) { send in
            for i in 0..<200 {
                try send(i)
                // Sent i + 1 items; the consumer is stuck on item 0 for the first 0.2 s.
                if consumed.all.consumed.isEmpty { XCTAssertLessThanOrEqual(i + 1, 10 + 2 * 10 + 10, "sent \(i + 1) while none consumed") }
            }
        }
        XCTAssertEqual(consumed.all.consumed, Array(0..<200))
    }

    func testConsumerFailureStopsTheProducer() {
        let tally = Tally()
        var sent = 0
        XCTAssertThrowsError(try BatchPipe<Int>.run(batch: 8, capacity: 2, consume: { i in
            defer { tally.consumed(i) }   // owned even when it fails
            if i == 100 { throw Failure(side: "consumer") }
        }, discard: { tally.discard($0) }) { send in
            for i in 0..<100_000 { try send(i); sent += 1 }
        }) { XCTAssertEqual($0 as? Failure, Failure(side: "consumer")) }
        let all = tally.all
        XCTAssertEqual(all.consumed, Array(0...100))
        XCTAssertLessThan(sent, 1000, "the producer stopped soon")
        // Every item sent is consumed or discarded exactly once.
        XCTAssertEqual((all.consumed + all.discarded).sorted(), Array(0..<(all.consumed.count + all.discarded.count)))
        XCTAssertGreaterThanOrEqual(all.consumed.count + all.discarded.count, sent)
    }

    func testProducerFailureStopsTheConsumer() {
        let tally = Tally()
        XCTAssertThrowsError(try BatchPipe<Int>.run(batch: 8, capacity: 2, consume: { tally.consumed($0) }, discard: { tally.discard($0) }) { send in
            for i in 0..<50 { try send(i) }
            throw Failure(side: "producer")
        }) { XCTAssertEqual($0 as? Failure, Failure(side: "producer")) }
        let all = tally.all
        XCTAssertEqual((all.consumed + all.discarded).sorted(), Array(0..<50), "each item consumed or discarded once")
        XCTAssertEqual(all.consumed, Array(0..<all.consumed.count), "consumed in order")
    }
}
