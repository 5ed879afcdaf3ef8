import ArgumentParser
import Foundation
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `warn`: early warning of vegetation stress.
    struct Warn: TiledCommand {
        static let configuration = CommandConfiguration(
            abstract: "Early warning of vegetation stress: alert levels, hotspots and a bulletin for the latest period.",
            discussion: """
            SERIES is what `stack` reads: dated files, a folder, a list, a glob, STAC items, or a multi-band raster \
            whose band descriptions carry dates. Each pixel's value in the assessed period (default: the latest) is \
            judged against the same period of every baseline year (the assessed year left out): VCI with robust bounds \
            (10th and 90th percentiles), z-score, percent of median, percentile rank; TCI and VHI with --lst.

            Outputs in OUTDIR: alert-level.tif (0 none, 1 moderate, 2 severe, 3 extreme, 9 not assessable; legend in \
            .aux.xml and .qml), vci.tif, zscore.tif, pct-median.tif, pct-rank.tif, persistence.tif, value.tif, \
            baseline-median.tif, hotspots.gpkg, hotspots.geojson, zones.csv, bulletin.json, bulletin.html; one summary \
            line on stdout. Exit code 0 whether or not there are alerts. Method: docs/warn.md.

            Examples:
              kubuqi-monitor warn MOD13Q1_NDVI/ --scale 0.0001 --baseline 2001-2020 \\
                -o warn/
              kubuqi-monitor warn series.tif --period month --accumulate 3 \\
                --baseline 2001-2020 --zones districts.gpkg --zone-field name \\
                --mmu 25ha --previous warn-last/ -o warn-now/

            With --plan plan.json --tile I the layers of tile I go to OUTDIR/tiles/I/; `tiles merge` assembles them \
            and computes the hotspots, zones and bulletin on the whole map, as one machine does (docs/scale-out.md).
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("The index series (files, folders, lists, globs, STAC items, or a raster with dated bands).", valueName: "SERIES"))
        var inputs: [String]
        @Option(help: ArgumentHelp("Baseline years, e.g. 2001-2010 or 2001..2010 (the assessed year is left out).", valueName: "FIRST-LAST"))
        var baseline: String
        @Option(help: ArgumentHelp("A date in the period to assess (default: the latest period).", valueName: "YYYY-MM-DD"))
        var at: String?
        @Option(help: ArgumentHelp("obs (each dated observation, default), month, year, or a season MM-DD..MM-DD.", valueName: "PERIODS"))
        var period: String = "obs"
        @Option(help: ArgumentHelp("Average the last K periods (e.g. 3 months) before judging.", valueName: "K"))
        var accumulate: Int = 1
        @Option(help: ArgumentHelp("Periods looked back for persistence and the season chart (default 12).", valueName: "N"))
        var history: Int = 12
        @Option(help: ArgumentHelp("vci (default), zscore, pct-median, pct-rank or vhi (needs --lst).", valueName: "METRIC"))
        var metric: String = "vci"
        @Option(parsing: .unconditional, help: ArgumentHelp("Upper bounds of extreme, severe and moderate (default by metric; VCI 10,20,35).", valueName: "E,S,M"))
        var thresholds: String?
        @Option(help: ArgumentHelp("Baseline percentiles taken as VCI's minimum and maximum (default 10,90).", valueName: "LOW,HIGH"))
        var bounds: String = "10,90"
        @Option(parsing: .unconditional, help: ArgumentHelp("Not assessable below this baseline maximum (default 0.10, NDVI).", valueName: "V"))
        var minBaseline: Double = 0.10
        @Option(help: ArgumentHelp("Not assessable when the baseline range is at most this (default 0.02, NDVI).", valueName: "V"))
        var noise: Double = 0.02
        @Option(help: ArgumentHelp("Minimum hotspot area, hectares (0.5ha) (default 0: every alert patch).", valueName: "AREA"))
        var mmu: String?
        @Option(help: ArgumentHelp("A land-surface-temperature series, for TCI and VHI.", valueName: "FILES"))
        var lst: [String] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("Scale of the LST values (e.g. 0.02 for MODIS LST).", valueName: "S"))
        var lstScale: Float?
        @Option(parsing: .unconditional, help: ArgumentHelp("Scale of the series (e.g. 0.0001 for NDVI x 10000), over the declared one.", valueName: "S"))
        var scale: Float?
        @Option(parsing: .unconditional, help: ArgumentHelp("Offset of the series (with --scale).", valueName: "O"))
        var offset: Float = 0
        @Option(help: ArgumentHelp("A CSV naming each file's date (columns file,date).", valueName: "FILE.csv"))
        var dates: String?
        @Option(help: ArgumentHelp("The band read from single-date files and STAC assets (default 1); refused with a series of dated bands, whose every band is a date.", valueName: "N"))
        var band: Int?
        @Option(help: ArgumentHelp("Zones for the ranking: a vector file or a zone raster on the grid.", valueName: "FILE"))
        var zones: String?
        @Option(help: ArgumentHelp("The attribute naming each zone of a vector zone file.", valueName: "FIELD"))
        var zoneField: String?
        @Option(help: ArgumentHelp("The previous run's output folder: hotspots become new, escalated, continuing or resolved.", valueName: "DIR"))
        var previous: String?
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder (created if its parent exists).", valueName: "OUTDIR"))
        var output: String
        @Option(name: .customLong("co"), help: ArgumentHelp("A GDAL creation option for the rasters (repeatable).", valueName: "KEY=VALUE"))
        var creationOptions: [String] = []
        @OptionGroup var tiles: TileOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            if let request = try tiles.request() {
                print(try WarnJob.runTile(try warnOptions(), request: request).line)
                return
            }
            let result = try WarnJob.run(try warnOptions())
            print(result.summary)
        }

        /// Assembles the tiles of a plan into OUTDIR and computes the region-wide outputs (`tiles merge`).
        func mergeTiles(plan: TilePlan, outdir: String) throws {
            var o = try warnOptions()
            o.output = outdir
            print(try WarnJob.mergeTiles(o, plan: plan, outdir: outdir).summary)
        }

        static func numbers(_ text: String, count: Int, option: String) throws -> [Double] {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == count, let values = parts as? [Double], values.allSatisfy(\.isFinite) else {
                throw ValidationError("\(option) takes \(count) comma-separated numbers; got '\(text)'")
            }
            return values
        }

        func warnOptions() throws -> WarnOptions {
            guard let years = YearRangeArgument.parse(baseline) else {
                throw ValidationError("--baseline must be FIRST-LAST years (or FIRST..LAST), e.g. 2001-2010; got '\(baseline)'")
            }
            let a = years.lowerBound, b = years.upperBound
            let m = try EnumeratedValue.parse(metric, option: "--metric", choices: WarningMetric.allCases.map { ($0.rawValue, $0) })
            var o = WarnOptions(inputs: inputs, baseline: a...b, output: output, metric: m)
            if let at {
                guard let d = DateInText.cell(at) else { throw ValidationError("--at must be a date YYYY-MM-DD; got '\(at)'") }
                o.at = d
            }
            o.periods = try EnumeratedValue.parse(period, option: "--period", choices: ["obs", "observation", "month", "year"],
                                                  forms: ["a season MM-DD..MM-DD"]) { (text: String) -> WarnOptions.Periods? in
                switch text {
                case "obs", "observation": return .observation
                case "month": return .scheme(.month)
                case "year": return .scheme(.year)
                default: return PeriodScheme.season(parsing: text).map { .scheme($0) }
                }
            }
            o.accumulation = accumulate
            o.history = history
            if let thresholds {
                let t = try Self.numbers(thresholds, count: 3, option: "--thresholds")
                o.rule.thresholds = AlertThresholds(extreme: t[0], severe: t[1], moderate: t[2])
            }
            let p = try Self.numbers(bounds, count: 2, option: "--bounds")
            o.rule.lowerPercentile = p[0]
            o.rule.upperPercentile = p[1]
            o.rule.minimumBaselineValue = minBaseline
            o.rule.noise = noise
            if let mmu {
                let text = mmu.lowercased().hasSuffix("ha") ? String(mmu.dropLast(2)) : mmu
                guard let v = Double(text), v.isFinite, v >= 0 else { throw ValidationError("--mmu must be hectares, e.g. 0.5ha; got '\(mmu)'") }
                o.mmuHectares = v
            }
            o.temperatureInputs = lst
            o.temperatureScale = lstScale
            o.scale = scale
            o.offset = offset
            o.datesCSV = dates
            o.band = band ?? 1
            o.bandGiven = band != nil
            o.zones = zones
            o.zoneField = zoneField
            o.previous = previous
            o.creationOptions = try RasterOutputOptions.parseCreationOptions(creationOptions)
            o.quiet = global.quiet
            return o
        }
    }
}
