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

    /// The rounding without `roundf`: halves away from zero, the Floats just below a half, the clamp's edges, infinities
    /// and -0, at scale 1 (the class layers) and 10,000.
    func testHalvesNearHalvesAndBoundsByHand() {
        let below: Float = 0.49999997   // the largest Float below 0.5: rounds to 0 (adding 0.5 then truncating gives 1)
        let cases: [(Float, Float, Int16)] = [
            (0.5, 1, 1), (-0.5, 1, -1), (1.5, 1, 2), (2.5, 1, 3), (-2.5, 1, -3), (below, 1, 0), (-below, 1, 0),
            (1.4999999, 1, 1), (-0.0, 1, 0), (7, 1, 7), (-32_768, 1, -32_767), (32_766.5, 1, 32_767), (-32_766.5, 1, -32_767),
            (32_767.9, 1, 32_767), (40_000, 1, 32_767), (.infinity, 1, 32_767), (-.infinity, 1, -32_767), (.nan, 1, -32_768),
            (0.00015, 10_000, 2), (-0.00015, 10_000, -2), (0.99995, 10_000, 10_000), (8_388_607.5, 1, 32_767),
        ]
        for (v, scale, expected) in cases {
            var out: [Int16] = [0]
            [v].withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { ScaledInt16(scale: scale).encode(i, into: $0) } }
            XCTAssertEqual(out[0], expected, "\(v) x \(scale)")
        }
    }
}
