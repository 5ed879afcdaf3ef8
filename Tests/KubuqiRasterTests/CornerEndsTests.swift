@testable import KubuqiRaster
import XCTest

/// `CornerEnds` (EdgeStrings' map of string extremities, flat arrays up to `linearLimit` corners, a Dictionary
/// beyond) against Swift's `Dictionary` as the reference map: random inserts, updates and removals over few and
/// over many corners (so both forms and the switch between them run), every lookup compared.
final class CornerEndsTests: XCTestCase {
    func testSameAsADictionaryBelowAndBeyondTheLinearLimit() {
        var rng = SystemRandomNumberGenerator()
        for corners in [4, CornerEnds.linearLimit, CornerEnds.linearLimit + 1, 200] {
            var map = CornerEnds(), reference: [PixelCorner: EdgeStrings.Ends] = [:]
            for round in 0..<3 {
                for _ in 0..<2_000 {
                    let c = PixelCorner(x: Int32.random(in: 0..<Int32(corners), using: &rng), y: Int32(round))
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0, 1:
                        let v = (Int.random(in: 0..<100, using: &rng), Int.random(in: -1..<100, using: &rng))
                        map[c] = v
                        reference[c] = v
                    default:
                        map[c] = nil
                        reference[c] = nil
                    }
                    let got = map[c], want = reference[c]
                    XCTAssertEqual(got?.first, want?.first)
                    XCTAssertEqual(got?.second, want?.second)
                }
                for x in 0..<Int32(corners) {
                    let c = PixelCorner(x: x, y: Int32(round))
                    XCTAssertEqual(map[c]?.first, reference[c]?.first, "corner \(x) of \(corners)")
                    XCTAssertEqual(map[c]?.second, reference[c]?.second, "corner \(x) of \(corners)")
                }
                map.removeAll()
                reference.removeAll()
                XCTAssertNil(map[PixelCorner(x: 0, y: Int32(round))], "emptied")
            }
        }
    }
}
