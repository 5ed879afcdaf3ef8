import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What `warn` reads, how it judges and what it writes (docs/warn.md).
public struct WarnOptions: Sendable {
    /// How the series is cut into periods.
    public enum Periods: Sendable, Equatable {
        /// Every dated observation (a 16-day or 8-day composite, a dekad, a month file) is a period;
        /// the same period of another year is the observation of that year on the same day of the
        /// year, within half the series' step.
        case observation
        /// Calendar months, years or a season (observations averaged).
        case scheme(PeriodScheme)
    }

    /// The series: files, folders, lists, globs, STAC items or a multi-band raster with dated bands, as `stack` reads them.
    public var inputs: [String]
    /// A CSV giving each single-date file's date.
    public var datesCSV: String?
    /// The band read from single-date files (and STAC assets).
    public var band: Int = 1
    /// Whether `band` was given (`--band N`): refused with a series of dated bands, never ignored (``StackOptions/bandGiven``).
    public var bandGiven = false
    /// Stored-to-physical scale (nil: each band's declared one).
    public var scale: Float?
    /// Added after scaling.
    public var offset: Float = 0
    /// An optional land-surface-temperature series (for TCI and VHI).
    public var temperatureInputs: [String] = []
    /// Its scale (nil: declared).
    public var temperatureScale: Float?
    /// The periods.
    public var periods: Periods = .observation
    /// First and last baseline year (the assessed period's own year is always left out).
    public var baseline: ClosedRange<Int>
    /// A date in the period to assess; nil for the latest.
    public var at: CalendarDate?
    /// Periods accumulated (averaged) into the assessed value.
    public var accumulation: Int = 1
    /// Periods looked back for persistence (and the season chart), including the assessed one.
    public var history: Int = 12
    /// The metric, thresholds, bounds and the not-assessable rule.
    public var rule: WarningRule
    /// Minimum mapping unit of a hotspot in hectares (true area).
    public var mmuHectares: Double = 0
    /// Zones (a vector file or a zone raster) and the field naming them.
    public var zones: String?
    /// The vector zones' name field.
    public var zoneField: String?
    /// The previous run's output folder.
    public var previous: String?
    /// The output folder.
    public var output: String
    /// User creation options.
    public var creationOptions = CreationOptions()
    /// No progress bar.
    public var quiet = true

    /// Options with the defaults of the command line.
    public init(inputs: [String], baseline: ClosedRange<Int>, output: String, metric: WarningMetric = .vci) {
        self.inputs = inputs
        self.baseline = baseline
        self.output = output
        self.rule = WarningRule(metric: metric)
    }

    /// Checks the numbers: a usage error naming the option.
    public func validate() throws {
        guard !inputs.isEmpty else { throw KubuqiError(.usage, "warn: give the series (files, a folder, a list or a multi-band raster with dated bands)") }
        guard (1...9999).contains(baseline.lowerBound), (1...9999).contains(baseline.upperBound) else {
            throw KubuqiError(.usage, "--baseline must be years FIRST-LAST, e.g. 2001-2010")
        }
        let years = baseline.count
        guard years >= rule.minimumYears else {
            throw KubuqiError(.usage, "--baseline \(baseline.lowerBound)-\(baseline.upperBound) spans \(years) year\(years == 1 ? "" : "s"); "
                + "\(rule.metric.rawValue) needs at least \(rule.minimumYears) baseline years")
        }
        guard (1...24).contains(accumulation) else { throw KubuqiError(.usage, "--accumulate must be 1 to 24 periods, not \(accumulation)") }
        guard (1...60).contains(history) else { throw KubuqiError(.usage, "--history must be 1 to 60 periods, not \(history)") }
        guard rule.thresholds.isValid else {
            throw KubuqiError(.usage, "--thresholds must be three finite numbers ascending (extreme < severe < moderate), not "
                + "\(rule.thresholds.extreme),\(rule.thresholds.severe),\(rule.thresholds.moderate)")
        }
        guard rule.lowerPercentile.isFinite, rule.upperPercentile.isFinite, 0 <= rule.lowerPercentile,
              rule.lowerPercentile < rule.upperPercentile, rule.upperPercentile <= 100 else {
            throw KubuqiError(.usage, "--bounds must be two percentiles LOW,HIGH with 0 <= LOW < HIGH <= 100")
        }
        guard rule.minimumBaselineValue.isFinite else { throw KubuqiError(.usage, "--min-baseline must be a finite number") }
        guard rule.noise.isFinite, rule.noise >= 0 else { throw KubuqiError(.usage, "--noise must be a finite number >= 0") }
        guard mmuHectares.isFinite, mmuHectares >= 0 else { throw KubuqiError(.usage, "--mmu must be hectares >= 0 (e.g. 0.5ha)") }
        if let scale { try ScaleFactor.validate(scale) }
        if let temperatureScale { try ScaleFactor.validate(temperatureScale, option: "--lst-scale") }
        guard offset.isFinite else { throw KubuqiError(.usage, "--offset must be finite") }
        guard band >= 1 else { throw KubuqiError(.usage, "--band must be 1 or more, not \(band)") }
        if rule.metric == .vhi && temperatureInputs.isEmpty {
            throw KubuqiError(.usage, "--metric vhi needs a land-surface-temperature series (--lst FILES)")
        }
        if zoneField != nil && zones == nil { throw KubuqiError(.usage, "--zone-field needs --zones FILE") }
    }
}
