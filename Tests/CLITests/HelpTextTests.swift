import XCTest

/// The `--help` pages a new user reads: the examples can be copied and pasted
/// as they are printed.
final class HelpTextTests: CLITestCase {
    /// Every command and subcommand that has its own help page.
    static let commands: [[String]] = [["info"], ["index"], ["stack"], ["change"], ["ldn"], ["sample"], ["assess"],
                                       ["tiles"], ["tiles", "plan"], ["tiles", "reduce"], ["tiles", "merge"],
                                       ["tiles", "slurm"], ["demo"], ["fixtures"], ["warn"], ["drought"]]

    /// The lines of the help's `Example:`/`Examples:` section, up to the next blank line.
    static func exampleLines(_ help: String) -> [String] {
        var lines: [String] = [], inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "Examples:" || line == "Example:" { inside = true; continue }
            if inside {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                lines.append(line)
            }
        }
        return lines
    }

    /// An example longer than the help's 80 columns was wrapped by the argument parser with its tail at
    /// column 0 (`... --ot Int16 -o` / `ndvi_annual.tif`), which pasted into a shell runs a truncated command
    /// and then an unknown one. Every example line is indented, and a line ending in `\` is followed by one
    /// indented further (its continuation).
    func testEveryExampleLineIsIndentedAndItsContinuationsAreMarked() throws {
        var seen = 0
        for command in Self.commands {
            let r = try CLIRunner.run(command + ["--help"])
            XCTAssertEqual(r.status, 0, "\(command) --help")
            let lines = Self.exampleLines(r.stdout)
            for (i, line) in lines.enumerated() {
                XCTAssertTrue(line.hasPrefix("  "), "\(command.joined(separator: " ")) --help: example line not indented "
                              + "(a wrapped command): '\(line)'")
                XCTAssertLessThanOrEqual(line.count, 80, "\(command.joined(separator: " ")) --help: '\(line)'")
                if i > 0, !line.hasPrefix("  kubuqi-monitor") {
                    XCTAssertTrue(lines[i - 1].hasSuffix("\\"), "\(command.joined(separator: " ")) --help: '\(line)' continues "
                                  + "'\(lines[i - 1])' without a trailing backslash")
                }
                if line.hasPrefix("  kubuqi-monitor") { seen += 1 }
            }
        }
        XCTAssertGreaterThan(seen, 20, "the examples were not found")
    }

    /// Every help page lists the exit codes (a cron job's owner reads one command's help, not the tool's),
    /// the same block as `kubuqi-monitor --help` and the README's table.
    func testEveryHelpPageListsTheExitCodes() throws {
        let expected = ["EXIT CODES", "  0  success", "  1  internal error (a bug: please report it)",
                        "  2  usage error (unknown option, missing argument)",
                        "  3  input error (missing, unreadable or unsuitable input)",
                        "  4  output error (folder missing, not writable, disk full)",
                        "  130, 143  interrupted by SIGINT or SIGTERM (no output left behind);",
                        "            also 129 SIGHUP, 138 SIGUSR1, 140 SIGUSR2, 142 SIGALRM"].joined(separator: "\n")
        for command in [[]] + Self.commands {
            let r = try CLIRunner.run(command + ["--help"])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains(expected), "kubuqi-monitor \(command.joined(separator: " ")) --help lacks the exit codes")
        }
    }

    /// Every command's help page has its own example (`tiles plan`, `reduce` and `merge` had none; `tiles` itself lists
    /// the steps), and a page's notes are its command's: `change --help` said "ldn: over [report] area" (session 14).
    func testEveryCommandHasItsOwnExamplesAndNotes() throws {
        for command in Self.commands where command != ["tiles"] {
            let r = try CLIRunner.run(command + ["--help"])
            XCTAssertTrue(Self.exampleLines(r.stdout).contains { $0.hasPrefix("  kubuqi-monitor \(command.joined(separator: " ")) ") },
                          "kubuqi-monitor \(command.joined(separator: " ")) --help has no example of its own")
        }
        let change = try CLIRunner.run(["change", "--help"]).stdout
        XCTAssertTrue(change.contains("--area <NAME>"), change)
        XCTAssertFalse(change.contains("ldn:") || change.contains("[report]"), change)
        let ldn = try CLIRunner.run(["ldn", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(ldn.contains("[report] area, producer, date and sources"), ldn)
    }

    /// The check above can fail: a help page wrapped by the parser is caught.
    func testTheExampleCheckCatchesAWrappedCommand() {
        let wrapped = "OVERVIEW: x\n\nExamples:\n  kubuqi-monitor stack a.tif --scale 0.0001 --ot Int16 -o\nndvi_annual.tif\n\nUSAGE: x\n"
        let lines = Self.exampleLines(wrapped)
        XCTAssertEqual(lines, ["  kubuqi-monitor stack a.tif --scale 0.0001 --ot Int16 -o", "ndvi_annual.tif"])
        XCTAssertFalse(lines[1].hasPrefix("  "))
    }
}
