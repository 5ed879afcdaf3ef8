import ArgumentParser
import Foundation
import KubuqiGDAL
import KubuqiMonitorKit

/// The `kubuqi-monitor` command: desertification monitoring from satellite rasters.
@main
struct KubuqiMonitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubuqi-monitor",
        abstract: "Desertification monitoring from satellite rasters: indices, change detection, SDG 15.3.1.",
        discussion: """
        Every raster GDAL opens is accepted (GeoTIFF, COG, VRT, JP2, /vsizip/...). Outputs are tiled, \
        compressed GeoTIFFs that appear only when complete. Enumerated values (--metric vci, --ot Int16, \
        ldn's climate = "temperate-dry"...) are taken in any case, their separators as documented (docs/cli.md).
        """ + ExitCodesHelp.section,
        version: KubuqiVersion.string,
        subcommands: [Info.self, Index.self, Stack.self, Change.self, LDN.self, Sample.self, Assess.self, Tiles.self, Demo.self, Fixtures.self, Warn.self, Drought.self]
    )

    static func main() {
        Interruption.installHandlers()
        // `kubuqi-monitor nosuch --help` would print the general help and exit 0: name the unknown command instead.
        let arguments = Array(CommandLine.arguments.dropFirst())
        let commands = configuration.subcommands.map { $0._commandName } + ["help"]
        func unknown(_ typed: String) -> Never {
            let guess = CommandSuggestion.closest(to: typed, in: Array(commands.dropLast())).map { " (did you mean '\($0)'?)" } ?? ""
            fail("unknown command '\(typed)'\(guess); commands: \(commands.dropLast().joined(separator: ", ")) (see 'kubuqi-monitor --help')", code: 2)
        }
        if let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first) { unknown(first) }
        if arguments.first == "help", arguments.count > 1, !commands.contains(arguments[1]) { unknown(arguments[1]) }
        if let (option, command) = RepeatedOptions.firstRepeated(arguments, root: KubuqiMonitor.self) {
            fail("\(option) is given more than once; it takes one value (see 'kubuqi-monitor \(command.isEmpty ? "" : command + " ")--help')", code: 2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as KubuqiError {
            fail(error.message, code: error.exitCode)
        } catch let error as CocoaError where (512...642).contains(error.code.rawValue) {
            // A write Foundation refused (a full disk, a read-only volume): an output error, one line.
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? error.userInfo[NSURLErrorKey].map { "\($0)" } ?? "output"
            let reason = (error.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) } ?? "cannot be written"
            fail("\(Quoted.name(path)): cannot be written (\(reason))", code: KubuqiError.Kind.output.rawValue)
        } catch let error as GDALError {
            fail(error.description, code: KubuqiError.Kind.internal.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            // Argument and validation errors: one line, usage exit code 2, and where the help is.
            let text = Self.message(for: error).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
            var command = ""
            if let first = arguments.first, commands.contains(first), first != "help" {
                command = first + " "
                let nested = Tiles.configuration.subcommands.map { $0._commandName }
                if first == "tiles", arguments.count > 1, nested.contains(arguments[1]) { command += arguments[1] + " " }
            }
            fail("\(text) (see 'kubuqi-monitor \(command)--help')", code: code == .validationFailure ? 2 : code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Interruption.waitIfInterrupted()
        // Control characters (a newline in a file name) escaped: one error, one line.
        // A path in a run's private folder (removed by now) said to be one (StagedNames).
        Diagnostics.standardError("kubuqi-monitor: error: \(Quoted.escaped(StagedNames.explainingPrivateFolders(message)))\n")
        // Ended without the libraries' exit handlers (OpenSSL's, GDAL's): a failure may come while a thread of the run is
        // still inside one of them, and a handler freeing what that thread uses corrupts the heap (session 18: a refused
        // output of `stack` during the inputs' hashing ended as a crash, exit 138). The run's own clean-up is done by now
        // (its outputs discarded as the error went up); what stdio holds is written first.
        fflush(nil)
        _exit(code)
    }
}

/// The tool's version.
enum KubuqiVersion {
    static let string = ToolVersion.version
}
