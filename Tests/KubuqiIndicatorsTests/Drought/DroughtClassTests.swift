import Foundation
import KubuqiIndicators
import XCTest

/// Drought classes at their boundaries, the SO3 tally on a hand-worked
/// grid, and the SPI's documented special cases.
final class DroughtClassTests: XCTestCase {
    func testBoundaries() {
        let cases: [(Double, DroughtClass)] = [(1.2, .none), (0, .none), (-0.0001, .mild), (-0.999, .mild), (-1, .moderate), (-1.49, .moderate),
                                               (-1.5, .severe), (-1.999, .severe), (-2, .extreme), (-3.09, .extreme)]
        for (spi, c) in cases { XCTAssertEqual(DroughtClass(spi: spi), c, "SPI \(spi)") }
        XCTAssertNil(DroughtClass(spi: .nan))
    }

    /// Two years of a 2 x 2 grid, pixel areas 1, 2, 3, 4 m², populations (total; female, male) by hand:
    /// year 0 classes [mild, mild, extreme, none] -> mild 1 + 2 = 3 m², extreme 3 m², none 4 m²;
    /// people total [10, 20, 30, 40] -> mild 30, extreme 30, none 40; female [4, 8, 16, 0] -> mild 12, extreme 16.
    /// Year 1: [severe, nodata, severe, moderate] -> severe 1 + 3 = 4 m², moderate 4 m², unclassified 2 m²; people severe 40.
    func testHandWorkedTally() {
        let classes: [[DroughtClass?]] = [[.mild, .mild, .extreme, DroughtClass.none], [.severe, nil, .severe, .moderate]]
        let areas = [1.0, 2, 3, 4]
        let population: [Float] = [10, 20, 30, 40, 4, 8, 16, .nan]
        var tally = DroughtTally(years: 2, populations: 2)
        population.withUnsafeBufferPointer { pop in
            for y in 0..<2 { for p in 0..<4 { tally.add(year: y, class: classes[y][p], area: areas[p], population: pop, at: p, stride: 4) } }
        }
        XCTAssertEqual(tally.area(year: 0, .mild), 3)
        XCTAssertEqual(tally.area(year: 0, .extreme), 3)
        XCTAssertEqual(tally.area(year: 0, .none), 4)
        XCTAssertEqual(tally.people(year: 0, .mild, layer: 0), 30)
        XCTAssertEqual(tally.people(year: 0, .extreme, layer: 0), 30)
        XCTAssertEqual(tally.people(year: 0, .none, layer: 0), 40)
        XCTAssertEqual(tally.people(year: 0, .mild, layer: 1), 12)
        XCTAssertEqual(tally.people(year: 0, .extreme, layer: 1), 16)
        XCTAssertEqual(tally.people(year: 0, .none, layer: 1), 0, "NaN population counts nobody")
        XCTAssertEqual(tally.area(year: 1, .severe), 4)
        XCTAssertEqual(tally.area(year: 1, .moderate), 4)
        XCTAssertEqual(tally.unclassifiedArea, [0, 2])
        XCTAssertEqual(tally.people(year: 1, .severe, layer: 0), 40)
        var merged = DroughtTally(years: 2, populations: 2)
        merged.add(tally)
        merged.add(tally)
        XCTAssertEqual(merged.area(year: 1, .severe), 8)
    }

    /// A calendar month that never rains: SPI 0 for its zeros, +3.09 above the calibration's largest value, no NaN;
    /// too few calibration values: nodata, counted.
    func testSpecialCases() {
        var series = [Float](repeating: 0, count: 30 * 12)
        for t in series.indices where t % 12 != 0 { series[t] = Float(5 + (t * 7919) % 23) }
        series[series.count - 12] = 4  // a January with rain after the calibration (the last year)
        let calc = SPICalculator(scale: 1, months: series.count, firstMonth: 1, calibration: 0..<(29 * 12))
        var out = [Float](repeating: -99, count: series.count)
        let tally = series.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { calc.run(values: v, stride: 1, pixels: 0..<1, output: $0) } }
        XCTAssertFalse(out.contains { $0.isNaN })
        for t in stride(from: 0, to: 29 * 12, by: 12) { XCTAssertEqual(out[t], 0) }
        XCTAssertEqual(out[series.count - 12], Float(SPICalculator.bound))
        XCTAssertEqual(tally.degenerateMonths, 1)
        XCTAssertEqual(tally.computed, series.count)
        // Nine calibration years: below the minimum of ten values per calendar month.
        let short = SPICalculator(scale: 1, months: series.count, firstMonth: 1, calibration: 0..<(9 * 12))
        let t2 = series.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { short.run(values: v, stride: 1, pixels: 0..<1, output: $0) } }
        XCTAssertTrue(out.allSatisfy { $0.isNaN })
        XCTAssertEqual(t2.unfitted, series.count)
    }

    /// Pixels side by side in a window (stride) give the SPI each gets alone, also starting in July.
    func testStrideAndFirstMonth() {
        let months = 25 * 12, n = 3
        var values = [Float](repeating: 0, count: months * n)
        for t in 0..<months { for p in 0..<n { values[t * n + p] = Float((t * 31 + p * 17) % 40) } }
        let calc = SPICalculator(scale: 3, months: months, firstMonth: 7, calibration: 6..<(6 + 24 * 12), estimator: .exact)
        var together = [Float](repeating: 0, count: months * n)
        _ = values.withUnsafeBufferPointer { v in together.withUnsafeMutableBufferPointer { calc.run(values: v, stride: n, pixels: 0..<n, output: $0) } }
        for p in 0..<n {
            let alone = (0..<months).map { values[$0 * n + p] }
            var out = [Float](repeating: 0, count: months)
            _ = alone.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { calc.run(values: v, stride: 1, pixels: 0..<1, output: $0) } }
            for t in 0..<months { XCTAssertTrue(out[t] == together[t * n + p] || (out[t].isNaN && together[t * n + p].isNaN)) }
        }
    }
}
