import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Options of `ldn`.
public struct LDNOptions: Sendable {
    /// The TOML configuration.
    public var config: String
    /// The output folder.
    public var output: String
    /// Validate the inputs and stop.
    public var checkOnly: Bool
    /// No progress bars.
    public var quiet: Bool
    /// GDAL creation options for the layers.
    public var creationOptions: CreationOptions
    /// The report's title block given on the command line (over the config's `[report]`).
    public var titleBlock = ReportTitleSettings()
    /// Whether each period's degraded and improved patches are written as polygons
    /// (`sdg-15-3-1-patches.gpkg`, the default); `--no-patches` leaves them out (a noisy map
    /// of a large scene can hold hundreds of thousands of one-pixel patches; docs/benchmarks.md).
    public var patches = true

    /// Creates options.
    public init(config: String, output: String, checkOnly: Bool = false, quiet: Bool = false,
                creationOptions: CreationOptions = CreationOptions()) {
        self.config = config
        self.output = output
        self.checkOnly = checkOnly
        self.quiet = quiet
        self.creationOptions = creationOptions
    }
}

/// `ldn`: SDG indicator 15.3.1 from annual productivity, land cover and SOC,
/// for the baseline and each reporting period (docs/ldn.md).
public enum LDNJob {
    /// The inputs resolved, opened and checked.
    struct Inputs {
        let config: LDNConfig
        let grid: Grid
        /// Productivity bands per year, ascending years (several bands of one
        /// year, e.g. 16-day composites, are averaged per pixel).
        let productivity: [(year: Int, bands: [RasterBand])]
        let lpd: RasterBand?
        let landCover: [Int: RasterBand]
        let soc: RasterBand
        let ecologicalUnits: RasterBand?
        let climateZones: RasterBand?
        /// Rasters of zone ids, one per layer of non-overlapping zones (empty without zones).
        let zones: [String]
        let zoneNames: [Int: String]
        /// The private folder holding the stack built from `[productivity.collection]`, removed by ``removeBuiltStack()``.
        var builtFolder: String? = nil

        /// Removes the stack built from the collection (nothing without one).
        func removeBuiltStack() {
            guard let builtFolder else { return }
            SafeFiles.removeTree(builtFolder)
        }
        /// `[climate]`: the precipitation series' complete years (`open`), and its annual totals on the grid (`run`).
        var precipitationPlan: ClimateSeries.Plan? = nil
        var precipitation: [Int: RasterBand] = [:]
    }

    /// GDAL's block cache while a whole run computes and publishes its periods: 32 MiB instead of the tool's 64, unless
    /// the user set GDAL_CACHEMAX. Windows are whole blocks, each decoded once (a block of the 25-band pixel-interleaved
    /// stack is 3.2 MB, two windows of them in flight), so the rest of the cache only kept blocks already used: 46 MB
    /// less peak RSS at 2000 x 2000, the same bytes out, the same CPU (docs/benchmarks.md, "ldn memory").
    static let blockCacheLimit: Int64 = 32 << 20

