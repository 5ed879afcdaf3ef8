import KubuqiRaster
import XCTest

/// RFC 4180, section 2: fields with commas, double quotes or line breaks are enclosed in double
/// quotes, a quote inside is doubled, records end with CRLF.
final class CSVTableTests: XCTestCase {
    func testQuotingFollowsRFC4180() {
        var t = CSVTable(header: ["a", "b", "c"])
        t.append(["SDG 15.3.1 (one out, all out)", "say \"hi\"", "plain"])
        t.append(["two\nlines", "", "cr\r\nlf"])
        XCTAssertEqual(t.text, "a,b,c\r\n\"SDG 15.3.1 (one out, all out)\",\"say \"\"hi\"\"\",plain\r\n\"two\nlines\",,\"cr\r\nlf\"\r\n")
    }
}
