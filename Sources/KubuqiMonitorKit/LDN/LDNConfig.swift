import Foundation
import KubuqiIndicators
import KubuqiRaster

/// The `ldn` configuration (TOML, see docs/ldn.md and Fixtures/ldn.toml).
public struct LDNConfig: Sendable {
    /// Annual productivity: one multiband file with years in band descriptions, or one file per year.
    public enum Productivity: Sendable {
        /// Band k holds `years[k]`.
        case stack(path: String, years: [Int])
        /// One single-band file per year.
        case files([Int: String])
        /// A raw collection `stack` reduces to the annual stack first (`[productivity.collection]`).
        case collection(StackOptions)
    }

    /// The config file's path.
    public var file: String
    /// Annual productivity (nil when only an external LPD raster is used).
    public var productivity: Productivity?
    /// Multiplier applied to stored productivity values; nil to use the bands' declared scale (else 1).
    public var productivityScale: Double?
    /// Trajectory: slopes smaller than this (productivity units per year) are "no trend" whatever
    /// their significance (0: significance alone, as the GPG).
    public var minimumSlope: Double = 0
    /// Completeness of a year: a pixel's year needs valid observations in at least this fraction
    /// of the observations of the most complete year (docs/ldn.md, "Observations per year").
    public var minimumYearFraction: Double = 0.75
    /// An external 5-class LPD raster used as is.
    public var externalLPD: String?
    /// Ecological units raster, subdividing land units for performance.
    public var ecologicalUnits: String?
    /// Land-cover maps by year.
    public var landCoverMaps: [Int: String]
    /// Legend: ESA CCI by default, or a mapping file.
    public var legend: LandCoverLegend
    /// Where the legend came from.
    public var legendSource: String
    /// Transition matrix (GPG default unless overridden).
    public var transitions: TransitionMatrix
    /// SOC baseline stock raster (t/ha, 0-30 cm).
    public var socBaseline: String
    /// IPCC climate zone for the SOC factors (or a raster of zone codes).
    public var climate: SOCClimateZone
    /// A raster of IPCC climate zone codes, overriding `climate` per pixel.
    public var climateZones: String?
    /// The baseline period.
    public var baseline: ClosedRange<Int>
    /// The reporting periods.
    public var reporting: [ClosedRange<Int>]
    /// State as Trends.Earth's decile classes (default) or the GPG v2 z-score (`[productivity] state`).
    public var stateMethod: ProductivityState.Method = .percentileClasses
    /// The productivity sub-indicator from Trends.Earth's 5 LPD classes (default) or the GPG's look-up (`lpd_status`).
    public var gpgLPDStatus = false
    /// Land cover of reporting periods from the baseline's start map (nil: as the preset says) or end map.
    public var landCoverFromBaselineEnd: Bool?
    /// How the productivity metrics' windows are chosen (`[windows] preset`).
    public var windowPreset: LDNWindows.Preset = .trendsEarth
    /// Performance's land units from the land-cover map at the start of the performance window
    /// (`land_units = "performance-start"`, Trends.Earth) or the period's end map (`"period-end"`);
    /// nil: as the preset says (docs/ldn-method.md, "Alternatives").
    public var landUnitsFromPerformanceStart: Bool?
    /// The `trends-earth` preset's window length in years (`[windows] years`, 16).
    public var windowYears = 16
    /// Per-period windows (`[windows.PERIOD]`): trajectory, performance, state baseline, state recent.
    public var windowOverrides: [String: (trajectory: ClosedRange<Int>?, performance: ClosedRange<Int>?, state: [ClosedRange<Int>]?)] = [:]
    /// Zones for the area tables: a raster, or a vector layer with a name field.
    public var zones: String?
    /// The vector zones' name field.
    public var zoneField: String?
    /// The report's title block (`[report]`: area, producer, date, sources); options override it.
    public var titleBlock = ReportTitleSettings()
    /// `[climate]`: precipitation and the climate-corrected trajectory (docs/climate.md); nil without.
    public var climateCorrection: ClimateCorrection?

