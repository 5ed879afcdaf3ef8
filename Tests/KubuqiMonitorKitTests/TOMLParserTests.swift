import KubuqiMonitorKit
import XCTest

final class TOMLParserTests: XCTestCase {
    func testSubsetParses() throws {
        let t = try TOMLParser.parse("""
        # comment
        top = "a # not a comment"
        [a]
        n = 3
        x = -1.5e2
        flag = true
        list = [1, 2,
                3]   # trailing
        inline = { 2000 = 'C:\\path', k = "v" }
        [a.b]
        "quoted key" = "q\\tq"
        """)
        XCTAssertEqual(t["top"], .string("a # not a comment"))
        guard case .table(let a)? = t["a"] else { return XCTFail("a is a table") }
        XCTAssertEqual(a["n"], .integer(3))
        XCTAssertEqual(a["x"], .float(-150))
        XCTAssertEqual(a["flag"], .boolean(true))
        XCTAssertEqual(a["list"], .array([.integer(1), .integer(2), .integer(3)]))
        guard case .table(let inline)? = a["inline"] else { return XCTFail("inline table") }
        XCTAssertEqual(inline["2000"], .string("C:\\path"))
        guard case .table(let b)? = a["b"] else { return XCTFail("a.b") }
        XCTAssertEqual(b["quoted key"], .string("q\tq"))
        XCTAssertEqual(a.entries["list"]?.line, 7)
    }

    func testErrorsNameTheLine() {
        for (text, line, fragment) in [("a = 1\nb = \n", 2, "expected a value"), ("a = \"x\nb = 2", 1, "not closed"),
                                       ("[t]\nk = 1\n[t]\n", 3, "defined twice"), ("k = yes\n", 1, "strings need quotes"),
                                       ("k = 1 2\n", 1, "after the value")] {
            XCTAssertThrowsError(try TOMLParser.parse(text)) { e in
                let s = e as! TOMLParser.SyntaxError
                XCTAssertEqual(s.line, line, "\(text): \(s)")
                XCTAssertTrue(s.message.contains(fragment), "\(text): \(s)")
            }
        }
    }

    func testRandomInputNeverCrashes() {
        // A bounded property test: random bytes from the syntax's alphabet either parse or fail with a line number.
        var state: UInt64 = 12345
        let alphabet = Array("[]{}=,.\"'#\n \t abc123-_e+truefals")
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(state % 60) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            do { _ = try TOMLParser.parse(text) } catch let e as TOMLParser.SyntaxError {
                XCTAssertGreaterThan(e.line, 0)
            } catch { XCTFail("unexpected error \(error)") }
        }
    }
}
