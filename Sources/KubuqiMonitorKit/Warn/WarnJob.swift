import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What a warn run wrote and found.
public struct WarnResult: Sendable {
    /// The one summary line.
    public var summary: String
    /// The bulletin written to bulletin.json.
    public var bulletin: WarnBulletin
    /// Output files by name.
    public var files: [String]
}

/// `warn`: early warning of vegetation stress (docs/warn.md).
///
/// Every pixel's value in the assessed period (optionally averaged over the
/// last k periods) is judged against the same period of each baseline year
/// (``WarningKernel``), streamed window by window through
/// ``StreamedCalculation``; alert patches become hotspots (``WarnHotspots``).
public enum WarnJob {
    /// The output layers, in the kernel's order.
    enum Layer: Int, CaseIterable {
        case level, vci, zscore, percentOfMedian, percentileRank, tci, vhi, persistence, value, baselineMedian
        var file: String {
            switch self {
            case .level: return "alert-level.tif"
            case .vci: return "vci.tif"
            case .zscore: return "zscore.tif"
            case .percentOfMedian: return "pct-median.tif"
            case .percentileRank: return "pct-rank.tif"
            case .tci: return "tci.tif"
            case .vhi: return "vhi.tif"
            case .persistence: return "persistence.tif"
            case .value: return "value.tif"
            case .baselineMedian: return "baseline-median.tif"
            }
        }
    }

    /// The legend of alert-level.tif.
    static let legend: [ClassLegend.Entry] = [
        .init(value: 0, name: "no alert", rgb: (204, 230, 204)), .init(value: 1, name: "moderate", rgb: (255, 220, 90)),
        .init(value: 2, name: "severe", rgb: (245, 140, 40)), .init(value: 3, name: "extreme", rgb: (200, 30, 30)),
        .init(value: 9, name: "not assessable", rgb: (200, 200, 200)),
    ]

