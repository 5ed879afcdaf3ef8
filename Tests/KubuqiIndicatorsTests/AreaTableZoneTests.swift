import KubuqiIndicators
import XCTest

/// `AreaTable.zone(_:)`: one zone's cells with their integer sums as they are.
final class AreaTableZoneTests: XCTestCase {
    /// Three pixels of zone 1 whose areas are not whole units of 10⁻⁹ km², and one of zone 2. By hand:
    /// 900491.9, 900492.2 and 900493.1 units round to 900492 + 900492 + 900493 = 2701477 units, 0.002701477 km2
    /// (the mean pixel area, 900492.33 units, rounded and multiplied by 3 would give 0.002701476).
    func testAZoneKeepsItsSummedAreas() {
        var t = AreaTable()
        let classes: [Int16] = [0, 0, 0, 0]
        let zones: [Int32] = [1, 1, 1, 2]
        let km2 = [0.0009004919, 0.0009004922, 0.0009004931, 0.5]
        classes.withUnsafeBufferPointer { c in
            zones.withUnsafeBufferPointer { z in
                km2.withUnsafeBufferPointer { t.add(classes: c, zones: z, pixelAreaKm2: $0) }
            }
        }
        let one = t.zone(1)
        XCTAssertEqual(one.rows.count, 1)
        XCTAssertEqual(one.rows[0].zone, 1)
        XCTAssertEqual(one.rows[0].count, 3)
        XCTAssertEqual(one.rows[0].areaKm2, 0.002701477, accuracy: 1e-15)
        XCTAssertEqual(one.rows[0].percent, 100)
        XCTAssertEqual(t.zone(2).rows.map(\.count), [1])
        XCTAssertEqual(t.zone(2).rows[0].areaKm2, 0.5, accuracy: 1e-15)
        XCTAssertTrue(t.zone(3).rows.isEmpty)
    }
}