    /// Runs (or, with `checkOnly`, validates) the job; `log` receives timestamped progress lines.
    public static func run(_ o: LDNOptions, log: (String) -> Void = { _ in }) throws -> LDNReport {
        var config = try LDNConfig.load(o.config)
        config.titleBlock = config.titleBlock.overridden(by: o.titleBlock)
        log("config \(o.config): \(config.inputFiles.count) input files, baseline \(config.baseline.lowerBound)-\(config.baseline.upperBound), reporting \(config.reporting.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", "))")
        let inputs = try open(config, log: log)
        defer { inputs.removeBuiltStack() }
        let periods = try plan(config, inputs: inputs)
        log("inputs on one grid \(inputs.grid.width)x\(inputs.grid.height); productivity years \(inputs.productivity.first?.year ?? 0)-\(inputs.productivity.last?.year ?? 0)")
        if !inputs.productivity.isEmpty {
            let c = YearCompleteness(inputs.productivity.map { ($0.year, $0.bands.count) }, fraction: config.minimumYearFraction)
            log("observations per year: " + c.summary)
            if !c.short.isEmpty { log("years short of \(c.requiredLine): " + c.short.map { "\($0.year) (\($0.observations) of \(c.full))" }.joined(separator: ", ")) }
        }
        for line in windowWarnings(periods) { log(line) }
        for line in unusedLandCoverWarnings(config, periods) { log(line) }
        for p in periods {
            let w = p.windows
            log("period \(p.name): trajectory \(w.trajectory.lowerBound)-\(w.trajectory.upperBound), performance \(w.performance.lowerBound)-\(w.performance.upperBound), state \(w.stateRecent.lowerBound)-\(w.stateRecent.upperBound) against \(w.stateBaseline.lowerBound)-\(w.stateBaseline.upperBound), land cover \(p.landCoverStart) -> \(p.landCoverEnd), land units from the \(p.landUnitsYear) map")
        }
        // The inputs are hashed from here on, beside the legend check and the set-up (one thread: docs/benchmarks.md,
        // "ldn's idle core, session 15"); a check-only run hashes nothing.
        let digests = o.checkOnly ? nil : InputDigests(config.inputFiles)
        defer { digests?.drain() }
        try checkLegend(inputs, quiet: o.quiet)
        log("land-cover codes all mapped by \(config.legendSource)")
        var report = LDNReport(config: config, grid: inputs.grid, periods: [])
        if !inputs.productivity.isEmpty {
            report.yearCompleteness = YearCompleteness(inputs.productivity.map { ($0.year, $0.bands.count) }, fraction: config.minimumYearFraction)
        }
        if o.checkOnly { return report }
        try LeafletAssets.check()

        try RasterOutputSpec.checkCreationOptions(o.creationOptions, output: o.output)
        let out = try OutputFolder(o.output)
        var written = Set<String>()
        // GDAL's block cache held to `blockCacheLimit` while the periods run and are published (docs/benchmarks.md, "ldn memory").
        try GDALEnvironment.withBlockCacheLimit(blockCacheLimit) { try out.runStaged { work, stage in
            let zoneLayer = try config.zones.map { try ZoneLayer.load($0, field: config.zoneField, grid: inputs.grid, work: work) }
            var finalInputs = Inputs(config: config, grid: inputs.grid, productivity: inputs.productivity, lpd: inputs.lpd,
                                     landCover: inputs.landCover, soc: inputs.soc, ecologicalUnits: inputs.ecologicalUnits,
                                     climateZones: inputs.climateZones, zones: zoneLayer?.rasters ?? [], zoneNames: zoneLayer?.names ?? [:])
            if let cc = config.climateCorrection, let plan = inputs.precipitationPlan {
                finalInputs.precipitation = try ClimateSeries.build(cc, plan: plan, grid: inputs.grid, work: work)
                log("precipitation: \(cc.precipitation) summed per \(cc.season.map { "season \($0)" } ?? "year") onto the productivity grid (bilinear), years \(ClimateSeries.spans(finalInputs.precipitation.keys.sorted())); trajectory: \(cc.description)")
            }
            report.zoneNames = finalInputs.zoneNames
            // Each period is published (COG layers, SDG patches) while the next is computed, and the inputs
            // are hashed meanwhile, so that little is left after the last period (docs/benchmarks.md, "ldn").
            let publisher = LDNPeriodPublisher(userOptions: o.creationOptions, zones: zoneLayer, work: work, quiet: o.quiet, patches: o.patches)
            defer { publisher.drain() }
            // Each layer's STAC Item is written once its COG is (docs/benchmarks.md, "ldn no-patch tail and structure").
            publisher.itemsFolder = stage.path
            var baseline: [LDNPeriod.Layer: String] = [:]
            for period in periods {
                log("period \(period.name) \(period.years.lowerBound)-\(period.years.upperBound): land cover \(period.landCoverStart) -> \(period.landCoverEnd)")
                var run = LDNPeriodRun(period: period, inputs: finalInputs, output: stage, work: work,
                                       baseline: baseline, creationOptions: o.creationOptions, quiet: o.quiet)
                // The last period's stack-pass layers are copied as soon as they are final, beside the rest of the
                // period, so that they are not in the tail after it. Not the earlier periods': their copies end before
                // the last period does anyway, and a copy beside a layer pass adds to the run's peak memory
                // (docs/benchmarks.md, "ldn tail and memory, session 9").
                if period.name == periods.last?.name {
                    run.stackLayersDone = { publisher.submitStackLayers(of: period, files: $0) }
                }
                // The SDG layer's patches are drawn during its layer pass (no zones or one zone layer; several overlapping
                // zone layers are drawn by the publisher after the period: their combinations are numbered over the whole layer).
                if o.patches, PatchDrawing.applies(to: zoneLayer) { run.patches = .some(zoneLayer) }
                // An earlier period's patches finish beside this one: a failure there ends the run before this period
                // (the serial order's first error), and is the error if this period fails too.
                if let failed = publisher.failure() { throw failed }
                var result: LDNPeriodResult
                do { result = try run.run() } catch { throw publisher.firstError(before: error) }
                if period.isBaseline { baseline = result.files }
                // The survey's distinct means are for tiles' merges; a whole run has its maxima and lets it go.
                result.performanceSurvey = nil
                publisher.submit(result)
                if period.name == periods.last?.name {
                    // Nothing is computed any more: the copies left run on every core, beside the last patches, which
                    // end the period as before (the publisher reports their error).
                    publisher.computingEnded()
                    _ = try? result.patchDrawing?.finish()
                }
                result.patchDrawing = nil   // the publisher's to finish
                report.periods.append(result)
                log("period \(period.name): \(result.summaryLine)")
            }
            publisher.computingEnded()
            // Publishable outputs (docs/publishing.md): COG layers and patches (above), then the report, then the STAC catalogue.
            let published = try publisher.finish()
            if let digests { report.inputDigests = try digests.finish() }
            try LDNPublication.report(report, folder: stage, inputs: config.inputFiles, maps: published.maps, patches: published.patches,
                                     itemsWritten: published.items)
            written = try LDNOutputFolder.written(stage)
            return ((), protecting: config.inputFiles)
        } }
        // The folder holds exactly this run's outputs (docs/ldn.md, "Outputs").
        try LDNOutputFolder.prune(out, keeping: written, inputs: config.inputFiles)
        log("report written: \(out.file("report.html")), report.json, report.md, tables/*.csv")
        return report
    }