    /// Every input file named by the config.
    public var inputFiles: [String] {
        var files: [String] = []
        switch productivity {
        case .stack(let p, _)?: files.append(p)
        case .files(let f)?: files += f.keys.sorted().map { f[$0]! }
        case .collection?, nil: break   // the collection's files are listed with their SHA-256 by the stack it builds
        }
        files += [externalLPD, ecologicalUnits].compactMap { $0 }
        files += landCoverMaps.keys.sorted().map { landCoverMaps[$0]! }
        files += [socBaseline] + [climateZones, zones].compactMap { $0 }
        // The precipitation series as `stack` expands it (a folder or list: its rasters).
        if let p = climateCorrection?.precipitation { files += (try? StackSources.expand([p])) ?? [p] }
        // FILE:BAND selections name the file once.
        var seen = Set<String>()
        return files.map { BandSelection(parsing: $0).path }.filter { seen.insert($0).inserted }
    }

    /// `[productivity.collection]`: the raw collection and the settings `stack` reduces it with
    /// (the keys are `stack`'s options: inputs, dates, reducer, season, min_obs, min_coverage, scale,
    /// sensor, index), every value validated as the command line validates it.
    static func collection(_ c: ConfigReader) throws -> StackOptions {
        try c.rejectUnknown(known: ["inputs", "dates", "reducer", "season", "min_obs", "min_coverage", "scale", "sensor", "index"])
        let inputs = try c.required(try c.paths("inputs"), "inputs")
        var o = StackOptions(inputs: inputs, output: "")
        o.datesCSV = try c.path("dates")
        // Any case, as every enumerated value (ConfigReader.keyword) and the command line's --reducer.
        if let r = try c.keyword("reducer", valid: SeriesReducer.names, forms: ["pNN (0-100)"], accepts: { SeriesReducer(name: $0) != nil }) {
            o.reducer = SeriesReducer(name: r)!
        }
        if let s = try c.string("season") {
            guard let scheme = PeriodScheme.season(parsing: s) else { throw c.error("season", "expects MM-DD..MM-DD with two different real days, e.g. 04-01..10-31; got '\(s)'") }
            o.scheme = scheme
        }
        if let n = try c.number("min_obs") {
            guard n == n.rounded(), n >= 1, n <= 100_000 else { throw c.error("min_obs", "must be a whole number of observations, at least 1, got \(n)") }
            o.minimumObservations = Int(n)
        }
        if let m = try c.number("min_coverage") {
            guard (0...1).contains(m) else { throw c.error("min_coverage", "must be between 0 and 1, got \(m)") }
            o.minimumCoverage = m
        }
        if let s = try c.number("scale") {
            guard s != 0, Float(s).isFinite, Float(s) != 0 else { throw c.error("scale", "must be a finite, non-zero number, got \(s)") }
            o.scale = Float(s)
        }
        if let sensor = try c.keyword("sensor", valid: SensorPreset.allCases.map(\.rawValue), accepts: { (try? SensorPreset(name: $0)) != nil }) {
            o.sensor = try SensorPreset(name: sensor)
            o.index = try c.keyword("index", valid: SpectralIndex.catalogue.map(\.name)) ?? "ndvi"
        } else if try c.string("index") != nil {
            throw c.error("index", "needs sensor = \"NAME\" (the inputs are then scenes)")
        }
        do { try o.validate() } catch let e as KubuqiError { throw c.error(nil, e.message) }
        return o
    }

