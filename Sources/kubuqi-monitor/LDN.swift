import ArgumentParser
import Foundation
import KubuqiGDAL
import Logging
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `ldn`: the yearly SDG 15.3.1 report.
    struct LDN: TiledCommand {
        static let configuration = CommandConfiguration(
            commandName: "ldn",
            abstract: "SDG 15.3.1 land degradation from productivity, land cover and soil carbon, with the yearly report.",
            discussion: """
            The configuration (TOML; see docs/ldn.md and Fixtures/ldn.toml) names the annual productivity stack, \
            the land-cover maps, the SOC baseline, the periods and optional zones; relative paths are read from \
            the config's folder (the folder of the path given, a link's folder when it is a link). --area, --producer, \
            --date and --sources win over the config's [report] area, producer, date and sources. OUTDIR receives one folder of GeoTIFF layers per period (trajectory, state, \
            performance, lpd, productivity-status, landcover-status, soc-status, sdg-15-3-1, status-vs-baseline), \
            report.json, report.md, report.html (with Leaflet from Debian's libjs-leaflet copied into \
            report-assets/), unccd-reporting.json and tables/*.csv (UNCCD tables in tables/unccd/). Re-running with the same inputs gives identical \
            tables. Progress is logged to stderr as timestamped lines.

            Examples:
              kubuqi-monitor ldn --config Fixtures/ldn.toml -o out/ldn
              kubuqi-monitor ldn --config ldn.toml --check
            """ + ExitCodesHelp.section)

        @Option(help: ArgumentHelp("The configuration file (TOML).", valueName: "FILE"))
        var config: String

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder.", valueName: "OUTDIR"))
        var output: String?

        @Flag(help: "Validate the configuration and every input (files, grid, years, land-cover codes), then exit without computing.")
        var check = false

        @Option(name: .customLong("co"), help: ArgumentHelp("A GDAL creation option for the layers (repeatable).", valueName: "KEY=VALUE"))
        var creationOptions: [String] = []

        @Flag(name: .customLong("no-patches"), help: "Do not write the degraded and improved patches as polygons (sdg-15-3-1-patches.gpkg).")
        var noPatches = false

        @OptionGroup var title: ReportTitleOptions
        @OptionGroup var tiles: TileOptions
        @OptionGroup var global: GlobalOptions

        func ldnOptions() throws -> LDNOptions {
            var o = LDNOptions(config: config, output: output ?? "", checkOnly: check, quiet: global.quiet,
                               creationOptions: try RasterOutputOptions.parseCreationOptions(creationOptions))
            o.titleBlock = try title.settings()
            o.patches = !noPatches
            return o
        }

        /// Assembles the tiles of a plan into the single-machine layers and report (`tiles merge`).
        func mergeTiles(plan: TilePlan, outdir: String) throws {
            let report = try LDNJob.mergeTiles(try ldnOptions(), plan: plan, outdir: outdir, log: Log.line)
            for p in report.periods { print("\(p.title): \(p.summaryLine)") }
            print("Report: \((outdir as NSString).appendingPathComponent("report.html")) (also report.json, report.md, unccd-reporting.json, tables/*.csv)")
        }

        func run() throws {
            try global.apply()
            guard check || output != nil else { throw ValidationError("give -o OUTDIR (or --check to validate only)") }
            let options = try ldnOptions()
            if let request = try tiles.request() {
                guard !check else { throw ValidationError("--check validates the whole region; leave out --plan") }
                print(try LDNJob.runTile(options, request: request, log: Log.line).line)
                return
            }
            #if canImport(Glibc)
            // Two malloc arenas instead of glibc's 8 per core: the periods' worker threads and the background
            // publication each kept an arena of freed blocks (440 -> 375 MB peak at 2000 x 2000, the same CPU;
            // docs/benchmarks.md, "ldn: the tail, memory and compression").
            _ = glibcMallopt(-8 /* M_ARENA_MAX, malloc.h */, 2)
            // Blocks of `ldnMmapThreshold` bytes and more (GDAL's blocks, the spools' tiles, window buffers) mapped on their
            // own and given back when freed. glibc's default threshold follows the largest block freed (up to 32 MiB), so
            // after the first pass every block came from the arenas, and the holes the 128 KiB blocks left between live
            // ones stayed resident: 122 of the 265 MB the arenas held at 8000 x 8000 were free (malloc_info), and the
            // peak grew with the grid (docs/benchmarks.md, "ldn memory at 8000 x 8000, session 11").
            // A threshold the user gives glibc (MALLOC_MMAP_THRESHOLD_) wins.
            if ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil {
                _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD, malloc.h */, Int32(ldnMmapThreshold))
            }
            #endif
            let report = try LDNJob.run(options, log: Log.line)
            if check {
                print("\(config): OK (\(report.config.inputFiles.count) inputs on one \(report.grid.width)x\(report.grid.height) grid; "
                      + "baseline \(report.config.baseline.lowerBound)-\(report.config.baseline.upperBound), "
                      + "\(report.config.reporting.count) reporting period(s))")
                return
            }
            for p in report.periods { print("\(p.title): \(p.summaryLine)") }
            print("Report: \((output! as NSString).appendingPathComponent("report.html")) (also report.json, report.md, unccd-reporting.json, tables/*.csv)")
        }
    }
}

/// Timestamped log lines on stderr through swift-log
/// (`2026-11-25T09:00:00Z info kubuqi-monitor.ldn: ...`), for cron mail and log files.
enum Log {
    static let logger: Logger = {
        LoggingSystem.bootstrap { LineLogHandler(label: $0) }
        return Logger(label: "kubuqi-monitor.ldn")
    }()

    static func line(_ message: String) { logger.info("\(message)") }
}

/// One line per message on stderr: UTC timestamp, level, label, message
/// (swift-log's stream handler also prints the Swift module of the call).
struct LineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let stamp = Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: false)
            .timeZone(separator: .omitted).dateSeparator(.dash).dateTimeSeparator(.standard).timeSeparator(.colon))
        Diagnostics.standardError("\(stamp) \(level) \(label): \(message)\n")
    }
}

#if canImport(Glibc)
/// glibc's `mallopt` (malloc.h, not in the Glibc module's headers; also used by `stack`).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// `ldn`'s fixed malloc mmap threshold (glibc's `M_MMAP_THRESHOLD`): 128 KiB, so that GDAL's Int16 blocks (128 KiB and
/// GDAL's alignment) and larger are mapped alone; 256 KiB left them in the arenas (287 MB peak at 4000 x 4000, 195 with 128).
let ldnMmapThreshold = 128 << 10
