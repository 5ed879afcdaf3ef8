import Foundation
import KubuqiRaster
import XCTest

/// The family of float-to-integer conversions that trapped on NaN, infinity
/// or out-of-range values (issue 15): the helper, and each raster-facing use.
final class SaturatingConversionTests: XCTestCase {
    func testSaturatingConversion() {
        XCTAssertEqual(Int(saturating: Double.nan), 0)
        XCTAssertEqual(Int(saturating: Double.nan, nan: -1), -1)
        XCTAssertEqual(Int(saturating: Double.infinity), Int.max)
        XCTAssertEqual(Int(saturating: -Double.infinity), Int.min)
        XCTAssertEqual(Int32(saturating: Float(1e30)), Int32.max)
        XCTAssertEqual(Int32(saturating: Float(-1e30)), Int32.min)
        XCTAssertEqual(Int32(saturating: Float(2_147_483_648)), Int32.max, "2^31 is just out of range")
        XCTAssertEqual(Int16(saturating: Float(-32768.9)), Int16.min)
        XCTAssertEqual(Int16(saturating: Float(-7.9)), -7, "truncation toward zero, as Int(_:)")
        XCTAssertEqual(Int64(saturating: 9.3e18), Int64.max)
        XCTAssertEqual(Int64(saturating: 1e15), 1_000_000_000_000_000)
        XCTAssertEqual(UInt8(saturating: -3.0), 0)
        XCTAssertNil(Int32(inRange: Float.nan))
        XCTAssertNil(Int32(inRange: Float(3e9)))
        XCTAssertEqual(Int32(inRange: Float(-12.5)), -12)
    }

    /// Zone and class codes come from user rasters: 1e30, -1e30 and infinity count, not trap.
    func testAreaTallyTakesAnyFloatCode() {
        var t = ClassAreaTally()
        let codes: [Float] = [1, 1e30, -.infinity, .nan]
        let zones: [Float] = [1e30, -1e30, .nan, 3]
        codes.withUnsafeBufferPointer { c in
            zones.withUnsafeBufferPointer { z in t.addRow(codes: c, zones: z, pixelArea: 900, nodataCode: -32768) }
        }
        XCTAssertEqual(t.pixels[.init(zone: Int.max, code: 1)], 1)
        XCTAssertEqual(t.pixels[.init(zone: Int.min, code: Int.max)], 1)
        XCTAssertEqual(t.pixels[.init(zone: 0, code: Int.min)], 1)
        XCTAssertEqual(t.pixels[.init(zone: 3, code: -32768)], 1)
        // A pixel area too large for the fixed-point sum saturates instead of trapping.
        t.add(code: 2, pixelArea: 1e300)
        XCTAssertEqual(t.pixels[.init(zone: 0, code: 2)], 1)
    }

    /// A histogram's bin of NaN, infinities and huge values stays in range.
    func testHistogramBinOfAnyValue() {
        let h = Histogram(lowerBound: -1, upperBound: 1, bins: 2000)
        XCTAssertEqual(h.bin(of: .infinity), 1999)
        XCTAssertEqual(h.bin(of: -.infinity), 0)
        XCTAssertEqual(h.bin(of: 1e300), 1999)
        XCTAssertEqual(h.bin(of: .nan), 0)
        XCTAssertEqual(h.bin(of: 0), 1000, "hand-worked: (0 + 1) / 2 x 2000")
    }
}
