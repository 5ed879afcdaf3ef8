import KubuqiIndicators
import XCTest

/// ``SOCTransitions``: the table a layer pass works out once gives the hand-worked stocks and statuses, and
/// every pixel of a window the same bits as the model's own per-transition functions.
final class SOCTransitionsTests: XCTestCase {
    let soc = SoilOrganicCarbon.trendsEarth

    /// Worked by hand (SOC(t) = SOC0 · (1 − min(t, 20)/20 · (1 − F))):
    /// - grassland -> cropland, temperate moist (F = 0.69), 50 t/ha, 10 years: 50 · (1 − 0.5 · 0.31) = 42.25, −15.5 %: degraded;
    /// - the same, 5 years: 50 · (1 − 0.25 · 0.31) = 46.125, −7.75 %: stable;
    /// - artificial -> tree-covered (F = 2), 30 t/ha, 10 years: 30 · 1.5 = 45, +50 %: improved;
    /// - cropland -> wetland (F = 1/0.71), 5 years: +10.21 %: improved; tree -> grass: stable.
    func testHandWorkedStocksAndStatuses() {
        let t10 = SOCTransitions(soc, years: 10), t5 = SOCTransitions(soc, years: 5)
        XCTAssertEqual(t10.stock(initial: 50, from: 2, to: 3, climate: .temperateMoist)!, 42.25, accuracy: 1e-12)
        XCTAssertEqual(t10.exactStatus(from: 2, to: 3, climate: .temperateMoist), -1)
        XCTAssertEqual(t5.stock(initial: 50, from: 2, to: 3, climate: .temperateMoist)!, 46.125, accuracy: 1e-12)
        XCTAssertEqual(t5.exactStatus(from: 2, to: 3, climate: .temperateMoist), 0)
        XCTAssertEqual(t10.stock(initial: 30, from: 5, to: 1, climate: .tropicalDry)!, 45, accuracy: 1e-12)
        XCTAssertEqual(t10.exactStatus(from: 5, to: 1, climate: .tropicalDry), 1)
        XCTAssertEqual(t5.exactStatus(from: 3, to: 4, climate: .temperateDry), 1)
        XCTAssertEqual(t5.exactStatus(from: 1, to: 2, climate: .temperateDry), 0)
        // Outside 1...7, or a stock that is not positive: none.
        XCTAssertNil(t10.stock(initial: 50, from: 0, to: 3, climate: .temperateMoist))
        XCTAssertNil(t10.stock(initial: 50, from: 2, to: 8, climate: .temperateMoist))
        XCTAssertNil(t10.stock(initial: 0, from: 2, to: 3, climate: .temperateMoist))
        XCTAssertNil(t10.exactStatus(from: 8, to: 1, climate: .temperateMoist))
    }

    /// Every transition in every zone after 0, 3, 5, 10, 20 and 30 years: the model's own stock and exact status.
    func testEveryTransitionAsTheModel() {
        for years in [0.0, 3, 5, 10, 20, 30] {
            let table = SOCTransitions(soc, years: years)
            for zone in SOCClimateZone.allCases {
                for from: Int16 in 0...8 {
                    for to: Int16 in 0...8 {
                        let a = table.stock(initial: 47.3, from: from, to: to, climate: zone)
                        let b = soc.stock(initial: 47.3, from: from, to: to, years: years, climate: zone)
                        XCTAssertEqual(a?.bitPattern, b?.bitPattern, "\(from) -> \(to) in \(zone) after \(years)")
                        XCTAssertEqual(table.exactStatus(from: from, to: to, climate: zone),
                                       soc.exactStatus(from: from, to: to, years: years, climate: zone), "\(from) -> \(to) in \(zone)")
                    }
                }
            }
        }
    }

    /// A window with every kind of pixel (zone codes, water, nodata stock, classes outside 1...7) against a
    /// per-pixel loop over the model's functions written here.
    func testWindowAgainstPerPixelModel() {
        var rng = SystemRandomNumberGenerator()
        let n = 5000, years = 7.0, nodata: Float = -1
        let stock = (0..<n).map { _ -> Float in [Float.nan, nodata, 0, -3, Float.random(in: 1...120, using: &rng)].randomElement(using: &rng)! }
        let from = (0..<n).map { _ in Int16.random(in: 0...8, using: &rng) }
        let to = (0..<n).map { _ in Int16.random(in: 0...8, using: &rng) }
        let codes = (0..<n).map { _ in Int16.random(in: 0...13, using: &rng) }
        for zoned in [false, true] {
            var fs = [Float](repeating: 0, count: n), pc = fs, st = [Int16](repeating: 0, count: n)
            stock.withUnsafeBufferPointer { s in from.withUnsafeBufferPointer { f in to.withUnsafeBufferPointer { t in
                codes.withUnsafeBufferPointer { c in fs.withUnsafeMutableBufferPointer { fsp in pc.withUnsafeMutableBufferPointer { pcp in
                    st.withUnsafeMutableBufferPointer { stp in
                        SOCTransitions(soc, years: years).run(initialStock: s, stockNodata: nodata, initialLandCover: f, finalLandCover: t,
                                                              climate: .tropicalMoist, climateZoneCodes: zoned ? c : nil,
                                                              finalStock: fsp, percentChange: pcp, status: stp)
                    } } } } } } }
            for i in 0..<n {
                let zone = zoned ? SOCClimateZone(ipccZoneCode: Int(codes[i])) : .tropicalMoist
                var eFS = Float.nan, ePC = Float.nan, eST = DegradationStatus.nodata
                if let zone, stock[i] != nodata, from[i] != 7,
                   let s1 = soc.stock(initial: Double(stock[i]), from: from[i], to: to[i], years: years, climate: zone) {
                    let s0 = Double(stock[i]), p = (s1 - s0) / s0 * 100
                    eFS = Float(s1); ePC = Float(p)
                    eST = soc.exactStatus(from: from[i], to: to[i], years: years, climate: zone) ?? soc.status(percentChange: p)
                }
                XCTAssertEqual(fs[i].bitPattern, eFS.bitPattern, "pixel \(i) stock")
                XCTAssertEqual(pc[i].bitPattern, ePC.bitPattern, "pixel \(i) percent")
                XCTAssertEqual(st[i], eST, "pixel \(i) status")
            }
        }
    }
}
