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

    /// `remove(_:at:)` and `insert(_:at:)` (one search each) against the same steps done on a `Dictionary` by hand:
    /// taking a string off a corner's ends (the second moves up, the corner goes with the last), adding one (first, else
    /// second), and false for a string with no end there; in both forms.
    func testRemoveAndInsertAsTheirStepsOnADictionary() {
        var rng = SystemRandomNumberGenerator()
        for corners in [4, CornerEnds.linearLimit, CornerEnds.linearLimit + 1, 200] {
            var map = CornerEnds(), reference: [PixelCorner: EdgeStrings.Ends] = [:]
            var removed = 0, refused = 0
            for _ in 0..<6_000 {
                let c = PixelCorner(x: Int32.random(in: 0..<Int32(corners), using: &rng), y: Int32.random(in: 0..<2, using: &rng))
                let id = Int.random(in: 0..<6, using: &rng)
                if Bool.random(using: &rng) {
                    map.insert(id, at: c)
                    if var e = reference[c] { e.second = id; reference[c] = e } else { reference[c] = (id, -1) }
                } else {
                    var expected = false
                    if var e = reference[c] {
                        if e.first == id {
                            e.first = e.second
                            e.second = -1
                            reference[c] = e.first < 0 ? nil : e
                            expected = true
                        } else if e.second == id {
                            e.second = -1
                            reference[c] = e
                            expected = true
                        }
                    }
                    XCTAssertEqual(map.remove(id, at: c), expected)
                    if expected { removed += 1 } else { refused += 1 }
                }
                XCTAssertEqual(map[c]?.first, reference[c]?.first)
                XCTAssertEqual(map[c]?.second, reference[c]?.second)
            }
            for x in 0..<Int32(corners) {
                for y in Int32(0)..<2 {
                    let c = PixelCorner(x: x, y: y)
                    XCTAssertEqual(map[c]?.first, reference[c]?.first, "corner (\(x), \(y)) of \(corners)")
                    XCTAssertEqual(map[c]?.second, reference[c]?.second, "corner (\(x), \(y)) of \(corners)")
                }
            }
            XCTAssertGreaterThan(removed, 100)
            XCTAssertGreaterThan(refused, 100)
        }
    }
}