    /// Opens every input, parses the productivity years and checks the grids.
    static func open(_ c: LDNConfig, log: (String) -> Void = { _ in }) throws -> Inputs {
        let files = InputRasters()
        var productivity: [(Int, [RasterBand])] = []
        var builtFolder: String?
        var source = c.productivity
        if case .collection(var options)? = source {
            // One run from raw data to the report: the collection reduced by `stack` into a private folder first.
            let folder = try SafeFiles.privateFolder(in: NSTemporaryDirectory(), purpose: "ldn-stack")
            builtFolder = folder
            options.output = (folder as NSString).appendingPathComponent("productivity.tif")
            do {
                let r = try StackJob.run(options)
                log("productivity stack built from the collection: \(r.manifest.periods.filter { $0.band != nil }.count) periods, \(r.manifest.reducer)")
            } catch {
                SafeFiles.removeTree(folder)
                throw error
            }
            source = .stack(path: options.output, years: [])
        }
        switch source {
        case .collection?: fatalError("replaced by the built stack above")
        case .stack(let path, _)?:
            let ds = try files.dataset(path)
            var bandYears: [(band: RasterBand, year: Int)] = []
            for b in 1...ds.bandCount {
                let band = try ds.band(b)
                guard let year = Self.year(in: band.bandDescription) else {
                    throw KubuqiError.input(path, "band \(b) has no year in its description ('\(band.bandDescription)'); name each band by its year")
                }
                bandYears.append((band, year))
            }
            for (a, b) in zip(bandYears, bandYears.dropFirst()) where b.year < a.year {
                throw KubuqiError.input(path, "years out of order: band \(b.band.index) is \(b.year), after band \(a.band.index) (\(a.year))")
            }
            for (a, b) in zip(bandYears, bandYears.dropFirst()) where b.year > a.year + 1 {
                throw KubuqiError.input(path, "missing year \(a.year + 1): band \(a.band.index) is \(a.year) and band \(b.band.index) is \(b.year)")
            }
            for (band, year) in bandYears {
                if productivity.last?.0 == year { productivity[productivity.count - 1].1.append(band) } else { productivity.append((year, [band])) }
            }
        case .files(let byYear)?:
            let years = byYear.keys.sorted()
            for (a, b) in zip(years, years.dropFirst()) where b > a + 1 {
                throw KubuqiError.input(c.file, "missing year \(a + 1) in productivity.files (have \(a) and \(b))")
            }
            // FILE:BAND reads that band; a FILE alone is the year's observations, every band of it
            // (23 16-day composites, say), as bands of one year in a stack.
            productivity = try years.map { year in
                let selection = BandSelection(parsing: byYear[year]!)
                if selection.bandGiven { return (year, [try files.band(selection)]) }
                let ds = try files.dataset(selection.path)
                return (year, try (1...max(1, ds.bandCount)).map { try ds.band($0) })
            }
        case nil: break
        }
        // Declared scales are read before any pixel (the integer path applies them in exact fractions).
        if c.productivityScale == nil { for band in productivity.flatMap(\.1) { _ = try DeclaredScaling.of(band) } }
        let lpd = try c.externalLPD.map { try files.band(BandSelection(path: $0)) }
        var lc: [Int: RasterBand] = [:]
        for (y, p) in c.landCoverMaps { lc[y] = try files.band(BandSelection(parsing: p)) }
        let soc = try files.band(BandSelection(path: c.socBaseline))
        let eco = try c.ecologicalUnits.map { try files.band(BandSelection(path: $0)) }
        let climate = try c.climateZones.map { try files.band(BandSelection(path: $0)) }
        var all = productivity.flatMap(\.1) + lc.keys.sorted().map { lc[$0]! } + [soc]
        all += [lpd, eco, climate].compactMap { $0 }
        try files.requireSameGrid(all)
        var inputs = Inputs(config: c, grid: all[0].dataset.grid, productivity: productivity, lpd: lpd, landCover: lc, soc: soc,
                            ecologicalUnits: eco, climateZones: climate, zones: [], zoneNames: [:], builtFolder: builtFolder)
        if let cc = c.climateCorrection, !productivity.isEmpty { inputs.precipitationPlan = try ClimateSeries.plan(cc) }
        return inputs
    }