    /// Runs the warning.
    public static func run(_ o: WarnOptions) throws -> WarnResult {
        try check(o)
        let destination = try OutputFolder(o.output)
        return try destination.runStaged { work, stage in
            let setup = try Setup(o, work: work)
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: setup.grid, work: work) }
            let progress = ProgressBar("warn", quiet: o.quiet)
            let pass = try pixelPass(o, setup, zoning: zoning, folder: stage, region: nil, progress: progress.update)
            let bulletin = try finish(o, setup, zoning: zoning, sums: pass.sums, folder: stage, work: work)
            let files = (try FileManager.default.contentsOfDirectory(atPath: stage.path)).sorted()
            return (WarnResult(summary: bulletin.summary, bulletin: bulletin, files: files), setup.inputPaths + [o.zones, o.datesCSV].compactMap { $0 })
        }
    }

    /// The checks made before any work: the numbers, the zone file, the previous run's folder.
    static func check(_ o: WarnOptions) throws {
        try o.validate()
        try RasterOutputSpec.checkCreationOptions(o.creationOptions, output: o.output)   // before any work, as every command
        if let zones = o.zones { try InputFile.requireRegular(zones) }
        if let previous = o.previous {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: previous, isDirectory: &isDir), isDir.boolValue else {
                throw KubuqiError.input(previous, "--previous must be the folder of an earlier warn run")
            }
            guard FileManager.default.fileExists(atPath: (previous as NSString).appendingPathComponent("hotspots.gpkg")) else {
                throw KubuqiError.input(previous, "holds no hotspots.gpkg: not the folder of an earlier warn run")
            }
        }
    }

    /// The series read and laid out, its bands opened and checked to share one grid.
    struct Setup {
        let plan: WarnPlan
        let inputs: [PixelInput]
        let grid: Grid
        /// Every file read.
        let inputPaths: [String]

        init(_ o: WarnOptions, work: WorkFolder) throws {
            let rasters = InputRasters()
            let plan = try WarnJob.makePlan(o, rasters: rasters, work: work)
            let inputs = try plan.rows.map { row -> PixelInput in
                let obs = row.series == 0 ? plan.series.observations[row.observation] : plan.temperature!.observations[row.observation]
                let band = try rasters.dataset(obs.path).band(obs.band)
                let scale = row.series == 0 ? o.scale : o.temperatureScale
                if let scale { return PixelInput(band: band, scale: scale, offset: row.series == 0 ? o.offset : 0) }
                return try PixelInput.declared(band)
            }
            do { try rasters.requireSameGrid(inputs.map(\.band)) } catch let e as KubuqiError {
                throw KubuqiError(e.kind, e.message + "; warp the series onto one grid first (stack --grid FILE)")
            }
            self.plan = plan
            self.inputs = inputs
            grid = inputs[0].band.dataset.grid
            inputPaths = Array(Set(plan.rows.map { $0.series == 0 ? plan.series.observations[$0.observation].path : plan.temperature!.observations[$0.observation].path }))
        }
    }

    /// An input error when no pixel has a value in the assessed period (an all-nodata download): a
    /// bulletin of "0 % in alert" would be a silent wrong answer; the period is as good as missing.
    static func requireSomeValue(_ sums: [WarnTally.Key: WarnTally.Sums], plan: WarnPlan, _ o: WarnOptions) throws {
        guard let whole = sums[WarnTally.whole], (0..<5).contains(where: { whole.area($0) > 0 }) else {
            throw KubuqiError.input(o.inputs[0], "no pixel has a value in the assessed period \(plan.periods[plan.assessed].label) "
                + "(every pixel is nodata, NaN or infinite); nothing to judge")
        }
    }

    /// The per-pixel pass over `region` (the whole grid when nil): every layer written into `folder`,
    /// the areas per level and zone tallied. Returns the sums and the layers' file names.
    static func pixelPass(_ o: WarnOptions, _ setup: Setup, zoning: ZoneLayer?, folder: OutputFolder, region: Window?,
                          progress: @escaping (Double) -> Void = { _ in }) throws -> (sums: [WarnTally.Key: WarnTally.Sums], layers: [String]) {
        var inputs = setup.inputs
        let zoneRows = try (zoning?.rasters ?? []).map { path -> Int in
            inputs.append(PixelInput(band: try Dataset.open(path).band(1), nodata: .some(nil)))
            return inputs.count - 1
        }
        // A whole run publishes every layer through CloudOptimizedOutput (finish: the COG copy encodes them once);
        // a tile's layers are published by the merge, so they are written as published.
        let specs = outputSpecs(o, plan: setup.plan, stage: folder).map { spec in
            spec.map { s -> RasterOutputSpec in var s = s; s.storage = region == nil ? .stagedForCOG : .published; return s }
        }
        let layers = Layer.allCases.count
        let zoneOutputs = zoneRows.indices.map { layers + $0 }
        let historyOutputs = (1..<o.history).map { layers + zoneRows.count + $0 - 1 }
        let allSpecs: [RasterOutputSpec?] = specs + zoneRows.map { _ in nil } + historyOutputs.map { _ in nil }
        let kernel = makeKernel(setup.plan.layout, rule: o.rule, zoneRows: zoneRows, layers: layers)
        let tally = WarnTally(grid: setup.grid, levelOutput: Layer.level.rawValue, metricOutput: layer(of: o.rule.metric).rawValue,
                              zoneOutputs: zoneOutputs, historyOutputs: historyOutputs)
        _ = try StreamedCalculation.runJoint(inputs: inputs, outputs: allSpecs, kernel: kernel, region: region, observer: tally, progress: progress)
        return (tally.sums, specs.compactMap { $0.map { ($0.path as NSString).lastPathComponent } })
    }

    /// What is computed on the whole map once its layers are in `folder` (on one machine, or at the
    /// merge of a tiled run): the legend, the hotspots (patches joined across tile edges, the minimum
    /// mapping unit, the comparison with --previous), zones.csv, bulletin.json and .html, and the
    /// STAC catalogue of the rasters.
    static func finish(_ o: WarnOptions, _ setup: Setup, zoning: ZoneLayer?, sums: [WarnTally.Key: WarnTally.Sums],
                       folder: OutputFolder, work: WorkFolder) throws -> WarnBulletin {
        let plan = setup.plan, grid = setup.grid
        try requireSomeValue(sums, plan: plan, o)
        try ClassLegend.attach(to: folder.file(Layer.level.file), entries: legend)
        let hotspots = try WarnHotspots.find(o, stage: folder, work: work, grid: grid, plan: plan, zoning: zoning)
        var bulletin = WarnBulletin.make(o, plan: plan, sums: sums, zoning: zoning, hotspots: hotspots, grid: grid)
        if let uncovered = zoning?.uncovered, !uncovered.isEmpty {
            bulletin.zonesCoveringNoPixel = uncovered.sorted().map { zoning?.names[$0] ?? "zone \($0)" }
        }
        try atomicWrite(try ReportJSON.encode(bulletin), to: folder.file("bulletin.json"))
        try atomicWrite(Data(bulletin.zonesCSV.utf8), to: folder.file("zones.csv"))
        try atomicWrite(Data(WarnBulletinPage.html(bulletin, levelPath: folder.file(Layer.level.file), hotspots: hotspots).utf8),
                        to: folder.file("bulletin.html"))
        // Published as Cloud Optimized GeoTIFFs in a STAC catalogue (docs/publishing.md).
        let written = outputSpecs(o, plan: plan, stage: folder).compactMap { $0 }.map {
            (path: $0.path, title: $0.bandDescription.isEmpty ? ($0.path as NSString).lastPathComponent : $0.bandDescription,
             isClasses: $0.path == folder.file(Layer.level.file))
        }
        try WarnPublication.publish(o, plan: plan, rasters: written, legend: legend, folder: folder)
        return bulletin
    }

    static func layer(of metric: WarningMetric) -> Layer {
        switch metric {
        case .vci: return .vci
        case .zscore: return .zscore
        case .percentOfMedian: return .percentOfMedian
        case .percentileRank: return .percentileRank
        case .vhi: return .vhi
        }
    }

    /// Reads the series (as `stack` does) and lays out the periods.
    static func makePlan(_ o: WarnOptions, rasters: InputRasters, work: WorkFolder) throws -> WarnPlan {
        func collect(_ inputs: [String], band: Int, given: Bool) throws -> [StackObservation] {
            var so = StackOptions(inputs: inputs, output: work.file("series.tif"), datesCSV: o.datesCSV, band: band)
            so.bandGiven = given
            so.quiet = true
            so.monthBands = true
            let obs = try StackSources.collect(so, rasters: rasters)
            guard !obs.isEmpty else { throw KubuqiError.input(inputs[0], "no dated observation in the series") }
            return obs
        }
        let series = WarnPlan.Series(try collect(o.inputs, band: o.band, given: o.bandGiven), periods: o.periods)
        let temperature = o.temperatureInputs.isEmpty ? nil : WarnPlan.Series(try collect(o.temperatureInputs, band: 1, given: false), periods: o.periods)
        return try WarnPlan(series: series, temperature: temperature, options: o)
    }

    static func outputSpecs(_ o: WarnOptions, plan: WarnPlan, stage: OutputFolder) -> [RasterOutputSpec?] {
        let label = plan.periods[plan.assessed].label
        let common: [(String, String)] = [
            ("KUBUQI_WARN_PERIOD", label), ("KUBUQI_WARN_BASELINE", "\(o.baseline.lowerBound)-\(o.baseline.upperBound) (\(plan.years.count) years, the assessed year left out)"),
            ("KUBUQI_WARN_ACCUMULATION", "\(o.accumulation) period(s)"), ("KUBUQI_WARN_METRIC", o.rule.metric.rawValue),
            ("KUBUQI_WARN_BOUNDS", "percentiles \(o.rule.lowerPercentile) and \(o.rule.upperPercentile) of the baseline (type 7)"),
        ]
        let hasLST = plan.temperature != nil
        return Layer.allCases.map { l -> RasterOutputSpec? in
            if (l == .tci || l == .vhi) && !hasLST { return nil }
            let classes = l == .level || l == .persistence
            let description: String = switch l {
            case .level: "alert level of \(label) (\(o.rule.metric.rawValue)): 0 none, 1 moderate, 2 severe, 3 extreme, 9 not assessable"
            case .persistence: "consecutive periods in alert up to \(label) (at most \(o.history))"
            case .value: "assessed value of \(label)" + (o.accumulation > 1 ? " (mean of \(o.accumulation) periods)" : "")
            case .baselineMedian: "baseline median of the same period"
            case .vci: WarningMetric.vci.title
            case .zscore: WarningMetric.zscore.title
            case .percentOfMedian: WarningMetric.percentOfMedian.title
            case .percentileRank: WarningMetric.percentileRank.title
            case .tci: "Temperature Condition Index (0-100)"
            case .vhi: WarningMetric.vhi.title
            }
            return RasterOutputSpec(path: stage.file(l.file), encoding: classes ? .classes : .float32, creationOptions: o.creationOptions,
                                    bandDescription: description, metadata: common)
        }
    }

    /// The joint kernel: every layer of a chunk, plus the zone ids and the history of the metric (not written).
    static func makeKernel(_ layout: WarningLayout, rule: WarningRule, zoneRows: [Int], layers: Int) -> StreamedCalculation.JointKernel {
        return { ins, outs, _, _ in
            var kernel = WarningKernel(layout: layout, rule: rule)
            let n = outs[0].count
            for p in 0..<n {
                let w = kernel.evaluate(ins, pixel: p)
                let a = w.assessed
                outs[Layer.level.rawValue][p] = a.level.map { Float($0.rawValue) } ?? .nan
                let assessable = a.level != nil && a.level != .notAssessable
                func put(_ l: Layer, _ v: Double) { outs[l.rawValue][p] = assessable ? Float(v) : .nan }
                put(.vci, a.vci); put(.zscore, a.zscore); put(.percentOfMedian, a.percentOfMedian); put(.percentileRank, a.percentileRank)
                put(.tci, a.tci); put(.vhi, a.vhi)
                outs[Layer.persistence.rawValue][p] = a.level == nil ? .nan : Float(w.persistence)
                outs[Layer.value.rawValue][p] = Float(w.value)
                outs[Layer.baselineMedian.rawValue][p] = Float(w.baselineMedian)
                for (z, row) in zoneRows.enumerated() { outs[layers + z][p] = ins[row][p] }
                for h in 1..<max(1, w.history.count) { outs[layers + zoneRows.count + h - 1][p] = Float(w.history[h]) }
            }
        }
    }
}
