import KubuqiIndicators
import XCTest

final class DegradationStatusTests: XCTestCase {
    func testCodesAreTheDocumentedOnes() {
        XCTAssertEqual(DegradationStatus.degraded.rawValue, -1)
        XCTAssertEqual(DegradationStatus.stable.rawValue, 0)
        XCTAssertEqual(DegradationStatus.improved.rawValue, 1)
        XCTAssertEqual(DegradationStatus.nodata, -32768)
    }
}
