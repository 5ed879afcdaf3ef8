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

    /// `byZone` splits the table in one pass (the per-zone `zone(_:)` was quadratic in the zones in ldn's
    /// report): the same tables as `zone(_:)` for every zone, by hand on the same pixels (zone 1: 3 pixels,
    /// 0.002701477 km2; zone 2: 1 pixel, 0.5 km2; zone 5 of two classes).
    func testByZoneEqualsEachZonesOwnTable() {
        var t = AreaTable()
        let classes: [Int16] = [0, 0, 0, 0, 1, 2, 1]
        let zones: [Int32] = [1, 1, 1, 2, 5, 5, 5]
        let km2 = [0.0009004919, 0.0009004922, 0.0009004931, 0.5, 1, 2, 3]
        classes.withUnsafeBufferPointer { c in
            zones.withUnsafeBufferPointer { z in
                km2.withUnsafeBufferPointer { t.add(classes: c, zones: z, pixelAreaKm2: $0) }
            }
        }
        let split = t.byZone
        XCTAssertEqual(Set(split.keys), [1, 2, 5])
        for id: Int32 in [1, 2, 5] { XCTAssertEqual(split[id], t.zone(id), "zone \(id)") }
        XCTAssertEqual(split[1]?.rows.map(\.count), [3])
        XCTAssertEqual(split[1]!.rows[0].areaKm2, 0.002701477, accuracy: 1e-15)
        XCTAssertEqual(split[5]?.rows.map(\.classValue), [1, 2])
        XCTAssertEqual(split[5]?.rows.map(\.count), [2, 1])
        XCTAssertEqual(split[5]!.rows[0].areaKm2, 4, accuracy: 1e-12)
        XCTAssertNil(split[3])
    }
}
