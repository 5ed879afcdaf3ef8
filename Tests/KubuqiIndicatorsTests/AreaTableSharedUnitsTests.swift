import Foundation
import KubuqiIndicators
import KubuqiRaster
import XCTest

/// The tables' adds from areas already in units (one window's units formed once for several tables,
/// `LDNLayerChunk`) against the adds from km2 that round each pixel themselves: the same integers.
final class AreaTableSharedUnitsTests: XCTestCase {
    /// A window of classes (several codes, nodata, codes beyond the dense range), zones with a nodata
    /// value, and pixel areas with exact halves of a unit, zeros and NaN.
    func window(_ n: Int, seed: UInt64) -> (classes: [Int16], zones: [Int32], km2: [Double]) {
        var rng = SplitMix(seed)
        let codes: [Int16] = [-1, 0, 1, 2, 3, 7, 11, 77, DegradationStatus.nodata, 2000, -2000]
        let classes = (0..<n).map { _ in codes[Int(rng.next() % UInt64(codes.count))] }
        let zones = (0..<n).map { _ in Int32(rng.next() % 5) - 1 }
        let km2 = (0..<n).map { i -> Double in
            switch i % 7 {
            case 0: return (Double(rng.next() % 1_000_000) + 0.5) / AreaTable.unitsPerKm2   // a half unit
            case 1: return 0
            case 2: return .nan
            default: return 0.0009 + Double(rng.next() % 1000) * 1e-9 + Double(rng.next() % 1000) * 1e-13
            }
        }
        return (classes, zones, km2)
    }

    func testAreaTableFromUnitsEqualsFromKm2() {
        for seed in 1...5 as ClosedRange<UInt64> {
            let w = window(5000, seed: seed)
            let units = w.km2.map(AreaTable.units)
            var a = AreaTable(), b = AreaTable(), za = AreaTable(), zb = AreaTable()
            w.classes.withUnsafeBufferPointer { c in
                w.zones.withUnsafeBufferPointer { z in
                    w.km2.withUnsafeBufferPointer { k in
                        units.withUnsafeBufferPointer { u in
                            a.add(classes: c, pixelAreaKm2: k)
                            b.add(classes: c, pixelAreaUnits: u)
                            za.add(classes: c, zones: z, zoneNodata: -1, pixelAreaKm2: k)
                            zb.add(classes: c, zones: z, zoneNodata: -1, pixelAreaUnits: u)
                        }
                    }
                }
            }
            XCTAssertEqual(a, b)
            XCTAssertEqual(za, zb)
            XCTAssertEqual(a.csv(), b.csv())
            XCTAssertFalse(za.counts.keys.contains { $0.zone == -1 }, "zone nodata is skipped")
            XCTAssertGreaterThan(a.counts.count, 5)
        }
    }

    func testTransitionTableFromUnitsEqualsFromKm2() {
        for seed in 1...5 as ClosedRange<UInt64> {
            let w = window(5000, seed: seed)
            let initial = w.classes.map { Int16(abs(Int($0)) % 9) }, final = w.classes.reversed().map { Int16(abs(Int($0)) % 8) }
            let units = w.km2.map(AreaTable.units)
            var a = TransitionTable(), b = TransitionTable()
            initial.withUnsafeBufferPointer { i in
                final.withUnsafeBufferPointer { f in
                    w.km2.withUnsafeBufferPointer { a.add(initial: i, final: f, pixelAreaKm2: $0) }
                    units.withUnsafeBufferPointer { b.add(initial: i, final: f, pixelAreaUnits: $0) }
                }
            }
            XCTAssertEqual(a, b)
        }
    }
}

private struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
