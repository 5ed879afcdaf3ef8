import KubuqiMonitorKit
import XCTest

/// The one rule for enumerated values (docs/cli.md, "How values are spelled"): any case, separators exact; a refusal
/// lists the accepted spellings and suggests the closest.
final class EnumeratedValueTests: XCTestCase {
    func testAnyCaseIsTheDocumentedSpelling() throws {
        XCTAssertEqual(EnumeratedValue.canonical("PCT-Median", in: ["vci", "pct-median"]), "pct-median")
        XCTAssertEqual(EnumeratedValue.canonical("float32", in: ["Float32", "Int16"]), "Float32")
        XCTAssertNil(EnumeratedValue.canonical("pct_median", in: ["vci", "pct-median"]))
        XCTAssertNil(EnumeratedValue.canonical(" vci", in: ["vci"]))
        XCTAssertEqual(try EnumeratedValue.parse("INT16", option: "--ot", choices: [("Float32", 1), ("Int16", 2)]), 2)
    }

    func testARefusalNamesTheOptionListsTheSpellingsAndSuggests() {
        XCTAssertThrowsError(try EnumeratedValue.parse("pct_median", option: "--metric", choices: ["vci", "zscore", "pct-median", "pct-rank", "vhi"])) { e in
            XCTAssertEqual((e as? KubuqiError)?.kind, .usage)
            XCTAssertEqual("\(e)", "--metric: unknown value 'pct_median' (did you mean 'pct-median'?); accepted: vci, zscore, pct-median, pct-rank, vhi (any case)")
        }
        // Nothing close: no guess. Two as close: no guess either.
        XCTAssertEqual(EnumeratedValue.refusal("kriging", choices: ["near", "bilinear"]), "unknown value 'kriging'; accepted: near, bilinear (any case)")
        XCTAssertEqual(EnumeratedValue.refusal("pct", choices: ["pct-median", "pct-rank"]), "unknown value 'pct'; accepted: pct-median, pct-rank (any case)")
        // The suggestion is made ignoring case too, and is given as documented.
        XCTAssertEqual(EnumeratedValue.refusal("FLOAT33", choices: ["Float32", "Int16"]),
                       "unknown value 'FLOAT33' (did you mean 'Float32'?); accepted: Float32, Int16 (any case)")
    }

    func testOpenFormsAreReadInLowerCaseAndListed() throws {
        let read: (String) -> Int? = { $0.hasPrefix("p") ? Int($0.dropFirst()) : ($0 == "mean" ? -1 : nil) }
        XCTAssertEqual(try EnumeratedValue.parse("P90", option: "--reducer", choices: ["mean"], forms: ["pNN"], read: read), 90)
        XCTAssertEqual(try EnumeratedValue.parse("Mean", option: "--reducer", choices: ["mean"], forms: ["pNN"], read: read), -1)
        XCTAssertThrowsError(try EnumeratedValue.parse("maen", option: "--reducer", choices: ["mean"], forms: ["pNN"], read: read)) { e in
            XCTAssertEqual("\(e)", "--reducer: unknown value 'maen' (did you mean 'mean'?); accepted: mean, pNN (any case)")
        }
    }
}
