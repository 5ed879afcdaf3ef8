import XCTest

/// A mistyped command is named with the command it most likely meant, as a mistyped option is.
final class CommandSuggestionTests: CLITestCase {
    func testAMistypedCommandGetsASuggestion() throws {
        for (typed, meant) in [("inf", "info"), ("chnage", "change"), ("stak", "stack"), ("droght", "drought"), ("Index", "index")] {
            let r = try CLIRunner.run([typed, "x.tif"])
            XCTAssertEqual(r.status, 2, typed)
            XCTAssertEqual(r.stderr, "kubuqi-monitor: error: unknown command '\(typed)' (did you mean '\(meant)'?); commands: info, index, "
                           + "stack, change, ldn, sample, assess, tiles, demo, fixtures, warn, drought (see 'kubuqi-monitor --help')\n")
        }
        // Nothing close: no guess.
        let r = try CLIRunner.run(["compute", "x.tif"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("kubuqi-monitor: error: unknown command 'compute'; commands: info,"), r.stderr)
        // `help` with a mistyped command too.
        let h = try CLIRunner.run(["help", "wran"])
        XCTAssertEqual(h.status, 2)
        XCTAssertTrue(h.stderr.contains("unknown command 'wran' (did you mean 'warn'?)"), h.stderr)
    }
}
