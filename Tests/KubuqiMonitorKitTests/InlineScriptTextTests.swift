import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// ``InlineScriptText/escaped(_:)`` against Foundation's `replacingOccurrences(of: "</", with: "<\\/")`, the
/// replacement it stands for (the report's page must keep its bytes): `</` at the start, in the middle and in the
/// last two bytes, a `<` alone at the end, runs of `<`, multibyte and combining characters around them, and text
/// without any `</` returned as it is.
final class InlineScriptTextTests: XCTestCase {
    func foundation(_ s: String) -> String { s.replacingOccurrences(of: "</", with: "<\\/") }

    func testEdgesAgainstFoundation() {
        let cases = ["", "<", "/", "</", "<<//", "a</", "</a", "x<", "<x/", "</script>", "<\u{301}/", "</\u{301}", "é</é", "😀</😀<",
                     "\u{226E}/", "<<<", "a</b</c", "<\\/", String(repeating: "A", count: 4096) + "</"]
        for s in cases { XCTAssertEqual(InlineScriptText.escaped(s), foundation(s), "\(s.debugDescription)") }
        XCTAssertEqual(InlineScriptText.escaped("ab</"), "ab<\\/")
    }

    func testRandomTextAgainstFoundation() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [String] = ["<", "/", "a", "\\", "é", "\u{301}", "😀", "\"", ">"]
        for _ in 0..<3000 {
            let s = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            XCTAssertEqual(InlineScriptText.escaped(s), foundation(s), "\(s.debugDescription)")
        }
    }

    /// The report's case: megabytes of base64 (no `<`), returned unchanged; one `</` near the end is still found.
    func testLargeLayerData() {
        let base64 = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).base64EncodedString()
        let json = "[{\"png\":\"\(base64)\",\"name\":\"a layer\"}]"
        XCTAssertEqual(InlineScriptText.escaped(json), json)
        let tagged = json + "</script>"
        XCTAssertEqual(InlineScriptText.escaped(tagged), foundation(tagged))
        XCTAssertTrue(InlineScriptText.escaped(tagged).hasSuffix("<\\/script>"))
    }
}
