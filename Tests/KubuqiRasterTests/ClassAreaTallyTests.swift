import Foundation
import KubuqiRaster
import XCTest

/// Class areas: hand-worked sums, and the same bits whatever the cut.
final class ClassAreaTallyTests: XCTestCase {
    func testHandWorkedAreasAndZones() {
        var t = ClassAreaTally()
        // Three 30 m pixels of class 1 (2700 m2), one of class 2, zone 0 and zone 5.
        t.add(code: 1, pixels: 3, pixelArea: 900)
        t.add(zone: 5, code: 2, pixelArea: 900)
        t.add(zone: 5, code: 1, pixelArea: 900)
        XCTAssertEqual(t.squareMetres[.init(zone: 0, code: 1)], 2700)
        XCTAssertEqual(t.pixels[.init(zone: 5, code: 2)], 1)
        let byClass = t.byClass
        XCTAssertEqual(byClass.pixels[.init(zone: 0, code: 1)], 4)
        XCTAssertEqual(byClass.squareMetres[.init(zone: 0, code: 1)], 3600)
        XCTAssertEqual(byClass.squareMetres[.init(zone: 0, code: 2)], 900)
    }

    /// A tally saved by an earlier version (areas as Double m2) still decodes.
    /// `squareMetres(_:)`, one key's area (the reports' per-zone look-up), by hand: 900.0004 m2 is 900000 units
    /// (0.001 m2, rounded), three of them 2700 m2; an absent key has none.
    func testOneKeysSquareMetres() {
        var t = ClassAreaTally()
        t.add(zone: 7, code: 1, pixels: 3, pixelArea: 900.0004)
        XCTAssertEqual(t.squareMetres(.init(zone: 7, code: 1)), 2700)
        XCTAssertNil(t.squareMetres(.init(zone: 7, code: 2)))
        XCTAssertNil(t.squareMetres(.init(zone: 8, code: 1)))
    }

    func testEarlierJSONDecodes() throws {
        var t = ClassAreaTally()
        t.add(zone: 2, code: -1, pixels: 3, pixelArea: 900)
        let now = try JSONDecoder().decode(ClassAreaTally.self, from: JSONEncoder().encode(t))
        XCTAssertEqual(now, t)
        let earlier = try JSONSerialization.data(withJSONObject: [
            "pixels": [["zone": 2, "code": -1], 3], "squareMetres": [["zone": 2, "code": -1], 2700.0],
        ])
        XCTAssertEqual(try JSONDecoder().decode(ClassAreaTally.self, from: earlier), t)
    }

    /// Rows of a 1/120-degree grid from 40 N northwards (areas that change with
    /// every row and are not round numbers), tallied whole, cut into chunks of
    /// different widths, and merged in reverse: the same counts and bits.
    func testSameBitsWhateverTheCutAndMergeOrder() {
        let width = 97, height = 40
        var rng = SplitMix64(seed: 7)
        let codes = (0..<(width * height)).map { _ in Float(rng.next() % 4) }
        // Cell area of a 1/120-degree cell on a sphere of radius 6,371,008.8 m.
        let r = 6_371_008.8, d = Double.pi / 180 / 120
        let areas = (0..<height).map { row in
            let lat = (40 + Double(row) / 120) * .pi / 180
            return r * r * d * (sin(lat + d) - sin(lat))
        }
        func tally(chunk: Int, reversed: Bool) -> ClassAreaTally {
            var parts: [ClassAreaTally] = []
            codes.withUnsafeBufferPointer { all in
                for row in 0..<height {
                    for start in stride(from: 0, to: width, by: chunk) {
                        var part = ClassAreaTally()
                        let piece = UnsafeBufferPointer(rebasing: all[(row * width + start)..<(row * width + min(width, start + chunk))])
                        part.addRow(codes: piece, zones: nil, pixelArea: areas[row], nodataCode: -1)
                        parts.append(part)
                    }
                }
            }
            if reversed { parts.reverse() }
            return parts.reduce(into: ClassAreaTally()) { $0.merge($1) }
        }
        let whole = tally(chunk: width, reversed: false)
        for (chunk, reversed) in [(1, true), (13, false), (50, true)] {
            XCTAssertEqual(tally(chunk: chunk, reversed: reversed), whole, "chunks of \(chunk)")
        }
        XCTAssertEqual(whole.pixels.values.reduce(0, +), width * height)
        // Against the pixel-by-pixel sum in Double: within the 0.0005 m2 rounding per pixel.
        let total = whole.squareMetres.values.reduce(0, +)
        let direct = (0..<height).reduce(0.0) { $0 + Double(width) * areas[$1] }
        XCTAssertEqual(total, direct, accuracy: 0.0005 * Double(width * height))
    }
}
