import KubuqiRaster
import XCTest
@testable import KubuqiIndicators

/// The zoned add from area units (dense rows of counts per zone, `AreaTable.addDense`) against a plain
/// per-pixel tally written here: the same cells, pixel counts and area units, for windows inside the dense
/// limits (few zones, a narrow range of codes, nodata codes and zones) and beyond them (the dictionary path).
final class AreaTableDenseZonesTests: XCTestCase {
    /// The reference: one dictionary entry per (zone, class) seen, summing pixels and units.
    private func tally(_ classes: [Int16], _ zones: [Int32], _ units: [Int64], skip: Int32?) -> ([AreaTable.Key: Int], [AreaTable.Key: Int64]) {
        var counts: [AreaTable.Key: Int] = [:], areas: [AreaTable.Key: Int64] = [:]
        for i in classes.indices where zones[i] != skip {
            let k = AreaTable.Key(zone: zones[i], classValue: classes[i])
            counts[k, default: 0] += 1
            areas[k, default: 0] += units[i]
        }
        return (counts, areas)
    }

    func testDenseCountsEqualAPlainTally() {
        var g = SplitMix64(seed: 11)
        let nodata = DegradationStatus.nodata
        // (class codes, zone ids, zone nodata): LPD x transitions, baseline x reporting status, years, 16 and 17 zones,
        // a span of 256 codes and one of 257, zone 0 first, an empty window.
        let cases: [([Int16], [Int32], Int32?)] = [
            ([11, 12, 17, 21, 33, 77, nodata], [1, 2, 3, 4, 5, Int32(nodata)], nil),
            ([-1, 0, 1, nodata], [-1, 0, 1, Int32(nodata)], nil),
            ([1, 2, 3, 4, 5, 6, 7], [2000, 2024, -1], -1),
            ([0, 5, nodata], (0..<16).map { Int32($0 * 3) }, nil),
            ([0, 5, nodata], (0..<17).map { Int32($0 * 3) }, nil),
            ([-100, 155, 3, nodata], [0, 1], nil),
            ([-100, 156, 3, nodata], [0, 1], nil),
            ([nodata], [0, 7], 7),
            ([4], [0], nil),
        ]
        for (k, (codes, ids, skip)) in cases.enumerated() {
            for n in [0, 1, 37, 5000] {
                var classes = (0..<n).map { _ in codes[g.int(codes.count)] }
                var zones = (0..<n).map { _ in ids[g.int(ids.count)] }
                if n > 40 {
                    // Runs of one zone and one class, as along a row of real maps.
                    for i in stride(from: 0, to: 2000, by: 1) { zones[i] = zones[i / 100 * 100]; classes[i] = classes[i / 50 * 50] }
                }
                let units = (0..<n).map { _ in Int64(g.int(1_000_000)) }
                var table = AreaTable()
                classes.withUnsafeBufferPointer { c in
                    zones.withUnsafeBufferPointer { z in
                        units.withUnsafeBufferPointer { table.add(classes: c, zones: z, zoneNodata: skip, pixelAreaUnits: $0) }
                    }
                }
                // Twice: the second window adds to the cells of the first.
                classes.withUnsafeBufferPointer { c in
                    zones.withUnsafeBufferPointer { z in
                        units.withUnsafeBufferPointer { table.add(classes: c, zones: z, zoneNodata: skip, pixelAreaUnits: $0) }
                    }
                }
                let (counts, areas) = tally(classes + classes, zones + zones, units + units, skip: skip)
                XCTAssertEqual(table.counts, counts, "case \(k), \(n) pixels")
                XCTAssertEqual(table.areaUnits, areas, "case \(k), \(n) pixels")
                if n == 5000 && codes.count > 1 { XCTAssertGreaterThan(counts.count, 2, "case \(k)") }
            }
        }
    }

    /// One zone for the whole window (`add(classes:zone:pixelAreaUnits:)`, the map years of the UNCCD tables) and a
    /// caller's own cell counts (`add(zone:classValue:pixels:units:)`): the plain tally's cells with that zone.
    func testConstantZoneAndOwnCountsEqualAPlainTally() {
        var g = SplitMix64(seed: 23)
        let nodata = DegradationStatus.nodata
        let codes: [Int16] = [1, 2, 3, 7, nodata, 2_000, -1_500, 0]
        for n in [0, 1, 999, 5000] {
            let classes = (0..<n).map { _ in codes[g.int(codes.count)] }
            let units = (0..<n).map { _ in Int64(g.int(1_000_000)) }
            var table = AreaTable(), own = AreaTable()
            for zone: Int32 in [2024, 0] {
                classes.withUnsafeBufferPointer { c in units.withUnsafeBufferPointer { table.add(classes: c, zone: zone, pixelAreaUnits: $0) } }
            }
            let (counts, areas) = tally(classes + classes, Array(repeating: 2024, count: n) + Array(repeating: 0, count: n), units + units, skip: nil)
            XCTAssertEqual(table.counts, counts, "\(n) pixels")
            XCTAssertEqual(table.areaUnits, areas, "\(n) pixels")
            for (k, c) in counts { own.add(zone: k.zone, classValue: k.classValue, pixels: c, units: areas[k]!) }
            XCTAssertEqual(own, table, "\(n) pixels")
        }
    }
}
