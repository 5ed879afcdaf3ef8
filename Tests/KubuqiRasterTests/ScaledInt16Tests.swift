import KubuqiRaster
import XCTest

final class ScaledInt16Tests: XCTestCase {
    func testRoundsHalfAwayFromZeroClampsAndMapsNaNToNodata() {
        let input: [Float] = [0.12345, -0.12345, 0.00005, -0.00005, .nan, 4, -4, 1, -1]
        var out = [Int16](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { ScaledInt16().encode(i, into: $0) } }
        // 1234.5 -> 1235 (half away), 0.5 -> 1, out-of-range clamps to +-32767, NaN -> -32768.
        XCTAssertEqual(out, [1235, -1235, 1, -1, -32768, 32767, -32767, 10000, -10000])
        XCTAssertTrue(ScaledInt16().decode(-32768).isNaN)
        XCTAssertEqual(ScaledInt16().decode(2500), 0.25)
    }
}