    /// The first four-digit year (1900-2199) in a band description: `2000`, `X2000.02.18`, `NDVI_2001`.
    static func year(in text: String) -> Int? {
        guard let r = text.range(of: "(19|20|21)[0-9]{2}", options: .regularExpression) else { return nil }
        return Int(text[r])
    }

    /// The periods with their land-cover map years; checks that productivity covers them.
    static func plan(_ c: LDNConfig, inputs: Inputs) throws -> [LDNPeriod] {
        let maps = c.landCoverMaps.keys.sorted()
        let years = Set(inputs.productivity.map(\.year))
        var periods: [LDNPeriod] = []
        let start = LDNPeriod.mapYear(for: c.baseline.lowerBound, in: maps)
        // Trends.Earth judges a reporting period's land cover from the baseline's end map.
        let fromEnd = c.landCoverFromBaselineEnd ?? (c.windowPreset == .trendsEarth)
        let reportingStart = fromEnd ? LDNPeriod.mapYear(for: c.baseline.upperBound, in: maps) : start
        let first = inputs.productivity.first?.year ?? c.baseline.lowerBound
        func windows(_ name: String, _ years: ClosedRange<Int>, _ isBaseline: Bool) -> LDNWindows {
            var w = LDNWindows.preset(c.windowPreset, years: years, isBaseline: isBaseline, baseline: c.baseline,
                                      windowYears: c.windowYears, firstYear: first)
            if let o = c.windowOverrides[name] {
                if let t = o.trajectory { w.trajectory = t }
                if let p = o.performance { w.performance = p }
                if let s = o.state { w.stateBaseline = s[0]; w.stateRecent = s[1] }
            }
            return w
        }
        // Trends.Earth's performance takes its land units from the land cover of the window's first year.
        let unitsFromStart = c.landUnitsFromPerformanceStart ?? (c.windowPreset == .trendsEarth)
        func period(_ name: String, _ years: ClosedRange<Int>, isBaseline: Bool, landCoverStart: Int) -> LDNPeriod {
            let w = windows(name, years, isBaseline)
            let end = LDNPeriod.mapYear(for: years.upperBound, in: maps)
            return LDNPeriod(name: name, years: years, isBaseline: isBaseline, landCoverStart: landCoverStart, landCoverEnd: end,
                             landUnitsYear: unitsFromStart ? LDNPeriod.mapYear(for: w.performance.lowerBound, in: maps) : end,
                             windows: w)
        }
        periods.append(period("baseline", c.baseline, isBaseline: true, landCoverStart: start))
        for r in c.reporting {
            periods.append(period("reporting-\(r.lowerBound)-\(r.upperBound)", r, isBaseline: false, landCoverStart: reportingStart))
        }
        if inputs.lpd == nil {
            for p in periods {
                let missing = p.productivityYears.filter { !years.contains($0) }
                if let m = missing.first {
                    let key = c.windowOverrides[p.name] != nil ? "windows.\(p.name)" : (p.isBaseline ? "periods.baseline" : "periods.reporting")
                    throw KubuqiError.input(c.file, "\(key): the \(p.name) period \(p.years.lowerBound)-\(p.years.upperBound) needs productivity for \(m), which the inputs lack (have \(inputs.productivity.first.map { String($0.year) } ?? "none")-\(inputs.productivity.last.map { String($0.year) } ?? "none"))")
                }
                try checkComputable(p, config: c)
            }
            if let cc = c.climateCorrection, let plan = inputs.precipitationPlan {
                try ClimateSeries.check(plan, windows: periods.flatMap { ClimateSeries.windows($0, cc) }, file: cc.precipitation)
            }
        }
        return periods
    }

