import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Config cases of the outside audit (session 13): a value given twice in two forms is refused, and a TOML
/// date is read as the date it is.
final class LDNConfigAuditTests: XCTestCase {
    /// The smallest valid config (its inputs need not exist to be read), as the config document tests'.
    static let base = ConfigDocumentTests.base

    func load(_ text: String) throws -> LDNConfig {
        let tmp = try TemporaryFolder()
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp.file("ldn.toml")))
        return try LDNConfig.load(tmp.file("ldn.toml"))
    }

    func assertRefused(_ text: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text), file: file, line: line) { e in
            let message = "\(e)"
            XCTAssertEqual((e as? KubuqiError)?.kind, .input, message, file: file, line: line)
            XCTAssertEqual(KubuqiError.Kind.input.rawValue, 3)
            XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
            for f in ["ldn.toml:"] + fragments { XCTAssertTrue(message.contains(f), "'\(f)' not in: \(message)", file: file, line: line) }
        }
    }

    /// `climate` and `climate_zones` both given: the zones were used and `climate` ignored without a word.
    func testClimateAndClimateZonesTogetherAreRefused() throws {
        let both = Self.base.replacingOccurrences(of: "baseline = \"soc.tif\"\n",
                                                  with: "baseline = \"soc.tif\"\nclimate = \"tropical-dry\"\nclimate_zones = \"zones.tif\"\n")
        assertRefused(both, [":8:", "soc.climate_zones", "not both"])
        let zonesOnly = try load(Self.base.replacingOccurrences(of: "baseline = \"soc.tif\"\n", with: "baseline = \"soc.tif\"\nclimate_zones = \"zones.tif\"\n"))
        XCTAssertTrue(zonesOnly.climateZones?.hasSuffix("/zones.tif") == true)
        let climateOnly = try load(Self.base.replacingOccurrences(of: "baseline = \"soc.tif\"\n", with: "baseline = \"soc.tif\"\nclimate = \"tropical-dry\"\n"))
        XCTAssertNil(climateOnly.climateZones)
        XCTAssertEqual(climateOnly.climate, .tropicalDry)
    }

    /// `[report] date = 2026-06-30` (a TOML local date) was refused as "expected a string, got a date"; it is the
    /// date it says, as the string "2026-06-30" is. A date-time, a time or an impossible date stays an error.
    func testReportDateAsATOMLDate() throws {
        XCTAssertEqual(try load(Self.base + "[report]\ndate = 2026-06-30\n").titleBlock.date, "2026-06-30")
        XCTAssertEqual(try load(Self.base + "[report]\ndate = \"2026-06-30\"\n").titleBlock.date, "2026-06-30")
        assertRefused(Self.base + "[report]\ndate = 2026-06-30T10:00:00Z\n", [":8:", "report.date", "expected a date YYYY-MM-DD"])
        assertRefused(Self.base + "[report]\ndate = 10:00:00\n", [":8:", "report.date", "expected a date YYYY-MM-DD"])
        assertRefused(Self.base + "[report]\ndate = \"2026-02-30\"\n", [":8:", "report.date", "'2026-02-30'"])
        assertRefused(Self.base + "[report]\ndate = 20260630\n", [":8:", "report.date", "expected a date YYYY-MM-DD, got an integer"])
    }
}

extension LDNConfigAuditTests {
    static let periods = "[periods]\nbaseline = [2000, 2013]\nreporting = [[2014, 2018]]\n[windows.reporting-2014-2018]\n"

    /// A window override too short to compute was refused by the run naming the period only (no key, no line), and
    /// a 2-year state baseline as "the period 2014-2018 has 5 years ... give the baseline at least 6 years".
    func testShortWindowOverridesNameTheirKeyAndLine() {
        assertRefused(Self.base + Self.periods + "trajectory = [2017, 2018]\n",
                      [":11:", "windows.reporting-2014-2018.trajectory", "2017-2018 has 2 years", "needs at least 3"])
        assertRefused(Self.base + Self.periods + "state = [[2014, 2015], [2016, 2018]]\n",
                      [":11:", "windows.reporting-2014-2018.state", "2014-2015 are 2", "at least 3"])
        XCTAssertNoThrow(try load(Self.base + Self.periods + "trajectory = [2016, 2018]\nstate = [[2013, 2015], [2016, 2018]]\n"))
    }
}
