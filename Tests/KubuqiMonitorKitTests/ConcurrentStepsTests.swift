import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// `ConcurrentSteps`: every step runs, values come back in the order given, the error is the first
/// failing step's in that order whatever the timing, and a thread limit is kept.
final class ConcurrentStepsTests: XCTestCase {
    struct Failure: Error, Equatable { let step: Int }

    func testValuesComeBackInTheOrderGiven() throws {
        for threads in [nil, 1, 2, 3, 50] as [Int?] {
            let values = try ConcurrentSteps.results((0..<20).map { i in { () throws -> Int in
                usleep(UInt32((20 - i) * 200))   // later steps finish first
                return i * i
            } }, threads: threads)
            XCTAssertEqual(values, (0..<20).map { $0 * $0 }, "threads \(String(describing: threads))")
        }
    }

    func testEveryStepRunsAndTheFirstFailureInOrderIsThrown() {
        for threads in [nil, 1, 2] as [Int?] {
            let ran = ConcurrencyCounter()
            let steps: [() throws -> Void] = (0..<9).map { i in {
                ran.add()
                if i == 7 { throw Failure(step: 7) }
                if i == 3 { usleep(20_000); throw Failure(step: 3) }   // fails last in time, first in order
            } }
            XCTAssertThrowsError(try ConcurrentSteps.run(steps, threads: threads ?? steps.count)) {
                XCTAssertEqual($0 as? Failure, Failure(step: 3))
            }
            XCTAssertEqual(ran.value, 9, "every step runs to its end, threads \(String(describing: threads))")
        }
        XCTAssertThrowsError(try ConcurrentSteps.run([{ throw Failure(step: 0) }, { throw Failure(step: 1) }])) {
            XCTAssertEqual($0 as? Failure, Failure(step: 0))
        }
    }

    func testAThreadLimitIsKept() throws {
        for limit in [1, 2] {
            let running = ConcurrencyCounter(), peak = ConcurrencyCounter()
            _ = try ConcurrentSteps.results((0..<8).map { _ in {
                peak.raise(to: running.add())
                usleep(5_000)
                running.remove()
            } }, threads: limit)
            XCTAssertLessThanOrEqual(peak.value, limit)
            XCTAssertGreaterThanOrEqual(peak.value, 1)
        }
        XCTAssertEqual(try ConcurrentSteps.results([() throws -> Int](), threads: 2), [])
    }
}
