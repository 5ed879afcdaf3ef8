import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// `PublishingBudget` (how many of `ldn`'s COG copies run at once): its limit is kept, counted here
/// independently of the gate; raising it lets the steps waiting on it start together; a step that throws
/// gives its place back.
final class PublishingBudgetTests: XCTestCase {
    func testTheLimitIsKept() {
        for limit in [1, 2] {
            let budget = PublishingBudget(limit: limit)
            let running = ConcurrencyCounter(), peak = ConcurrencyCounter()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                budget.run {
                    peak.raise(to: running.add())
                    usleep(5_000)
                    running.remove()
                }
            }
            XCTAssertEqual(peak.value, min(limit, ProcessInfo.processInfo.activeProcessorCount), "limit \(limit)")
            XCTAssertEqual(budget.peak, peak.value)
        }
    }

    func testRaisingTheLimitLetsTheWaitingStepsStartTogether() {
        let budget = PublishingBudget(limit: 1)
        let running = ConcurrencyCounter(), peak = ConcurrencyCounter(), group = DispatchGroup()
        let threads = (0..<3).map { _ in Thread {
            budget.run {
                peak.raise(to: running.add())
                usleep(200_000)
                running.remove()
            }
            group.leave()
        } }
        for t in threads { group.enter(); t.start() }
        usleep(100_000)
        XCTAssertEqual(running.value, 1, "one step at a time before the limit is raised")
        budget.setLimit(3)
        usleep(50_000)
        // The two steps waiting start at once (without a wake-up they would wait for the first step's end).
        XCTAssertEqual(running.value, 3)
        group.wait()
        XCTAssertEqual(peak.value, 3)
    }

    func testAStepThatThrowsGivesItsPlaceBack() {
        struct Failure: Error {}
        let budget = PublishingBudget(limit: 1)
        XCTAssertThrowsError(try budget.run { throw Failure() })
        let done = expectation(description: "the next step runs")
        DispatchQueue.global().async { budget.run { done.fulfill() } }
        wait(for: [done], timeout: 5)
    }
}
