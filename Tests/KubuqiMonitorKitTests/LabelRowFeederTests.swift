import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// The reorder buffer between a pass's workers and the polygonizer: rectangles deposited in any order, from
/// several threads, come out as the raster's rows from the top, in bounded memory, and a cancel ends the drain.
final class LabelRowFeederTests: XCTestCase {
    /// The label of pixel (row, column) of the test raster: a hand-made pattern, distinct per pixel.
    private static func label(_ r: Int, _ c: Int) -> Int32 { Int32(r * 1000 + c + 1) }

    /// The chunks of a grid cut into windows of `wr` x `wc` and each window into chunks of `cr` rows.
    private func chunks(width: Int, height: Int, wr: Int, wc: Int, cr: Int) -> [[(rows: Range<Int>, columns: Range<Int>)]] {
        var windows: [[(rows: Range<Int>, columns: Range<Int>)]] = []
        for r0 in stride(from: 0, to: height, by: wr) {
            for c0 in stride(from: 0, to: width, by: wc) {
                let cols = c0..<min(width, c0 + wc)
                windows.append(stride(from: r0, to: min(height, r0 + wr), by: cr).map { ($0..<min(height, r0 + wr, $0 + cr), cols) })
            }
        }
        return windows
    }

    /// Drains `feeder` on a thread of its own; the rows it handed over.
    private func drained(_ feeder: LabelRowFeeder) -> () -> Result<[[Int32]], Error> {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<[[Int32]], Error>?
        Thread {
            var rows: [[Int32]] = []
            result = Result { try feeder.drain { rows.append(Array($0)) }; return rows }
            done.signal()
        }.start()
        return { done.wait(); return result! }
    }

    private static func deposit(_ feeder: LabelRowFeeder, _ chunk: (rows: Range<Int>, columns: Range<Int>)) {
        feeder.deposit(rows: chunk.rows, columns: chunk.columns) { r, out in
            for (i, c) in chunk.columns.enumerated() { out[i] = Self.label(r, c) }
        }
    }

    /// Windows computed in order (as StreamedCalculation does), the chunks of each on several threads in a shuffled
    /// order, windows narrower than the grid: the rows come out whole and in order, and at most lead + one window's
    /// rows are held.
    func testChunksOfEachWindowOutOfOrderComeOutAsRowsInOrder() throws {
        let width = 37, height = 53, lead = 4
        let feeder = LabelRowFeeder(width: width, height: height, lead: lead)
        let consumer = drained(feeder)
        var rng = SystemRandomNumberGenerator()
        for window in chunks(width: width, height: height, wr: 8, wc: 16, cr: 3) {
            let shuffled = window.shuffled(using: &rng)
            DispatchQueue.concurrentPerform(iterations: shuffled.count) { Self.deposit(feeder, shuffled[$0]) }
        }
        let rows = try consumer().get()
        XCTAssertEqual(rows.count, height)
        for r in 0..<height { XCTAssertEqual(rows[r], (0..<width).map { Self.label(r, $0) }, "row \(r)") }
        XCTAssertLessThanOrEqual(feeder.peakRows, lead + 8, "lead + one window's rows")
    }

    /// Every chunk of the whole grid in a random order on several threads, with a lead of one row (deposits far
    /// ahead wait): no deadlock, the same rows.
    func testWholeGridInRandomOrderWithATinyLead() throws {
        let width = 23, height = 41
        for _ in 0..<5 {
            let feeder = LabelRowFeeder(width: width, height: height, lead: 1)
            let consumer = drained(feeder)
            let all = chunks(width: width, height: height, wr: 6, wc: 10, cr: 2).flatMap { $0 }.shuffled()
            DispatchQueue.concurrentPerform(iterations: all.count) { Self.deposit(feeder, all[$0]) }
            let rows = try consumer().get()
            XCTAssertEqual(rows, (0..<height).map { r in (0..<width).map { Self.label(r, $0) } })
        }
    }

    /// A cancel before the last row: the drain throws Cancelled, later deposits return at once.
    func testCancelEndsTheDrain() {
        let feeder = LabelRowFeeder(width: 5, height: 10, lead: 2)
        let consumer = drained(feeder)
        Self.deposit(feeder, (0..<3, 0..<5))
        feeder.cancel()
        Self.deposit(feeder, (3..<10, 0..<5))
        guard case .failure(let e) = consumer() else { return XCTFail("the drain ended without an error") }
        XCTAssertTrue(e is LabelRowFeeder.Cancelled)
    }

    /// A consumer that throws stops the feeder: deposits waiting for it, and later ones, return.
    func testConsumerErrorReleasesTheDeposits() {
        struct Stop: Error {}
        let feeder = LabelRowFeeder(width: 4, height: 100, lead: 1)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? feeder.drain { _ in throw Stop() }
            done.signal()
        }.start()
        // Rows 0...99 from the bottom up: the later ones wait until row 0 arrives and the consumer throws.
        DispatchQueue.concurrentPerform(iterations: 100) { Self.deposit(feeder, ((99 - $0)..<(100 - $0), 0..<4)) }
        done.wait()
    }
}
