import XCTest
@testable import KubuqiIndicators

/// `AreaTable.units` (truncation and fraction, no libm call) rounds as `Int64((km2 * unitsPerKm2).rounded())`,
/// half away from zero: on values exactly half a unit above an integer, just below and above it, tiny,
/// huge, negative and non-finite areas, and random pixel areas.
final class AreaTableUnitsTests: XCTestCase {
    func testUnitsRoundHalfAwayFromZero() {
        func reference(_ km2: Double) -> Int64 { km2.isFinite && km2 > 0 ? Int64((km2 * AreaTable.unitsPerKm2).rounded()) : 0 }
        var areas: [Double] = [0, -1, .nan, .infinity, -.infinity, 1e-12, 4e-10, 5e-10, 6e-10, 1.5e-9, 2.5e-9, 1, 1e6, 1e9, 9e9]
        for k in [1.0, 2, 3, 1000, 123_456, 4_503_599_627_370] {
            let half = (k + 0.5) / AreaTable.unitsPerKm2
            areas += [half, half.nextDown, half.nextUp]
        }
        var state: UInt64 = 5
        for _ in 0..<50_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            areas.append(Double(state >> 11) / Double(1 << 53) * [1e-3, 1, 1e-6][Int(state % 3)])
        }
        for a in areas { XCTAssertEqual(AreaTable.units(a), reference(a), "\(a) km2") }
    }
}
