import KubuqiRaster
import XCTest

/// The concrete `init(saturating:nan:)` overloads (Float -> Int16/Int32, Double -> Int64, one hardware
/// conversion) give the generic form's values on the edges of each type's range, NaN, infinities,
/// fractions and random values.
final class SaturatingConcreteConversionTests: XCTestCase {
    /// Called in a generic context, so the generic `FixedWidthInteger.init(saturating:nan:)` runs.
    private func generic<I: FixedWidthInteger, F: BinaryFloatingPoint>(_ value: F, _: I.Type, nan: I) -> I { I(saturating: value, nan: nan) }

    func testConcreteEqualsGeneric() {
        var floats: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 0.5, -0.5, 0.999_999_9, -7.9, 32766.5, 32767, 32767.5, 32768,
                               -32767.5, -32768, -32768.5, -32769, 0x1p31, -0x1p31, Float(0x1p31).nextDown, Float(-0x1p31).nextUp, 1e30, -1e30,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
        var doubles: [Double] = [.nan, .infinity, -.infinity, 0, -0.5, 0x1p63, -0x1p63, Double(0x1p63).nextDown, Double(-0x1p63).nextUp, 9.3e18, -9.3e18,
                                 1e15 + 0.5, -1e15 - 0.5, .greatestFiniteMagnitude]
        var state: UInt64 = 11
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            floats.append(Float((u - 0.5) * [80_000, 5e9, 10][Int(state % 3)]))
            doubles.append((u - 0.5) * [4e19, 1e6, 3][Int(state % 3)])
        }
        for v in floats {
            XCTAssertEqual(Int16(saturating: v, nan: -9), generic(v, Int16.self, nan: -9), "\(v) to Int16")
            XCTAssertEqual(Int32(saturating: v, nan: -9), generic(v, Int32.self, nan: -9), "\(v) to Int32")
        }
        for v in doubles { XCTAssertEqual(Int64(saturating: v, nan: -9), generic(v, Int64.self, nan: -9), "\(v) to Int64") }
    }
}
