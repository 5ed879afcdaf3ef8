import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// The config reader against the public toml-test suite (BurntSushi/toml-test, MIT; the cases
/// configs' features need, in Tests/Data/toml-test) and against the misreadings of issue 14 item 8.
final class ConfigDocumentTests: XCTestCase {
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/toml-test/tests")

    static func cases(_ kind: String) throws -> [URL] {
        let root = suite.appendingPathComponent(kind)
        let all = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
        return all.filter { $0.pathExtension == "toml" }.sorted { $0.path < $1.path }
    }

    // MARK: toml-test

    /// Every valid case parses to exactly the values of its tagged-JSON answer.
    func testTomlTestValidCases() throws {
        let cases = try Self.cases("valid")
        XCTAssertGreaterThan(cases.count, 80, "the toml-test cases are missing from \(Self.suite.path)")
        for toml in cases {
            let name = toml.path.replacingOccurrences(of: Self.suite.path + "/", with: "")
            let table: ConfigTable
            do { table = try ConfigDocument.parse(try Data(contentsOf: toml), file: name) } catch {
                XCTFail("\(name): valid TOML refused: \(error)"); continue
            }
            let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: toml.deletingPathExtension().appendingPathExtension("json")),
                                                            options: [.fragmentsAllowed])
            XCTAssertTrue(Self.same(.table(table), expected), "\(name): got \(table)")
        }
    }

    /// Every invalid case is refused with a one-line error naming the file.
    func testTomlTestInvalidCases() throws {
        let cases = try Self.cases("invalid")
        XCTAssertGreaterThan(cases.count, 150)
        for toml in cases {
            let name = toml.path.replacingOccurrences(of: Self.suite.path + "/", with: "")
            XCTAssertThrowsError(try ConfigDocument.parse(try Data(contentsOf: toml), file: name), name) { e in
                let text = "\(e)"
                XCTAssertTrue(text.hasPrefix(name + ":"), "\(name): \(text)")
                XCTAssertFalse(text.contains("\n"), "\(name): \(text)")
                XCTAssertEqual((e as? KubuqiError)?.kind, .input, name)
            }
        }
    }

    /// Compares a parsed value with toml-test's tagged JSON ({"type": ..., "value": "..."}).
    static func same(_ v: ConfigValue, _ json: Any) -> Bool {
        switch v {
        case .table(let t):
            guard let d = json as? [String: Any], Set(d.keys) == Set(t.keys) else { return false }
            return t.keys.allSatisfy { same(t[$0]!, d[$0]!) }
        case .array(let a):
            guard let j = json as? [Any], j.count == a.count else { return false }
            return zip(a, j).allSatisfy { same($0, $1) }
        default:
            guard let d = json as? [String: Any], let type = d["type"] as? String, let value = d["value"] as? String else { return false }
            switch v {
            case .string(let s): return type == "string" && s == value
            case .integer(let i): return type == "integer" && Int(value) == i
            case .boolean(let b): return type == "bool" && String(b) == value
            case .float(let x):
                guard type == "float" else { return false }
                if x.isNaN { return value.hasSuffix("nan") }
                if x.isInfinite { return value == (x > 0 ? "inf" : "-inf") || (x > 0 && value == "+inf") }
                guard let e = Double(value.replacingOccurrences(of: "_", with: "")) else { return false }
                return e == x  // toml-test writes -0.0 as "0"
            default: return false
            }
        }
    }

    // MARK: issue 14 item 8 reproducers, through LDNConfig

    func config(_ tmp: TemporaryFolder, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp.file("ldn.toml")))
        return tmp.file("ldn.toml")
    }

    static let base = """
    [productivity]
    stack = "ndvi.tif"
    [landcover]
    maps = { 2000 = "lc2000.tif", 2010 = "lc2010.tif" }
    [soc]
    baseline = "soc.tif"

    """

    func assertRefused(_ text: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let tmp = try TemporaryFolder()
        let path = try config(tmp, text)
        XCTAssertThrowsError(try LDNConfig.load(path), file: file, line: line) { e in
            let message = "\(e)"
            XCTAssertEqual((e as? KubuqiError)?.kind, .input, message, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
            for f in ["ldn.toml:"] + fragments { XCTAssertTrue(message.contains(f), "'\(f)' not in: \(message)", file: file, line: line) }
        }
    }

    /// A comment ending in CRLF no longer swallows the next line: the baseline is read.
    func testCRLFCommentKeepsTheNextLine() throws {
        let tmp = try TemporaryFolder()
        let text = (Self.base + "[periods]\n# baseline\nbaseline = [2003, 2013]\nreporting = [[2014, 2018]]\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let c = try LDNConfig.load(try config(tmp, text))
        XCTAssertEqual(c.baseline, 2003...2013)
        XCTAssertEqual(c.reporting, [2014...2018])
        XCTAssertEqual(c.landCoverMaps.keys.sorted(), [2000, 2010])
        // Errors in a CRLF file name the right line (Swift sees "\r\n" as one Character).
        try assertRefused(text.replacingOccurrences(of: "reporting = [[2014, 2018]]", with: "reporting = [[2014, 2018]]\r\nscale = 0"),
                          [":11:", "periods.scale", "unknown key"])
        try assertRefused(text.replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\r\nscale = 0"),
                          [":3:", "productivity.scale", "greater than 0"])
        try assertRefused(text + "\r\n\0", [":12:", "NUL"])
    }

    /// `02000` next to `2000` names the same year twice; alone it is refused as not written as a year.
    func testYearKeysAreNormalised() throws {
        try assertRefused(Self.base.replacingOccurrences(of: "2000 = \"lc2000.tif\"", with: "2000 = \"lc2000.tif\", 02000 = \"b.tif\""),
                          [":4:", "landcover.maps", "both name the year 2000"])
        try assertRefused(Self.base.replacingOccurrences(of: "2000 = \"lc2000.tif\"", with: "02000 = \"b.tif\""), [":4:", "landcover.maps", "as 2000"])
        try assertRefused(Self.base.replacingOccurrences(of: "2000 = \"lc2000.tif\"", with: "99999 = \"b.tif\""), ["landcover.maps", "not a plausible year"])
        try assertRefused(Self.base.replacingOccurrences(of: "2000 = \"lc2000.tif\"", with: "\"-2000\" = \"b.tif\""), ["landcover.maps", "not a year"])
    }

    /// Scales that would give an all-zero or infinite report are refused, naming the key and line.
    func testScaleIsFinitePositive() throws {
        for bad in ["1e39", "0", "-0.0001", "inf", "nan", "1e-50", "\"0.0001\""] {
            try assertRefused(Self.base.replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\nscale = \(bad)"),
                              [":3:", "productivity.scale"])
        }
        let tmp = try TemporaryFolder()
        let ok = try LDNConfig.load(try config(tmp, Self.base.replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"ndvi.tif\"\nscale = 1e-4")))
        XCTAssertEqual(ok.productivityScale, 0.0001)
        try assertRefused(Self.base.replacingOccurrences(of: "[landcover]", with: "minimum_slope = nan\n[landcover]"), ["productivity.minimum_slope", "finite"])
    }

    /// Year ranges outside the plausible span are refused at once (no allocation of 9e18 years).
    func testHugeYearRangesAreRefused() throws {
        try assertRefused(Self.base + "[periods]\nbaseline = [2000, 9223372036854775807]\n", [":8:", "periods.baseline", "not a plausible year"])
        try assertRefused(Self.base + "[periods]\nbaseline = [2000, 2010]\nreporting = [[-9223372036854775808, 2010]]\n",
                          [":9:", "periods.reporting", "not a plausible year"])
        try assertRefused(Self.base + "[periods]\nbaseline = [2010, 2000]\n", ["periods.baseline", "after the last year"])
        try assertRefused(Self.base + "[periods]\nbaseline = [2000.0, 2010]\n", ["periods.baseline", "expected a year"])
    }

    /// A reporting period given twice was computed twice into one folder (`reporting-2014-2018/`, the
    /// second run replacing the first) and listed twice in report.json and report.md, with exit 0; now
    /// exit 3 naming the key, its line and the period. State's two ranges keep their own check.
    func testAReportingPeriodGivenTwiceIsRefused() throws {
        try assertRefused(Self.base + "[periods]\nbaseline = [2000, 2013]\nreporting = [[2014, 2018], [2019, 2024], [2014, 2018]]\n",
                          [":9:", "periods.reporting", "the period 2014-2018 is given twice"])
        let tmp = try TemporaryFolder()
        let ok = try LDNConfig.load(try config(tmp, Self.base + "[periods]\nbaseline = [2000, 2013]\nreporting = [[2014, 2018], [2014, 2019]]\n"))
        XCTAssertEqual(ok.reporting, [2014...2018, 2014...2019])
    }

    /// An empty path (`stack = ""`) resolved to the config's own folder (or, for a config in the working
    /// folder, to "", reported as `: no such file` without the key); now exit 3 naming the key and line,
    /// for every path key (single paths, lists of paths; the year tables already did).
    func testEmptyPathsNameTheKey() throws {
        try assertRefused(Self.base.replacingOccurrences(of: "stack = \"ndvi.tif\"", with: "stack = \"\""),
                          [":2:", "productivity.stack", "the path is empty"])
        try assertRefused(Self.base.replacingOccurrences(of: "baseline = \"soc.tif\"", with: "baseline = \"\""),
                          [":6:", "soc.baseline", "the path is empty"])
        try assertRefused(Self.base + "[zones]\nfile = \"\"\n", [":8:", "zones.file", "the path is empty"])
        try assertRefused(Self.base + "[climate]\nprecipitation = \"\"\n", [":8:", "climate.precipitation", "the path is empty"])
    }

    /// Plausible years the productivity stack lacks are refused by `--check`, before any computing.
    func testPeriodsOutsideTheStackAreRefused() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        for periods in ["[periods]\nbaseline = [1990, 2010]\n", "[periods]\nbaseline = [2000, 2010]\nreporting = [[2008, 2030]]\n"] {
            let config = try LDNTestRegion.config(tmp, extra: "", periods: periods)
            XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: config, output: "", checkOnly: true, quiet: true))) { e in
                XCTAssertEqual((e as? KubuqiError)?.kind, .input)
                XCTAssertTrue("\(e)".contains("needs productivity for"), "\(e)")
            }
        }
    }

    /// 200,000 nested brackets are a parse error, not a stack overflow.
    func testDeepNestingIsAnError() throws {
        try assertRefused(Self.base + "[periods]\nbaseline = " + String(repeating: "[", count: 200_000) + "\n", ["ldn.toml:8:"])
    }

    /// Syntax errors name the line; a NUL byte cannot cut the document short.
    func testSyntaxErrorsNameTheLine() throws {
        try assertRefused(Self.base + "[periods]\nbaseline = [2000, 2010]\nreporting = [[2008, 2010]\n", ["ldn.toml:9:"])
        try assertRefused(Self.base + "[soc]\nclimate = \"x\"\n", ["ldn.toml:7:", "soc"])
        try assertRefused(Self.base + "[\r\n", ["ldn.toml:7:", "needs a name"])
        try assertRefused(Self.base + "[[[a]]]\n", ["ldn.toml:7:", "needs a name"])
        try assertRefused(Self.base + "[periods]\nbaseline = [2000, 2010]\0 reporting = 1\n", ["ldn.toml:8:", "NUL"])
    }

    /// A bounded property test: random text from TOML's alphabet either parses or fails with one
    /// line naming the file (in debug builds toml++'s assertions are live, so a crash shows here).
    func testRandomInputNeverCrashes() {
        var state: UInt64 = 12345
        let alphabet = Array("[]{}=,.\"'#\n\r \t abc123-_e+:truefalsinf\\")
        for _ in 0..<20000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<Int(state >> 58) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            do { _ = try ConfigDocument.parse(Data(text.utf8), file: "f.toml") } catch {
                let m = "\(error)"
                XCTAssertTrue(m.hasPrefix("f.toml:") && !m.contains("\n"), "\(text.debugDescription): \(m)")
            }
        }
    }

    /// Key lines follow headers, dotted keys and multi-line values.
    func testErrorsNameTheKeysLine() throws {
        let text = """
        [productivity]
        stack = "ndvi.tif"
        files = { 2000 = \"""
        a.tif\""" }
        [landcover]
        maps = { 2000 = "a.tif" }
        [soc]
        baseline = "soc.tif"
        [periods]
        reporting = [
          [2001, 2005],
          [2006, 2010],
        ]
        periods.baseline = 1
        """
        try assertRefused(text, [":3:", "productivity.files", "not both"])
        try assertRefused(text.replacingOccurrences(of: "files = { 2000 = \"\"\"\na.tif\"\"\" }", with: "x = '''\n[soc]\n'''"), [":3:", "productivity.x", "unknown key"])
        try assertRefused(text.replacingOccurrences(of: "files = { 2000 = \"\"\"\na.tif\"\"\" }\n", with: ""), [":12:", "periods.periods", "unknown key"])
    }
}
