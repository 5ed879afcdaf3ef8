import KubuqiIndicators
import XCTest

/// Every cell of the productivity combination, against a copy typed here
/// from the 5-class rules (Trends.Earth calc_prod5, the implementation of
/// GPG v2 §4.2.5 the defaults follow), written as the rules read:
/// a significant declining trajectory is "declining" whatever the rest; with
/// a stable trajectory, a declining state with low performance is declining,
/// a declining state alone early signs of decline, low performance alone
/// stable but stressed; with an increasing trajectory, a declining state
/// with low performance is early signs of decline; everything else follows
/// the trajectory (stable 4, increasing 5).
final class LPDCombinationTests: XCTestCase {
    /// "trajectory state performance" -> class; − decline / 0 stable / + increase; D degraded, N not.
    let transcription: [String: Int16] = [
        "− − D": 1, "− − N": 1, "− 0 D": 1, "− 0 N": 1, "− + D": 1, "− + N": 1,
        "0 − D": 1, "0 − N": 2, "0 0 D": 3, "0 0 N": 4, "0 + D": 4, "0 + N": 4,
        "+ − D": 2, "+ − N": 5, "+ 0 D": 5, "+ 0 N": 5, "+ + D": 5, "+ + N": 5,
    ]

    func code(_ s: Substring) -> Int16 {
        switch s {
        case "−", "D": -1
        case "0", "N": 0
        default: 1
        }
    }

    func testEveryCell() {
        XCTAssertEqual(transcription.count, 18)
        for (key, expected) in transcription {
            let p = key.split(separator: " ")
            let c = LPDCombination.trendsEarth.lpdClass(trajectory: code(p[0]), state: code(p[1]), performance: code(p[2]))
            XCTAssertEqual(c, expected, key)
        }
    }

    func testStatusOfClasses() {
        // Classes 1 and 2 degraded, 3 and 4 stable, 5 improved.
        let lpd = LPDCombination.trendsEarth
        XCTAssertEqual((1...5).map { lpd.status(lpdClass: Int16($0)) }, [-1, -1, 0, 0, 1])
        XCTAssertEqual(lpd.status(lpdClass: 0), DegradationStatus.nodata)
        XCTAssertEqual(lpd.status(lpdClass: DegradationStatus.nodata), DegradationStatus.nodata)
        let strict = LPDCombination(table: lpd.table, statusByClass: [-1, -1, -1, 0, 1])
        XCTAssertEqual(strict.status(lpdClass: 3), -1)
        XCTAssertEqual(LPDClass(rawValue: 3)?.description, "Stable but stressed")
    }

    func testNodataAndInvalidInputs() {
        let lpd = LPDCombination.trendsEarth
        XCTAssertEqual(lpd.lpdClass(trajectory: DegradationStatus.nodata, state: 0, performance: 0), DegradationStatus.nodata)
        XCTAssertEqual(lpd.lpdClass(trajectory: 0, state: DegradationStatus.nodata, performance: 0), DegradationStatus.nodata)
        XCTAssertEqual(lpd.lpdClass(trajectory: 0, state: 0, performance: DegradationStatus.nodata), DegradationStatus.nodata)
        // Performance has no "improved": 1 is not a valid code.
        XCTAssertEqual(lpd.lpdClass(trajectory: 0, state: 0, performance: 1), DegradationStatus.nodata)
        XCTAssertEqual(lpd.lpdClass(trajectory: 2, state: 0, performance: 0), DegradationStatus.nodata)
    }

    func testBuffersAndExternalRaster() {
        let t: [Int16] = [-1, 0, 1, 0]
        let s: [Int16] = [1, -1, -1, DegradationStatus.nodata]
        let p: [Int16] = [0, 0, -1, 0]
        let external: [Float] = [0, 1, 2.0, 3, 4, 5, 6, -32768, .nan, 2.5]
        let out = withOutputs(2, pixels: 4, fill: Int16(0)) { b in
            t.withUnsafeBufferPointer { tt in
                s.withUnsafeBufferPointer { ss in
                    p.withUnsafeBufferPointer { pp in
                        LPDCombination.trendsEarth.lpdClass(trajectory: tt, state: ss, performance: pp, into: b[0])
                    }
                }
            }
            LPDCombination.trendsEarth.status(lpdClasses: UnsafeBufferPointer(b[0]), into: b[1])
        }
        XCTAssertEqual(out[0], [1, 2, 2, DegradationStatus.nodata])
        XCTAssertEqual(out[1], [-1, -1, -1, DegradationStatus.nodata])
        let accepted = withOutputs(1, pixels: external.count, fill: Int16(0)) { b in
            external.withUnsafeBufferPointer { LPDCombination.acceptExternal($0, into: b[0]) }
        }
        let nd = DegradationStatus.nodata
        XCTAssertEqual(accepted[0], [nd, 1, 2, 3, 4, 5, nd, nd, nd, nd])
    }
}
