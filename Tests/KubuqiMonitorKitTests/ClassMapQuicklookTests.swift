import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// Issue 19: quicklook text drawn by FreeType in DejaVu Sans (anti-aliased, proportional), and the
/// north arrow and scale bar beside and under the map, never over it, even on a tiny grid.
final class ClassMapQuicklookTests: XCTestCase {
    let green = Canvas.Color(10, 200, 30)

    func testDecorationsStayOffTheMapOnATinyGrid() throws {
        let q = ClassMapQuicklook(title: "Tiny grid", subtitle: ["one line"], entries: [.init(code: 1, name: "improved", color: green, detail: "0.36 ha")])
        // 4 x 3 pixels of 30 m: drawn 4 times larger (16 x 12), a 30 m scale bar fits under it.
        let c = try q.render(codes: Array(repeating: 1, count: 12), width: 4, height: 3, pixelSize: 30)
        let top = 34 + 16, left = 20
        for y in top..<(top + 12) {
            for x in left..<(left + 16) {
                let i = (y * c.width + x) * 4
                XCTAssertEqual([c.pixels[i], c.pixels[i + 1], c.pixels[i + 2]], [10, 200, 30], "map pixel (\(x), \(y)) is covered")
            }
        }
        // Something (the arrow) is drawn right of the map, and (the scale bar) under it.
        func ink(_ xs: Range<Int>, _ ys: Range<Int>) -> Int {
            var n = 0
            for y in ys { for x in xs { let i = (y * c.width + x) * 4; if c.pixels[i] < 60 && c.pixels[i + 1] < 60 { n += 1 } } }
            return n
        }
        XCTAssertGreaterThan(ink((left + 17)..<(left + 16 + 40), top..<(top + 40)), 20, "north arrow")
        XCTAssertGreaterThan(ink(left..<(left + 16), (top + 13)..<(top + 30)), 5, "scale bar")
    }

    func testTextIsAntialiasedAndProportional() throws {
        let font = try FontFaceHandle.load()
        XCTAssertGreaterThan(font.width("WWWW", size: 15), font.width("iiii", size: 15) * 2, "a proportional font, not a 5 x 7 grid")
        var c = Canvas(width: 200, height: 40)
        c.text("Legend 2024", x: 4, y: 4, size: 20, font: font)
        var levels = Set<UInt8>()
        for i in stride(from: 0, to: c.pixels.count, by: 4) { levels.insert(c.pixels[i]) }
        XCTAssertGreaterThan(levels.count, 10, "grey levels at the glyph edges: FreeType's anti-aliased rendering")
        XCTAssertTrue(levels.contains { $0 < 40 }, "ink")
    }

    func testMissingFontIsNamed() {
        XCTAssertThrowsError(try FontFace(path: "/nonexistent/DejaVuSans.ttf")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/DejaVuSans.ttf: the quicklook font is missing") && "\(e)".contains("fonts-dejavu-core"), "\(e)")
        }
    }
}
