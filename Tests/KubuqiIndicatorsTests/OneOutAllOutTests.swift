import KubuqiIndicators
import XCTest

final class OneOutAllOutTests: XCTestCase {
    /// All 27 combinations of (land cover, productivity, SOC) in −1, 0, 1, SOC
    /// varying fastest, typed from the rule "any degraded -> degraded, else any
    /// improved -> improved, else stable" (D degraded, S stable, I improved).
    let expected = "DDDDDDDDD" + "DDDDSIDII" + "DDDDIIDII"

    func testEveryCell() {
        let values: [Int16] = [-1, 0, 1]
        var k = expected.startIndex
        for lc in values {
            for prod in values {
                for soc in values {
                    let e: Int16 = expected[k] == "D" ? -1 : (expected[k] == "I" ? 1 : 0)
                    XCTAssertEqual(OneOutAllOut.combine([lc, prod, soc]), e, "\(lc) \(prod) \(soc)")
                    k = expected.index(after: k)
                }
            }
        }
    }

    func testNodataRules() {
        let nd = DegradationStatus.nodata
        // Trends.Earth: any nodata sub-indicator makes the pixel nodata, even next to a degradation.
        XCTAssertEqual(OneOutAllOut.combine([-1, nd, 0]), nd)
        XCTAssertEqual(OneOutAllOut.combine([0, 0, nd]), nd)
        // Ignoring missing sub-indicators: combine what is there.
        XCTAssertEqual(OneOutAllOut.combine([-1, nd, 0], rule: .ignoreMissing), -1)
        XCTAssertEqual(OneOutAllOut.combine([1, nd, 0], rule: .ignoreMissing), 1)
        XCTAssertEqual(OneOutAllOut.combine([nd, nd, nd], rule: .ignoreMissing), nd)
        XCTAssertEqual(OneOutAllOut.combine([0, 7, 0], rule: .ignoreMissing), 0)
    }

    func testBuffers() {
        let nd = DegradationStatus.nodata
        let a: [Int16] = [0, 1, 0, -1, nd]
        let b: [Int16] = [0, 0, 1, 1, 0]
        let c: [Int16] = [0, 0, -1, 1, 1]
        let out = withOutputs(2, pixels: 5, fill: Int16(5)) { o in
            a.withUnsafeBufferPointer { aa in
                b.withUnsafeBufferPointer { bb in
                    c.withUnsafeBufferPointer { cc in
                        OneOutAllOut.combine(aa, bb, cc, into: o[0])
                        OneOutAllOut.combine(aa, bb, cc, rule: .ignoreMissing, into: o[1])
                    }
                }
            }
        }
        XCTAssertEqual(out[0], [0, 1, -1, -1, nd])
        XCTAssertEqual(out[1], [0, 1, -1, -1, 1])
    }

    /// The expanded status matrix, typed from the GPG addendum as coded in
    /// Trends.Earth's sdg_status_expanded (baseline row, reporting column):
    /// degraded:  1 persistent degradation, 3 baseline degradation, 6 recent improvement
    /// stable:    2 recent degradation,     4 stable,               6 recent improvement
    /// improved:  2 recent degradation,     5 baseline improvement, 7 persistent improvement
    /// and the simple status: 1–3 degraded, 4 stable, 5–7 improved.
    func testEveryCellOfTheStatusComparison() {
        let cells: [(baseline: Int16, reporting: Int16, expanded: ExpandedStatus, status: Int16)] = [
            (-1, -1, .persistentDegradation, -1), (-1, 0, .baselineDegradation, -1), (-1, 1, .recentImprovement, 1),
            (0, -1, .recentDegradation, -1), (0, 0, .stable, 0), (0, 1, .recentImprovement, 1),
            (1, -1, .recentDegradation, -1), (1, 0, .baselineImprovement, 1), (1, 1, .persistentImprovement, 1),
        ]
        let table = StatusComparison.gpgAddendum
        for c in cells {
            XCTAssertEqual(table.expanded(baseline: c.baseline, reporting: c.reporting), c.expanded.rawValue,
                           "\(c.baseline) -> \(c.reporting)")
            XCTAssertEqual(table.status(baseline: c.baseline, reporting: c.reporting), c.status,
                           "\(c.baseline) -> \(c.reporting)")
        }
        XCTAssertEqual(table.status(baseline: DegradationStatus.nodata, reporting: 0), DegradationStatus.nodata)
        XCTAssertEqual(table.expanded(baseline: 0, reporting: 2), DegradationStatus.nodata)

        let base: [Int16] = [-1, 1, DegradationStatus.nodata]
        let rep: [Int16] = [0, 0, 0]
        let out = withOutputs(2, pixels: 3, fill: Int16(0)) { o in
            base.withUnsafeBufferPointer { b in
                rep.withUnsafeBufferPointer { table.run(baseline: b, reporting: $0, expanded: o[0], status: o[1]) }
            }
        }
        XCTAssertEqual(out[0], [3, 5, DegradationStatus.nodata])
        XCTAssertEqual(out[1], [-1, 1, DegradationStatus.nodata])
    }
}
