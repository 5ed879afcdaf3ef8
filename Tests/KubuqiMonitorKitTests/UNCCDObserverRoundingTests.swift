@testable import KubuqiMonitorKit
import XCTest

/// `UNCCDObserver.rounded`, the SOC stock's grams per pixel rounded without libm: half away from zero, the Doubles
/// just below a half, and beyond 2^52 (the `rounded()` path), by hand.
final class UNCCDObserverRoundingTests: XCTestCase {
    func testHalvesNearHalvesAndLargeValuesByHand() {
        let below = 0.49999999999999994   // the largest Double below 0.5
        let cases: [(Double, Int64)] = [
            (0, 0), (-0.0, 0), (0.5, 1), (-0.5, -1), (2.5, 3), (-2.5, -3), (below, 0), (-below, 0), (1.4999999999999998, 1),
            (3_602_000.4, 3_602_000), (3_602_000.5, 3_602_001), (4_503_599_627_370_495.5, 4_503_599_627_370_496),
            (0x1p52 + 1, 4_503_599_627_370_497), (-0x1p60, -1_152_921_504_606_846_976),
        ]
        for (x, expected) in cases { XCTAssertEqual(UNCCDObserver.rounded(x), expected, "\(x)") }
    }
}