    /// Refuses a period for which a sub-indicator cannot be computed: a trend
    /// needs `TrendBatch`'s 3 years; state compares the last 3 years with at
    /// least `minimumBaselineYears` (3) earlier ones (the baseline's own, for
    /// the baseline period), so a baseline needs 6 years.
    static func checkComputable(_ p: LDNPeriod, config c: LDNConfig) throws {
        let span = "\(p.years.lowerBound)-\(p.years.upperBound)"
        let w = p.windows
        let trendYears = 3, recent = 3, baselineYears = LDNPeriodRun.state.minimumBaselineYears
        let key = p.isBaseline ? "periods.baseline" : "periods.reporting"
        if w.trajectory.count < trendYears {
            throw KubuqiError.input(c.file, "\(key): the \(p.name) period \(span) has a trajectory window of \(w.trajectory.count) years (\(w.trajectory.lowerBound)-\(w.trajectory.upperBound)): the productivity trajectory needs at least \(trendYears)")
        }
        let earlier = w.stateBaselineCount
        // A reporting period under the `period` windows compares its last 3 years with the baseline period's years: when
        // those include them (the period ends less than 3 years after the baseline), say so, not "too short".
        if !p.isBaseline && w.stateBaseline.upperBound >= w.stateRecent.lowerBound {
            let recentYears = "\(w.stateRecent.lowerBound)-\(w.stateRecent.upperBound)", base = "\(w.stateBaseline.lowerBound)-\(w.stateBaseline.upperBound)"
            throw KubuqiError.input(c.file, "\(key): the \(p.name) period \(span): productivity state compares its last \(w.stateRecent.count) years (\(recentYears)) with the baseline years \(base), which include them; end the period in \(w.stateBaseline.upperBound + recent) or later, use [windows] preset = \"trends-earth\", or set [windows.\(p.name)] state = [[first, last], [first, last]] with the recent years after the others")
        }
        if earlier < baselineYears {
            let which = p.isBaseline && c.windowOverrides[p.name]?.state == nil ? "the \(earlier) before them" : "\(earlier) baseline years"
            throw KubuqiError.input(c.file, "\(key): the \(p.name) period \(span) has \(p.years.count) years: productivity state compares the last \(w.stateRecent.count) with \(which) and needs at least \(baselineYears) of those; give the baseline at least \(recent + baselineYears) years")
        }
    }

