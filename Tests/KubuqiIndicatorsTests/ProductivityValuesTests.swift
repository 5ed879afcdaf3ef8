import KubuqiRaster
import XCTest
@testable import KubuqiIndicators

/// `ProductivityValues.fastStoredIntegers` and `storedIntegers` (eight values, branch-free, for the block
/// kernels' loads) against `storedInteger`, value by value.
final class ProductivityValuesTests: XCTestCase {
    /// Hand-picked edges: zeros, halves, the ends of the fast range (2^22) and of stored integers (2^24), NaN,
    /// infinities, subnormals, and every integer from −70,000 to 70,000 (Int16 and UInt16 stacks and beyond).
    func testFastStoredIntegerAgreesOnEdges() {
        var values: [Float] = [0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0x1p-149, -0x1p-149, 0x1p-126, .nan, -.nan, .infinity, -.infinity,
                               4_194_303, -4_194_303, 4_194_303.5, 4_194_304, -4_194_304, 4_194_304.5, 8_388_607.5, 8_388_608,
                               16_777_215, 16_777_216, -16_777_216, 16_777_218, -16_777_218, 3.4e38, 1e-3]
        values += (-70_000...70_000).map { Float($0) }
        values += (-1000...1000).map { Float($0) + 0.25 }
        var fast = 0, beyond = 0
        check(values)
        for v in values {
            let (value, valid, far) = fastStoredInteger(v)
            let expected = ProductivityValues.storedInteger(v)
            if far {
                // Beyond the fast range: the caller converts with `storedInteger`.
                XCTAssertTrue(abs(v) >= 4_194_304 && abs(v) <= 16_777_216, "\(v)")
                beyond += 1
                continue
            }
            XCTAssertEqual(valid, expected != nil, "\(v)")
            XCTAssertEqual(Int(value), expected ?? 0, "\(v)")
            if valid { XCTAssertEqual(Float(value), v, "\(v)") }
            fast += 1
        }
        XCTAssertEqual(beyond, 8)
        XCTAssertGreaterThan(fast, 140_000)
    }

    /// Random bit patterns (every exponent, sign and mantissa).
    func testFastStoredIntegerAgreesOnRandomBits() {
        var g = SplitMix64(seed: 3)
        var values: [Float] = []
        for _ in 0..<200_000 {
            let v = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            values.append(v)
            let (value, valid, far) = fastStoredInteger(v)
            if far { continue }
            let expected = ProductivityValues.storedInteger(v)
            XCTAssertEqual(valid, expected != nil, "\(v)")
            XCTAssertEqual(Int(value), expected ?? 0, "\(v)")
        }
        check(values)
    }

    /// One value through the eight-lane conversion (its other lanes NaN, not valid).
    private func fastStoredInteger(_ v: Float) -> (Int32, Bool, Bool) {
        var lanes = SIMD8<Float>(repeating: .nan)
        lanes[3] = v
        let (values, valid, beyond) = ProductivityValues.fastStoredIntegers(lanes)
        XCTAssertFalse(valid[0] || beyond[0] || values[0] != 0, "a NaN lane")
        return (values[3], valid[3], beyond[3])
    }

    /// `storedIntegers` (with its fallback for values beyond 2^22) equals `storedInteger` on every value, eight at a time.
    private func check(_ values: [Float]) {
        let padded = values + [Float](repeating: 1, count: (8 - values.count % 8) % 8)
        padded.withUnsafeBufferPointer { p in
            for start in stride(from: 0, to: padded.count, by: 8) {
                let (v, valid) = ProductivityValues.storedIntegers(p.baseAddress! + start)
                for k in 0..<8 {
                    let expected = ProductivityValues.storedInteger(padded[start + k])
                    if valid[k] != (expected != nil) || Int(v[k]) != (expected ?? 0) {
                        return XCTFail("\(padded[start + k]): \(v[k]), \(valid[k]) against \(String(describing: expected))")
                    }
                }
            }
        }
    }
}
