import ArgumentParser
import Foundation
import KubuqiRaster
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `demo`: the whole pipeline on the bundled fixtures.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the whole pipeline on the bundled fixtures (a synthetic Kubuqi study area with planted truth).",
            discussion: """
            Uses ./Fixtures when present (or --fixtures DIR), otherwise generates the fixtures into OUTDIR/fixtures. \
            Writes indices for both dates, change detection and the SDG 15.3.1 report, then prints where they \
            are and what was found next to what was planted.

            Examples:
              kubuqi-monitor demo                      # writes out/demo/
              kubuqi-monitor demo -o /tmp/course --fixtures my-fixtures/
            """ + ExitCodesHelp.section)

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder.", valueName: "OUTDIR"))
        var output: String = "out/demo"

        @Option(help: ArgumentHelp("A fixtures folder (default ./Fixtures, or generated).", valueName: "DIR"))
        var fixtures: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let parent = PathNames.parent(output)
            if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            let result = try DemoJob.run(outputFolder: output, fixtures: fixtures, quiet: global.quiet)
            print(result.lines.joined(separator: "\n"))
        }
    }
}
