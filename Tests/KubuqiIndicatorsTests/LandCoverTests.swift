import Foundation
import KubuqiIndicators
import XCTest

final class LandCoverTests: XCTestCase {
    /// The ESA CCI -> UNCCD nesting, typed from Trends.Earth's
    /// land_cover_nesting_unccd_esa.json.
    let nesting: [(unccd: Int16, codes: [Int32])] = [
        (1, [50, 60, 61, 62, 70, 71, 72, 80, 81, 82, 90, 100]),
        (2, [110, 120, 121, 122, 130, 140, 150, 151, 152, 153]),
        (3, [10, 11, 12, 20, 30, 40]),
        (4, [160, 170, 180]),
        (5, [190]),
        (6, [200, 201, 202, 220]),
        (7, [210]),
    ]

    func testDefaultLegendMapsEveryESACode() {
        let legend = LandCoverLegend.esaCCI
        XCTAssertEqual(legend.mapping.count, 37)
        for (unccd, codes) in nesting {
            for code in codes { XCTAssertEqual(legend.unccdClass(of: code), unccd, "ESA code \(code)") }
        }
        XCTAssertNil(legend.unccdClass(of: 0))
        XCTAssertNil(legend.unccdClass(of: 230))
    }

    func testReclassifyCountsUnknownCodes() {
        let codes: [Int16] = [10, 50, 0, 230, 230, 210, 999, 180, 0]
        var unknown = UnknownCodeCounter()
        let out = withOutputs(1, pixels: codes.count, fill: Int16(0)) { b in
            codes.withUnsafeBufferPointer { LandCoverLegend.esaCCI.reclassify($0, nodata: 0, into: b[0], unknown: &unknown) }
        }
        let nd = DegradationStatus.nodata
        XCTAssertEqual(out[0], [3, 1, nd, nd, nd, 7, nd, 4, nd])
        XCTAssertEqual(unknown.counts, [230: 2, 999: 1])
        XCTAssertEqual(unknown.sorted.map(\.code), [230, 999])

        // The same through Float buffers, and merging counters.
        let floats: [Float] = [10, 230, .nan, 12.5, 70000, -5]
        var more = UnknownCodeCounter()
        let out2 = withOutputs(1, pixels: floats.count, fill: Int16(0)) { b in
            floats.withUnsafeBufferPointer { LandCoverLegend.esaCCI.reclassify($0, nodata: nil, into: b[0], unknown: &more) }
        }
        XCTAssertEqual(out2[0], [3, nd, nd, nd, nd, nd])
        XCTAssertEqual(more.counts, [230: 1, 70000: 1, -5: 1])
        unknown.merge(more)
        XCTAssertEqual(unknown.counts, [230: 3, 999: 1, 70000: 1, -5: 1])
        XCTAssertEqual(unknown.total, 6)
    }

    func testOverridingTheLegend() {
        let custom = LandCoverLegend.esaCCI.overriding([160: 1, 170: 1, 230: 6])
        XCTAssertEqual(custom.unccdClass(of: 160), 1)
        XCTAssertEqual(custom.unccdClass(of: 180), 4)
        XCTAssertEqual(custom.unccdClass(of: 230), 6)
        XCTAssertEqual(LandCoverLegend(json: ["1": 3, " 2 ": 7])?.mapping, [1: 3, 2: 7])
        XCTAssertNil(LandCoverLegend(json: ["x": 3]))
        XCTAssertNil(LandCoverLegend(json: ["1": 8]))
        // Codable round trip keeps the mapping (and the lookup works after decoding).
        let data = try! JSONEncoder().encode(custom)
        let back = try! JSONDecoder().decode(LandCoverLegend.self, from: data)
        XCTAssertEqual(back, custom)
        var unknown = UnknownCodeCounter()
        let out = withOutputs(1, pixels: 1, fill: Int16(0)) { b in
            [Int16(230)].withUnsafeBufferPointer { back.reclassify($0, nodata: nil, into: b[0], unknown: &unknown) }
        }
        XCTAssertEqual(out[0], [6])
    }

    /// The UNCCD default transition matrix, typed from Trends.Earth's
    /// land_cover_transition_matrix_unccd.json (rows: from tree-covered,
    /// grassland, cropland, wetland, artificial, other land, water; columns:
    /// to the same order; "-" degradation, "0" stable, "+" improvement).
    let matrixRows = [
        "0 - - - - - 0",
        "+ 0 + - - - 0",
        "+ - 0 - - - 0",
        "- - - 0 - - 0",
        "+ + + + 0 + 0",
        "+ + + + - 0 0",
        "0 0 0 0 0 0 0",
    ]