    /// Warnings for windows too short for the trajectory's 95 % level: with n years the largest
    /// |Z| is (n(n-1)/2 - 1) / sqrt(n(n-1)(2n+5)/18): 1.04 for 3 years, 1.70 for 4, 2.20 for 5.
    static func windowWarnings(_ periods: [LDNPeriod]) -> [String] {
        periods.compactMap { p in
            let n = p.windows.trajectory.count
            let s = Double(n * (n - 1) / 2 - 1), v = Double(n * (n - 1) * (2 * n + 5)) / 18
            let z = s / v.squareRoot()
            guard z < 1.96 else { return nil }
            return "warning: the \(p.name) trajectory window \(p.windows.trajectory.lowerBound)-\(p.windows.trajectory.upperBound) has \(n) years: its largest |Z| is \(String(format: "%.2f", z)), so no pixel can reach the 95 % level (a trend needs 5 years; [windows] preset = \"trends-earth\" uses 16 ending at the period's end)"
        }
    }

    /// Warnings for land-cover maps that no period reads: a period takes the map of its first year (or of the
    /// baseline's end, Trends.Earth's rule) and of its last year, each the latest map at or before that year (the
    /// earliest map when none is), and its land units from one of them; a map dated after every period's end, or
    /// between two such years, is silently unused otherwise (e.g. a 2030 map in a 2019-2024 report).
    static func unusedLandCoverWarnings(_ c: LDNConfig, _ periods: [LDNPeriod]) -> [String] {
        let used = Set(periods.flatMap { [$0.landCoverStart, $0.landCoverEnd, $0.landUnitsYear] })
        let span = periods.map { "\($0.name) \($0.landCoverStart) -> \($0.landCoverEnd)" }.joined(separator: ", ")
        return c.landCoverMaps.keys.sorted().filter { !used.contains($0) }.map { year in
            "warning: \(c.file): the \(year) land-cover map (\(c.landCoverMaps[year]!)) is used by no period (\(span)): a period reads the latest map at or before its first and last years"
        }
    }

    /// Scans the land-cover maps (or one window of them, for a tile) for codes the legend does not map;
    /// names each with its pixel count.
    static func checkLegend(_ inputs: Inputs, region: Window? = nil, quiet: Bool) throws {
        let legend = inputs.config.legend
        for year in inputs.landCover.keys.sorted() {
            let band = inputs.landCover[year]!
            let counter = UnknownCodes()
            let nodata = band.nodata.map(Float.init)
            let kernel: StreamedCalculation.JointKernel = { ins, outs, _, _ in
                var unknown = UnknownCodeCounter()
                let classes = UnsafeMutableBufferPointer<Int16>.allocate(capacity: ins[0].count)
                defer { classes.deallocate() }
                legend.reclassify(ins[0], nodata: nodata, into: classes, unknown: &unknown)
                counter.add(unknown)
                _ = outs[0].update(fromContentsOf: ins[0])
            }
            _ = try StreamedCalculation.runJoint(inputs: [PixelInput(band: band, nodata: .some(nil))], outputs: [nil], kernel: kernel,
                                                 region: region, progress: ProgressBar("checking \(year) land cover", quiet: quiet).update)
            let unknown = counter.merged()
            if !unknown.isEmpty {
                let list = unknown.sorted.prefix(10).map { "code \($0.code) (\($0.count) pixels)" }.joined(separator: ", ")
                let where_ = region.map { " in tile window \($0)" } ?? ""
                throw KubuqiError.input(band.dataset.path, "land-cover codes not in the legend \(inputs.config.legendSource)\(where_): \(list); map them in a legend file ([landcover] legend = \"legend.json\")")
            }
        }
    }
}

/// Unknown land-cover codes gathered from concurrent chunks.
final class UnknownCodes: @unchecked Sendable {
    private let lock = NSLock()
    private var counter = UnknownCodeCounter()
    func add(_ c: UnknownCodeCounter) { lock.withLock { counter.merge(c) } }
    func merged() -> UnknownCodeCounter { lock.withLock { counter } }
}
