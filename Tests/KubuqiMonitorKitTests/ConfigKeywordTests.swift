import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Enumerated config values follow the rule of every enumerated value (docs/cli.md, "How values are spelled";
/// ``EnumeratedValue``): matched against the documented spellings ignoring case, as the command line's options
/// and GDAL's own values are; any other separator or spelling is refused (exit 3) naming the file, the line, the key
/// and the value, with the accepted spellings and the closest. Before (session 17) config values were matched exactly
/// (`Temperate-Dry` refused) while the same values on the command line (`--reducer MEDIAN`) took any case.
final class ConfigKeywordTests: XCTestCase {
    static let base = ConfigDocumentTests.base

    /// Every enumerated key: (config with the value in place of `V`, the documented value, variants refused).
    static let cases: [(key: String, config: String, valid: String, cased: [String], refused: [String])] = [
        ("soc.climate", base + "climate = \"V\"\n", "temperate-dry", ["TEMPERATE-DRY", "Temperate-Dry"], ["Temperate_Dry", "temperate_dry", "temperateDry", "temperate dry"]),
        ("soc.climate", base + "climate = \"V\"\n", "tropical-montane", ["Tropical-Montane"], ["tropicalmontane", "tropical_montane"]),
        ("productivity.state", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nstate = \"V\"\n"),
         "z-score", ["Z-Score", "Z-SCORE"], ["z_score", "zscore"]),
        ("productivity.lpd_status", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nlpd_status = \"V\"\n"),
         "gpg", ["GPG", "Gpg"], ["gpg2", "g-p-g"]),
        ("productivity.land_units", base.replacingOccurrences(of: "stack = \"ndvi.tif\"\n", with: "stack = \"ndvi.tif\"\nland_units = \"V\"\n"),
         "period-end", ["Period-End"], ["period_end", "periodend"]),
        // legend: any other value is a JSON legend file's path (`esa_cci` is then a file that is not there).
        ("landcover.legend", base.replacingOccurrences(of: "[soc]\n", with: "legend = \"V\"\n[soc]\n"), "esa-cci", ["ESA-CCI"], []),
        ("windows.land_cover_start", base + "[windows]\nland_cover_start = \"V\"\n", "baseline-end", ["Baseline-End"], ["baseline_end"]),
        ("windows.preset", base + "[windows]\npreset = \"V\"\n", "trends-earth", ["Trends-Earth", "TRENDS-EARTH"], ["trends_earth", "trendsEarth"]),
        ("climate.method", base + "[climate]\nprecipitation = \"rain.tif\"\nmethod = \"V\"\n", "restrend", ["RESTREND", "Restrend"], ["res-trend", "restrnd2"]),
        ("climate.correct", base + "[climate]\nprecipitation = \"rain.tif\"\ncorrect = \"V\"\n", "trajectory-state", ["Trajectory-State"], ["trajectory_state"]),
        ("productivity.collection.reducer", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                       with: "[productivity.collection]\ninputs = \"scenes/\"\nreducer = \"V\"\n"),
         "p90", ["P90", "Max", "MEDIAN"], ["p101", "p-1", "maximum", "med ian"]),
        ("productivity.collection.sensor", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                      with: "[productivity.collection]\ninputs = \"scenes/\"\nsensor = \"V\"\n"),
         "landsat", ["Landsat", "LANDSAT", "S2", "Landsat-C2L2"], ["landsat_c2l2", "sentinel"]),
        ("productivity.collection.index", base.replacingOccurrences(of: "[productivity]\nstack = \"ndvi.tif\"\n",
                                                                     with: "[productivity.collection]\ninputs = \"scenes/\"\nsensor = \"landsat\"\nindex = \"V\"\n"),
         "evi2", ["EVI2", "Evi2"], ["evi-2", "evi3"]),
    ]

    func load(_ text: String) throws -> LDNConfig {
        let tmp = try TemporaryFolder()
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp.file("ldn.toml")))
        return try LDNConfig.load(tmp.file("ldn.toml"))
    }

    func testEveryEnumeratedKeyTakesItsDocumentedSpellingInAnyCaseOnly() throws {
        for c in Self.cases {
            for v in [c.valid] + c.cased {
                XCTAssertNoThrow(try load(c.config.replacingOccurrences(of: "\"V\"", with: "\"\(v)\"")), "\(c.key) = \(v)")
            }
            for v in c.refused {
                XCTAssertThrowsError(try load(c.config.replacingOccurrences(of: "\"V\"", with: "\"\(v)\"")), "\(c.key) = \(v)") { e in
                    let message = "\(e)"
                    XCTAssertEqual((e as? KubuqiError)?.kind, .input, message)
                    XCTAssertFalse(message.contains("\n"), message)
                    let key = c.key.split(separator: ".").suffix(c.key.hasPrefix("productivity.collection") ? 3 : 2).joined(separator: ".")
                    for f in ["ldn.toml:", key + ": ", "unknown value '\(v)'", "accepted: "] { XCTAssertTrue(message.contains(f), "'\(f)' not in: \(message)") }
                }
            }
        }
    }

    /// A value in another case is read as its documented spelling: the loaded settings equal the lower-case ones.
    func testAValueInAnotherCaseMeansTheDocumentedOne() throws {
        let lower = try load(Self.base + "climate = \"tropical-dry\"\n[windows]\npreset = \"trends-earth\"\n")
        let upper = try load(Self.base + "climate = \"TROPICAL-DRY\"\n[windows]\npreset = \"Trends-Earth\"\n")
        XCTAssertEqual(upper.climate, lower.climate)
        XCTAssertEqual(upper.climate, .tropicalDry)
        XCTAssertEqual(upper.windowPreset, lower.windowPreset)
    }

    /// The message lists the documented spellings and suggests the closest: `Temperate_Dry` is answered with `temperate-dry`.
    func testTheRefusalListsTheSpellingsAndSuggestsTheClosest() {
        XCTAssertThrowsError(try load(Self.base + "climate = \"Temperate_Dry\"\n")) { e in
            XCTAssertTrue("\(e)".hasSuffix("soc.climate: unknown value 'Temperate_Dry' (did you mean 'temperate-dry'?); accepted: temperate-dry, "
                + "temperate-moist, tropical-dry, tropical-moist, tropical-montane (any case)"), "\(e)")
        }
    }

    /// Keys are exact (TOML is case-sensitive): `Climate` is an unknown key, answered with `climate`.
    func testKeysAreExactAndTheClosestIsSuggested() {
        XCTAssertThrowsError(try load(Self.base + "Climate = \"temperate-dry\"\n")) { e in
            XCTAssertEqual((e as? KubuqiError)?.kind, .input)
            XCTAssertTrue("\(e)".contains("soc.Climate: unknown key (did you mean 'climate'?)"), "\(e)")
        }
    }
}
