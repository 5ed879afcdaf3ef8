import Foundation
import TestSupport
import XCTest

/// Every enumerated option of every command follows one rule (docs/cli.md, "How values are spelled";
/// `EnumeratedValue`): its documented spellings in any case; anything else exit 2, one line naming the option,
/// the value, the accepted spellings and the closest. Each case runs the command on inputs that do not exist: a value
/// taken is shown by the run getting past the options to the missing input (exit 3), a value refused by exit 2.
final class OptionSpellingTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// (option, arguments with `V` for the value, spellings taken, spellings refused).
    func cases() -> [(option: String, args: [String], taken: [String], refused: [String])] {
        let missing = tmp.file("missing.tif"), out = tmp.file("out.tif"), dir = tmp.file("out")
        let stack = ["stack", missing, "-o", out]
        let ndvi = ["index", "ndvi", "--red", missing, "--nir", missing, "-o", out]
        return [
            ("--ot", ndvi + ["--ot", "V"], ["Int16", "int16", "FLOAT32"], ["Int32", "float", "Int-16"]),
            ("--resampling", ndvi + ["--resolution", "60", "--resampling", "V"], ["average", "Average", "CUBIC"], ["avg", "cubicspline"]),
            ("--mask-rule", ndvi + ["--mask", missing, "--mask-rule", "V"], ["fmask", "FMask", "S2-SCL", "values:1,2", "VALUES:3"], ["s2_scl2", "f-mask", "vals:1"]),
            ("--band ROLE", ["index", "ndvi", "--band", "V=\(missing)", "--band", "nir=\(missing)", "-o", out], ["red", "RED", "Red"], ["r", "redd"]),
            ("index", ["index", "V", "--red", missing, "--nir", missing, "-o", out], ["ndvi", "NDVI", "Ndvi"], ["ndvi2", "nd-vi"]),
            ("--period", stack + ["--period", "V"], ["year", "YEAR", "Month"], ["yearly", "months"]),
            ("--reducer", stack + ["--reducer", "V"], ["median", "MEDIAN", "P90", "p2.5", "Integral"], ["medain", "p101", "avg"]),
            ("--resampling", stack + ["--grid", missing, "--resampling", "V"], ["nearest", "NEAREST", "Bilinear"], ["near", "bi-linear"]),
            ("--sensor", ["stack", tmp.file("scene"), "--sensor", "V", "-o", out], ["landsat-c2l2", "Landsat-C2L2", "S2", "landsat"], ["landsat_c2l2", "sentinel3"]),
            ("--index", ["stack", tmp.file("scene"), "--sensor", "landsat", "--index", "V", "-o", out], ["evi2", "EVI2"], ["evi-2", "evi3"]),
            ("--method", ["change", "--before", missing, "--after", missing, "--method", "V", "-o", dir], ["diff", "DIFF", "Diff"], ["difference", "cva2"]),
            ("--metric", ["warn", missing, "--baseline", "2001-2010", "--metric", "V", "-o", dir], ["vci", "VCI", "Pct-Median", "ZSCORE"], ["pct_median", "z-score", "vci2"]),
            ("--period", ["warn", missing, "--baseline", "2001-2010", "--period", "V", "-o", dir], ["obs", "OBS", "Observation", "MONTH", "04-01..10-31"], ["monthly", "04-01..10-32"]),
            ("--gamma-fit", ["drought", missing, "--gamma-fit", "V", "-o", dir], ["thom", "THOM", "Exact"], ["mle", "thom2"]),
            ("--allocation", ["sample", missing, "--allocation", "V", "-o", dir], ["equal", "EQUAL", "Proportional"], ["equals", "neyman"]),
            ("--phase", ["stack", missing, "-o", dir, "--plan", tmp.file("plan.json"), "--tile", "0", "--phase", "V"], ["stats", "STATS", "Tile"], ["stat", "tiles2"]),
        ]
    }

    func testEveryEnumeratedOptionTakesItsSpellingsInAnyCaseAndRefusesOthers() throws {
        for c in cases() {
            for v in c.taken {
                let r = try CLIRunner.run(c.args.map { $0.replacingOccurrences(of: "V", with: v, options: .anchored) } + ["-q"])
                XCTAssertEqual(r.status, 3, "\(c.option) \(v) should be taken, the run stopping at the missing input: \(r.stderr)")
                XCTAssertFalse(r.stderr.contains("unknown value"), "\(c.option) \(v): \(r.stderr)")
            }
            for v in c.refused {
                let r = try CLIRunner.run(c.args.map { $0.replacingOccurrences(of: "V", with: v, options: .anchored) } + ["-q"])
                XCTAssertEqual(r.status, 2, "\(c.option) \(v) should be refused: \(r.stderr)")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
                for m in ["\(c.option): unknown value '\(v)'", "accepted: ", "(any case)"] {
                    XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)")
                }
            }
        }
    }

    /// The closest spelling is suggested, as for a mistyped command.
    func testTheClosestSpellingIsSuggested() throws {
        let r = try CLIRunner.run(["warn", tmp.file("x.tif"), "--baseline", "2001-2010", "--metric", "pct_median", "-o", tmp.file("o"), "-q"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--metric: unknown value 'pct_median' (did you mean 'pct-median'?); accepted: vci, zscore, pct-median, pct-rank, vhi (any case)"), r.stderr)
    }
}
