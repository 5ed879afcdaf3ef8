import KubuqiIndicators
import XCTest

/// SOC(t) = SOC0 · (1 − min(t, 20)/20 · (1 − F)), change = (SOC(t) − SOC0)/SOC0.
final class SoilOrganicCarbonTests: XCTestCase {
    let soc = SoilOrganicCarbon.trendsEarth

    func testClimateFactors() {
        // IPCC 2006 Vol. 4 Table 5.5, long-term cultivated.
        XCTAssertEqual(SOCClimateZone.temperateDry.croplandFactor, 0.80)
        XCTAssertEqual(SOCClimateZone.temperateMoist.croplandFactor, 0.69)
        XCTAssertEqual(SOCClimateZone.tropicalDry.croplandFactor, 0.58)
        XCTAssertEqual(SOCClimateZone.tropicalMoist.croplandFactor, 0.48)
        XCTAssertEqual(SOCClimateZone.tropicalMontane.croplandFactor, 0.64)
        // Trends.Earth's remap of the 12-zone raster.
        let expected: [Int: SOCClimateZone?] = [
            0: nil, 1: .temperateMoist, 2: .temperateDry, 3: .temperateMoist, 4: .temperateDry, 5: .temperateMoist,
            6: .temperateDry, 7: .temperateMoist, 8: .temperateDry, 9: .tropicalMontane, 10: .tropicalMoist,
            11: .tropicalMoist, 12: .tropicalDry, 13: nil,
        ]
        for (code, zone) in expected { XCTAssertEqual(SOCClimateZone(ipccZoneCode: code), zone, "zone \(code)") }
    }

    /// The factor matrix, typed from Trends.Earth's soc.py
    /// (f = cropland factor of the climate, "1/f" its inverse).
    func testEveryFactor() {
        let rows = [
            "1 1 f 1 0.1 0.1 1",
            "1 1 f 1 0.1 0.1 1",
            "1/f 1/f 1 1/0.71 0.1 0.1 1",
            "1 1 0.71 1 0.1 0.1 1",
            "2 2 2 2 1 1 1",
            "2 2 2 2 1 1 1",
            "1 1 1 1 1 1 1",
        ]
        for zone in SOCClimateZone.allCases {
            let f = zone.croplandFactor
            for (r, row) in rows.enumerated() {
                for (c, cell) in row.split(separator: " ").enumerated() {
                    let expected: Double = switch cell {
                    case "f": f
                    case "1/f": 1 / f
                    case "1/0.71": 1 / 0.71
                    default: Double(cell)!
                    }
                    XCTAssertEqual(soc.factor(from: Int16(r + 1), to: Int16(c + 1), climate: zone)!, expected,
                                   accuracy: 1e-15, "\(r + 1) -> \(c + 1) in \(zone)")
                }
            }
        }
    }

    /// Worked by hand:
    /// - grassland -> cropland, temperate moist (f = 0.69), 50 t/ha:
    ///   20 years: 50 · 0.69 = 34.5 (−31 %); 10 years: 50 · (1 − 0.5 · 0.31) = 42.25 (−15.5 %);
    ///   5 years: 50 · (1 − 0.25 · 0.31) = 46.125 (−7.75 %, stable); 30 years: capped at 20: 34.5.
    /// - cropland -> grassland, tropical dry (f = 0.58), 40 t/ha, 20 years: 40 / 0.58 = 68.9655 (+72.41 %).
    /// - artificial -> tree-covered (F = 2), 30 t/ha, 10 years: 30 · (1 − 0.5 · (1 − 2)) = 45 (+50 %).
    /// - tree-covered -> artificial (F = 0.1), 20 years: −90 %.
    func testStocksWorkedByHand() {
        XCTAssertEqual(soc.stock(initial: 50, from: 2, to: 3, years: 20, climate: .temperateMoist)!, 34.5, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 50, from: 2, to: 3, years: 10, climate: .temperateMoist)!, 42.25, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 50, from: 2, to: 3, years: 5, climate: .temperateMoist)!, 46.125, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 50, from: 2, to: 3, years: 30, climate: .temperateMoist)!, 34.5, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 40, from: 3, to: 2, years: 20, climate: .tropicalDry)!, 40 / 0.58, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 30, from: 5, to: 1, years: 10, climate: .tropicalMoist)!, 45, accuracy: 1e-12)
        XCTAssertEqual(soc.stock(initial: 30, from: 1, to: 5, years: 20, climate: .tropicalMoist)!, 3, accuracy: 1e-12)
        XCTAssertNil(soc.stock(initial: 0, from: 1, to: 1, years: 20, climate: .tropicalMoist))
        XCTAssertNil(soc.stock(initial: 30, from: 0, to: 1, years: 20, climate: .tropicalMoist))
        XCTAssertEqual(soc.status(percentChange: -10), -1)
        XCTAssertEqual(soc.status(percentChange: -9.99), 0)
        XCTAssertEqual(soc.status(percentChange: 10), 1)
    }

    func testBuffers() {
        let stock: [Float] = [50, 50, 50, 40, 30, 60, .nan, 50, -9999]
        let from: [Int16] = [2, 2, 2, 3, 5, 7, 1, 1, 1]
        let to: [Int16] = [3, 3, 2, 2, 1, 3, 1, DegradationStatus.nodata, 1]
        let zones: [Int16] = [1, 12, 1, 12, 11, 1, 1, 1, 1]
        let nd = DegradationStatus.nodata
        let floats = withOutputs(2, pixels: stock.count, fill: Float(0)) { f in
            let st = withOutputs(1, pixels: stock.count, fill: Int16(0)) { s in
                stock.withUnsafeBufferPointer { st in
                    from.withUnsafeBufferPointer { a in
                        to.withUnsafeBufferPointer { b in
                            zones.withUnsafeBufferPointer { z in
                                soc.run(initialStock: st, stockNodata: -9999, initialLandCover: a, finalLandCover: b,
                                        years: 10, climateZoneCodes: z, finalStock: f[0], percentChange: f[1], status: s[0])
                            }
                        }
                    }
                }
            }
            // 2->3 temperate moist 10 y: -15.5 %; 2->3 tropical dry (f = 0.58): 50 (1 - 0.5 * 0.42) = 39.5, -21 %;
            // no change; 3->2 tropical dry: 40 (1 - 0.5 (1 - 1/0.58)) = 54.4828, +36.2 %; 5->1: +50 %;
            // water at baseline: nodata; NaN stock, nodata class, nodata stock: nodata.
            XCTAssertEqual(st[0], [-1, -1, 0, 1, 1, nd, nd, nd, nd])
        }
        XCTAssertEqual(Double(floats[1][0]), -15.5, accuracy: 1e-4)
        XCTAssertEqual(Double(floats[0][1]), 39.5, accuracy: 1e-4)
        XCTAssertEqual(Double(floats[1][3]), 50 * (1 / 0.58 - 1), accuracy: 1e-3)
        XCTAssertEqual(floats[1][2], 0)
        XCTAssertTrue(floats[0][5].isNaN && floats[1][8].isNaN)
    }

    func testOverriding() {
        let custom = soc.overriding([2: [6: .constant(0.5)]])
        XCTAssertEqual(custom.factor(from: 2, to: 6, climate: .temperateDry), 0.5)
        XCTAssertEqual(custom.factor(from: 2, to: 3, climate: .temperateDry), 0.8)
    }
}
