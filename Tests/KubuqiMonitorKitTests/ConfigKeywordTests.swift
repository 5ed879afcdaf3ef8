import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Enumerated config values behave one way (docs/ldn.md, "The configuration"): matched exactly as documented, in
/// lower case with `-` between words; any other case or separator is refused (exit 3) naming the file, the line,
/// the key and the value. `soc.climate` took any case and `_` (`Temperate_Dry`), `reducer`, `sensor` and `index`
/// any case, while the other keys were exact.
final class ConfigKeywordTests: XCTestCase {
    static let base = ConfigDocumentTests.base

    /// Every enumerated key: (config with the value in place of `V`, the documented value, variants refused).
    static let cases: [(key: String, config: String, valid: String, refused: [String])] = [
        ("soc.climate", base + "climate = \"V\"\n", "temperate-dry", ["Temperate_Dry", "temperate_dry", "temperateDry", "TEMPERATE-DRY", "Temperate-Dry"]),
        ("soc.climate", base + "climate = \"V\"\n", "tropical-montane", ["Tropical-Montane", "tropicalmontane"]),
        ("productivity.state", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nstate = \"V\"\n"),
         "z-score", ["Z-Score", "z_score"]),
        ("productivity.lpd_status", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nlpd_status = \"V\"\n"),
         "gpg", ["GPG", "Gpg"]),
        ("productivity.land_units", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nland_units = \"V\"\n"),
         "period-end", ["Period-End", "period_end"]),
        ("landcover.legend", base.replacingOccurrences(of: "[soc]\n", with: "legend = \"V\"\n[soc]\n"), "esa-cci", ["ESA-CCI", "esa_cci"]),
        ("windows.land_cover_start", base + "[windows]\nland_cover_start = \"V\"\n", "baseline-end", ["Baseline-End", "baseline_end"]),
        ("windows.preset", base + "[windows]\npreset = \"V\"\n", "trends-earth", ["Trends-Earth", "trends_earth", "trendsEarth"]),
        ("climate.method", base + "[climate]\nprecipitation = \"rain.tif\"\nmethod = \"V\"\n", "restrend", ["RESTREND", "Restrend"]),
        ("climate.correct", base + "[climate]\nprecipitation = \"rain.tif\"\ncorrect = \"V\"\n", "trajectory-state", ["Trajectory-State", "trajectory_state"]),
        ("productivity.collection.reducer", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                       with: "[productivity.collection]\ninputs = \"scenes/\"\nreducer = \"V\"\n"),
         "p90", ["P90", "Max", "MEDIAN"]),
        ("productivity.collection.sensor", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                      with: "[productivity.collection]\ninputs = \"scenes/\"\nsensor = \"V\"\n"),
         "landsat", ["Landsat", "LANDSAT", "S2"]),
        ("productivity.collection.index", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                     with: "[productivity.collection]\ninputs = \"scenes/\"\nsensor = \"landsat\"\nindex = \"V\"\n"),
         "evi2", ["EVI2", "Evi2"]),
    ]

    func load(_ text: String) throws -> LDNConfig {
        let tmp = try TemporaryFolder()
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp.file("ldn.toml")))
        return try LDNConfig.load(tmp.file("ldn.toml"))
    }

    func testEveryEnumeratedKeyTakesItsDocumentedSpellingOnly() throws {
        for c in Self.cases {
            XCTAssertNoThrow(try load(c.config.replacingOccurrences(of: "\"V\"", with: "\"\(c.valid)\"")), "\(c.key) = \(c.valid)")
            for v in c.refused {
                XCTAssertThrowsError(try load(c.config.replacingOccurrences(of: "\"V\"", with: "\"\(v)\"")), "\(c.key) = \(v)") { e in
                    let message = "\(e)"
                    XCTAssertEqual((e as? KubuqiError)?.kind, .input, message)
                    XCTAssertFalse(message.contains("\n"), message)
                    let key = c.key.split(separator: ".").suffix(c.key.hasPrefix("productivity.collection") ? 3 : 2).joined(separator: ".")
                    for f in ["ldn.toml:", key + ": ", "'\(v)'"] { XCTAssertTrue(message.contains(f), "'\(f)' not in: \(message)") }
                }
            }
        }
    }

    /// The message lists the documented spellings: `Temperate_Dry` is answered with `temperate-dry`.
    func testTheRefusalListsTheSpellings() {
        XCTAssertThrowsError(try load(Self.base + "climate = \"Temperate_Dry\"\n")) { e in
            XCTAssertTrue("\(e)".hasSuffix("soc.climate: unknown climate 'Temperate_Dry'; valid: temperate-dry, temperate-moist, tropical-dry, tropical-moist, tropical-montane"), "\(e)")
        }
    }
}
