import KubuqiIndicators
import XCTest

/// A 4 × 3 region in a geographic grid: one pixel area per row, 1, 2 and
/// 4 km² (rows further from the pole are larger), two zones (columns 0–1
/// zone 1, columns 2–3 zone 2):
///
///     classes            zones      row area
///     -1  -1   0   1     1 1 2 2    1 km²
///      0   0  ND   1     1 1 2 2    2 km²
///     -1   0   0   0     1 1 2 2    4 km²
///
/// Zone 1: degraded 3 px, 1 + 1 + 4 = 6 km²; stable 3 px, 2 + 2 + 4 = 8 km²;
/// valid area 14 km²: 42.857142...% and 57.142857...%.
/// Zone 2: stable 3 px, 1 + 4 + 4 = 9 km²; improved 2 px, 1 + 2 = 3 km²;
/// nodata 1 px, 2 km² (not in the percentages); valid 12 km²: 75 % and 25 %.
final class AreaTableTests: XCTestCase {
    let nd = DegradationStatus.nodata
    lazy var classes: [Int16] = [-1, -1, 0, 1, 0, 0, nd, 1, -1, 0, 0, 0]
    let zones: [Int32] = [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]
    let rowAreas: [Double] = [1, 2, 4]

    let expectedCSV = """
        zone,class,pixels,area_km2,percent
        1,-1,3,6.000000,42.8571
        1,0,3,8.000000,57.1429
        2,-32768,1,2.000000,
        2,0,3,9.000000,75.0000
        2,1,2,3.000000,25.0000

        """

    func testHandComputedTable() {
        var table = AreaTable()
        classes.withUnsafeBufferPointer { c in
            zones.withUnsafeBufferPointer { z in
                rowAreas.withUnsafeBufferPointer { table.add(classes: c, zones: z, width: 4, rowAreaKm2: $0) }
            }
        }
        let rows = table.rows
        XCTAssertEqual(rows.map(\.zone), [1, 1, 2, 2, 2])
        XCTAssertEqual(rows.map(\.classValue), [-1, 0, nd, 0, 1])
        XCTAssertEqual(rows.map(\.count), [3, 3, 1, 3, 2])
        XCTAssertEqual(rows.map(\.areaKm2), [6, 8, 2, 9, 3])
        XCTAssertEqual(rows[0].percent!, 600.0 / 14, accuracy: 1e-12)
        XCTAssertNil(rows[2].percent)
        XCTAssertEqual(rows[3].percent!, 75, accuracy: 1e-12)
        XCTAssertEqual(table.csv(), expectedCSV.replacingOccurrences(of: "\n", with: "\r\n"))
        XCTAssertEqual(
            table.csv { ["-1": "degraded", "0": "stable", "1": "improved"][String($0)] ?? "nodata" }.split(separator: "\r\n")[1],
            "1,degraded,3,6.000000,42.8571"
        )
    }

    func testPerPixelAreasAndZoneNodata() {
        let pixelAreas = (0..<12).map { rowAreas[$0 / 4] }
        var table = AreaTable()
        var z = zones
        z[0] = -1 // outside every zone: skipped
        classes.withUnsafeBufferPointer { c in
            z.withUnsafeBufferPointer { zz in
                pixelAreas.withUnsafeBufferPointer { table.add(classes: c, zones: zz, zoneNodata: -1, pixelAreaKm2: $0) }
            }
        }
        XCTAssertEqual(table.rows[0].count, 2)
        XCTAssertEqual(table.rows[0].areaKm2, 5)
        // Without zones or areas: one zone 0, percentages by pixel count.
        var counts = AreaTable()
        classes.withUnsafeBufferPointer { counts.add(classes: $0) }
        XCTAssertEqual(counts.rows.map(\.zone), [0, 0, 0, 0])
        XCTAssertEqual(counts.rows.first { $0.classValue == 0 }!.percent!, 600.0 / 11, accuracy: 1e-12)
    }

    /// Areas that are not exact in binary (0.1, 0.2, 0.3 km²...), merged in
    /// different orders, print the same bytes.
    func testMergeOrderDoesNotChangeTheBytes() {
        var rng = TestRandom(seed: 99)
        let n = 10_000
        let cls = (0..<n).map { _ in Int16(Int(rng.unit() * 3) - 1) }
        let zn = (0..<n).map { _ in Int32(rng.unit() * 4) }
        let areas = (0..<n).map { _ in 0.1 + Double(Int(rng.unit() * 7)) * 0.1 }
        func part(_ r: Range<Int>) -> AreaTable {
            var t = AreaTable()
            cls[r].withUnsafeBufferPointer { c in
                zn[r].withUnsafeBufferPointer { z in
                    areas[r].withUnsafeBufferPointer { t.add(classes: c, zones: z, pixelAreaKm2: $0) }
                }
            }
            return t
        }
        let cuts = stride(from: 0, to: n, by: 937).map { $0..<min(n, $0 + 937) }
        var forward = AreaTable(), backward = AreaTable()
        for r in cuts { forward.merge(part(r)) }
        for r in cuts.reversed() { backward.merge(part(r)) }
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(forward.csv(), backward.csv())
        XCTAssertEqual(forward.csv(), part(0..<n).csv())
        XCTAssertEqual(forward.rows.reduce(0) { $0 + $1.count }, n)
    }
}