    /// Reads and validates the config's syntax and keys (not yet the files' contents).
    public static func load(_ path: String) throws -> LDNConfig {
        try InputFile.requireRegular(path)
        let r = ConfigReader(file: path, table: try ConfigDocument.load(path))
        let sections = ["productivity", "landcover", "soc", "periods", "zones", "windows", "report", "climate"]
        try r.rejectUnknown(known: sections)

        let p = try r.required(try r.table("productivity"), "productivity")
        try p.rejectUnknown(known: ["stack", "files", "collection", "scale", "lpd", "ecological_units", "minimum_slope", "minimum_year_fraction",
                                    "state", "lpd_status", "land_units"])
        var productivity: Productivity?
        if try p.path("stack") != nil, try p.pathsByYear("files") != nil {
            throw p.error("files", "give stack or files, not both")
        }
        if try p.table("collection") != nil, try p.path("stack") != nil || p.pathsByYear("files") != nil {
            throw p.error("collection", "give stack, files or collection, one of them")
        }
        if let stack = try p.path("stack") {
            productivity = .stack(path: stack, years: [])
        } else if let files = try p.pathsByYear("files") {
            productivity = .files(files)
        } else if let c = try p.table("collection") {
            productivity = .collection(try collection(c))
        }
        // Validated as a positive 32-bit float (the pipeline's type), kept as the decimal written
        // (exact comparisons of integer stacks, docs/ldn-method.md).
        let scale = try p.positiveFloat("scale") != nil ? try p.number("scale") : nil
        let lpd = try p.path("lpd")
        let eco = try p.path("ecological_units")
        let minimumSlope = try p.number("minimum_slope") ?? 0
        guard minimumSlope >= 0 else { throw p.error("minimum_slope", "must be zero or positive") }
        if productivity == nil && lpd == nil {
            throw p.error(nil, "give stack = \"annual.tif\", files = { YEAR = \"file\" }, [productivity.collection] or lpd = \"lpd.tif\"")
        }

        let lc = try r.required(try r.table("landcover"), "landcover")
        try lc.rejectUnknown(known: ["maps", "legend", "transitions"])
        let maps = try lc.required(try lc.pathsByYear("maps"), "maps")
        guard !maps.isEmpty else { throw lc.error("maps", "needs at least one land-cover map") }
        var legend = LandCoverLegend.esaCCI, legendSource = "ESA CCI LCCS (default)"
        // `esa-cci` (any case, as every enumerated value) or a JSON file.
        if let l = try lc.string("legend"), EnumeratedValue.canonical(l, in: ["esa-cci"]) == nil {
            let file = lc.resolve(l)
            guard let d = FileManager.default.contents(atPath: file),
                  let json = try? JSONSerialization.jsonObject(with: d) as? [String: Int], let parsed = LandCoverLegend(json: json) else {
                throw lc.error("legend", "'\(l)' is neither \"esa-cci\" nor a JSON file mapping codes to the 7 classes, e.g. {\"10\": 3}")
            }
            legend = parsed
            legendSource = file
        }
        var matrix = TransitionMatrix.unccdDefault
        if let t = try lc.path("transitions") {
            guard let d = FileManager.default.contents(atPath: t), let rows = try? JSONSerialization.jsonObject(with: d) as? [[Int]],
                  rows.count == 7, rows.allSatisfy({ $0.count == 7 && $0.allSatisfy { (-1...1).contains($0) } }) else {
                throw lc.error("transitions", "expected a JSON file holding a 7 x 7 array of -1, 0, 1 (rows: from class 1..7)")
            }
            matrix = TransitionMatrix(meanings: rows.flatMap { $0.map(Int16.init) })
        }

        let soc = try r.required(try r.table("soc"), "soc")
        try soc.rejectUnknown(known: ["baseline", "climate", "climate_zones"])
        let socBaseline = try soc.required(try soc.path("baseline"), "baseline")
        var climate = SOCClimateZone.temperateDry
        // The documented spellings: temperateDry -> temperate-dry, matched ignoring case (ConfigReader.keyword).
        let spellings = SOCClimateZone.allCases.map { $0.rawValue.replacing(/([A-Z])/) { "-" + $0.output.1.lowercased() } }
        if let c = try soc.keyword("climate", valid: spellings) {
            climate = SOCClimateZone.allCases[spellings.firstIndex(of: c)!]
        }
        let zonesRaster = try soc.path("climate_zones")
        // Per-pixel zones replace the single climate: both given, one would be ignored without a word.
        if zonesRaster != nil && soc.has("climate") {
            throw soc.error("climate_zones", "give climate (one climate for the region) or climate_zones (a raster of IPCC climate zones), not both")
        }

        let periods = try r.table("periods")
        try periods?.rejectUnknown(known: ["baseline", "reporting"])
        let baseline = try periods?.yearRange("baseline") ?? 2000...2015
        let reporting = try periods?.yearRanges("reporting") ?? []

        var zones: String?, field: String?
        if let z = try r.table("zones") {
            try z.rejectUnknown(known: ["file", "field"])
            zones = try z.required(try z.path("file"), "file")
            field = try z.string("field")
        }
        var config = LDNConfig(file: path, productivity: productivity, productivityScale: scale, externalLPD: lpd, ecologicalUnits: eco,
                         landCoverMaps: maps, legend: legend, legendSource: legendSource, transitions: matrix,
                         socBaseline: socBaseline, climate: climate, climateZones: zonesRaster, baseline: baseline,
                         reporting: reporting, zones: zones, zoneField: field)
        config.minimumSlope = minimumSlope
        // deciles (Trends.Earth, default) or z-score (GPG v2).
        if let m = try p.keyword("state", valid: ["deciles", "z-score"]) { config.stateMethod = m == "z-score" ? .zScore : .percentileClasses }
        // trends-earth (default) or gpg.
        if let m = try p.keyword("lpd_status", valid: ["trends-earth", "gpg"]) { config.gpgLPDStatus = m == "gpg" }
        if let u = try p.keyword("land_units", valid: ["performance-start", "period-end"]) {
            config.landUnitsFromPerformanceStart = u == "performance-start"
        }
        if let w = try r.table("windows") {
            let names = ["baseline"] + reporting.map { "reporting-\($0.lowerBound)-\($0.upperBound)" }
            try w.rejectUnknown(known: ["preset", "years", "land_cover_start"] + names)
            if let l = try w.keyword("land_cover_start", valid: ["baseline-start", "baseline-end"]) {
                config.landCoverFromBaselineEnd = l == "baseline-end"
            }
            if let p = try w.keyword("preset", valid: LDNWindows.Preset.allCases.map(\.rawValue)), let preset = LDNWindows.Preset(rawValue: p) {
                config.windowPreset = preset
            }
            if let y = try w.number("years") {
                guard y == y.rounded(), y >= 3, y <= 100 else { throw w.error("years", "must be a whole number of years from 3 to 100, got \(y)") }
                config.windowYears = Int(y)
            }
            for name in names {
                guard let t = try w.table(name) else { continue }
                try t.rejectUnknown(known: ["trajectory", "performance", "state"])
                let state = try t.yearRanges("state")
                if let s = state, s.count != 2 || s[0].upperBound >= s[1].lowerBound {
                    throw t.error("state", "give [[first, last], [first, last]]: the baseline years, then the later recent years")
                }
                // Windows too short to compute are named here, with their key and line (the run's own check
                // names the period only, and for a state window spoke of the period's years, not the window's).
                let trajectory = try t.yearRange("trajectory")
                if let y = trajectory, y.count < 3 {
                    throw t.error("trajectory", "the window \(y.lowerBound)-\(y.upperBound) has \(y.count) years; the productivity trajectory needs at least 3")
                }
                if let s = state, s[0].count < LDNPeriodRun.state.minimumBaselineYears {
                    throw t.error("state", "the baseline years \(s[0].lowerBound)-\(s[0].upperBound) are \(s[0].count); state needs at least \(LDNPeriodRun.state.minimumBaselineYears) to compare the recent years with")
                }
                config.windowOverrides[name] = (trajectory, try t.yearRange("performance"), state)
            }
        }
        if let t = try r.table("report") {
            try t.rejectUnknown(known: ["area", "producer", "date", "sources"])
            config.titleBlock.area = try t.string("area")
            config.titleBlock.producer = try t.string("producer")
            config.titleBlock.sources = try t.string("sources")
            if let d = try t.date("date") { config.titleBlock.date = d }
        }
        if let f = try p.number("minimum_year_fraction") {
            guard f > 0 && f <= 1 else { throw p.error("minimum_year_fraction", "must be more than 0 and at most 1, got \(f)") }
            config.minimumYearFraction = f
        }
        if let climate = try r.table("climate") {
            guard productivity != nil else { throw climate.error(nil, "climate correction needs annual productivity ([productivity] stack or files), not an external LPD alone") }
            config.climateCorrection = try ClimateCorrection.load(climate, minimumSlope: minimumSlope)
        }
        return config
    }
}