    func testEveryCellOfTheDefaultTransitionMatrix() {
        let m = TransitionMatrix.unccdDefault
        for (r, row) in matrixRows.enumerated() {
            for (c, cell) in row.split(separator: " ").enumerated() {
                let expected: Int16 = cell == "-" ? -1 : (cell == "+" ? 1 : 0)
                XCTAssertEqual(m.meaning(from: Int16(r + 1), to: Int16(c + 1)), expected, "\(r + 1) -> \(c + 1)")
            }
        }
        XCTAssertEqual(m.meaning(from: 0, to: 1), DegradationStatus.nodata)
        XCTAssertEqual(m.meaning(from: 1, to: DegradationStatus.nodata), DegradationStatus.nodata)
    }

    func testOverridingTheMatrixAndPixelStatus() {
        let m = TransitionMatrix.unccdDefault.overriding([3: [2: 0], 7: [6: -1]])
        XCTAssertEqual(m.meaning(from: 3, to: 2), 0)
        XCTAssertEqual(m.meaning(from: 7, to: 6), -1)
        XCTAssertEqual(m.meaning(from: 2, to: 3), 1)
        let a: [Int16] = [1, 2, 6, 7, DegradationStatus.nodata]
        let b: [Int16] = [3, 1, 5, 7, 1]
        let out = withOutputs(1, pixels: 5, fill: Int16(9)) { o in
            a.withUnsafeBufferPointer { aa in
                b.withUnsafeBufferPointer { TransitionMatrix.unccdDefault.status(initial: aa, final: $0, into: o[0]) }
            }
        }
        XCTAssertEqual(out[0], [-1, 1, -1, 0, DegradationStatus.nodata])
    }

    /// Two rows of three pixels; row areas 2 km2 and 3 km2.
    /// Transitions: row 0: 1->1, 1->3, 2->2; row 1: 1->3, 7->7, nodata->1.
    /// Tree->crop: 2 pixels, 2 + 3 = 5 km2 (degradation); stable: 1->1 (2), 2->2 (2), 7->7 (3) = 7 km2.
    func testTransitionTableCountsAndAreas() {
        let initial: [Int16] = [1, 1, 2, 1, 7, DegradationStatus.nodata]
        let final: [Int16] = [1, 3, 2, 3, 7, 1]
        let rowAreas: [Double] = [2, 3]
        var byRow = TransitionTable()
        initial.withUnsafeBufferPointer { i in
            final.withUnsafeBufferPointer { f in
                rowAreas.withUnsafeBufferPointer { byRow.add(initial: i, final: f, width: 3, rowAreaKm2: $0) }
            }
        }
        XCTAssertEqual(byRow.count(from: 1, to: 3), 2)
        XCTAssertEqual(byRow.areaKm2(from: 1, to: 3), 5)
        XCTAssertEqual(byRow.count(from: 7, to: 7), 1)
        XCTAssertEqual(byRow.nodataCount, 1)
        XCTAssertEqual(byRow.nodataAreaKm2, 3)
        let summary = byRow.summary(.unccdDefault)
        XCTAssertEqual(summary[-1]!.count, 2)
        XCTAssertEqual(summary[-1]!.areaKm2, 5)
        XCTAssertEqual(summary[0]!.areaKm2, 7)
        XCTAssertEqual(summary[1]!.count, 0)

        // Per-pixel areas, split in two windows and merged, give the same table.
        let pixelAreas: [Double] = [2, 2, 2, 3, 3, 3]
        var a = TransitionTable(), b = TransitionTable()
        initial.withUnsafeBufferPointer { i in
            final.withUnsafeBufferPointer { f in
                pixelAreas.withUnsafeBufferPointer { p in
                    a.add(initial: UnsafeBufferPointer(rebasing: i[3...]), final: UnsafeBufferPointer(rebasing: f[3...]),
                          pixelAreaKm2: UnsafeBufferPointer(rebasing: p[3...]))
                    b.add(initial: UnsafeBufferPointer(rebasing: i[..<3]), final: UnsafeBufferPointer(rebasing: f[..<3]),
                          pixelAreaKm2: UnsafeBufferPointer(rebasing: p[..<3]))
                }
            }
        }
        a.merge(b)
        XCTAssertEqual(a, byRow)
    }
}
