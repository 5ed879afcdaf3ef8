/// How one pixel's value is judged against its baseline: the metric, its
/// robust bounds, the thresholds and when a pixel is not assessable.
public struct WarningRule: Sendable, Equatable {
    /// The metric the alert levels come from.
    public var metric: WarningMetric
    /// The alert thresholds.
    public var thresholds: AlertThresholds
    /// The percentiles used as VCI's (and TCI's) minimum and maximum (default 10 and 90).
    public var lowerPercentile: Double, upperPercentile: Double
    /// Below this baseline upper bound (the upper percentile) a pixel is not assessable (bare land).
    public var minimumBaselineValue: Double
    /// A baseline range (upper - lower percentile) at or below this is noise: not assessable.
    public var noise: Double
    /// Fewest baseline years with a value for a pixel to be assessable.
    public var minimumYears: Int

    /// The documented defaults for `metric` (docs/warn.md): bounds at the
    /// 10th and 90th percentiles, not assessable below NDVI 0.10 or within 0.02.
    public init(metric: WarningMetric, thresholds: AlertThresholds? = nil, lowerPercentile: Double = 10, upperPercentile: Double = 90,
                minimumBaselineValue: Double = 0.10, noise: Double = 0.02, minimumYears: Int? = nil) {
        self.metric = metric
        self.thresholds = thresholds ?? metric.defaultThresholds
        self.lowerPercentile = lowerPercentile
        self.upperPercentile = upperPercentile
        self.minimumBaselineValue = minimumBaselineValue
        self.noise = noise
        self.minimumYears = minimumYears ?? metric.minimumBaselineYears
    }
}

/// Every metric of one pixel and period.
public struct WarningValues: Sendable, Equatable {
    /// VCI, z-score, percent of median, percentile rank (NaN where undefined).
    public var vci = Double.nan, zscore = Double.nan, percentOfMedian = Double.nan, percentileRank = Double.nan
    /// TCI and VHI (NaN without a temperature series).
    public var tci = Double.nan, vhi = Double.nan
    /// The level (nil: no value to judge).
    public var level: AlertLevel?

    /// Creates empty values.
    public init() {}

    /// The value of `metric`.
    public func value(_ metric: WarningMetric) -> Double {
        switch metric {
        case .vci: return vci
        case .zscore: return zscore
        case .percentOfMedian: return percentOfMedian
        case .percentileRank: return percentileRank
        case .vhi: return vhi
        }
    }
}

extension WarningRule {
    /// The Vegetation Condition Index with robust bounds (Kogan 1995):
    /// 100 (x - lower) / (upper - lower), clamped to 0...100.
    public static func vci(_ x: Double, lower: Double, upper: Double) -> Double {
        guard !x.isNaN, upper > lower else { return .nan }
        return Swift.min(100, Swift.max(0, 100 * (x - lower) / (upper - lower)))
    }

    /// The Temperature Condition Index (Kogan 1995): 100 (upper - t) / (upper - lower), clamped.
    public static func tci(_ t: Double, lower: Double, upper: Double) -> Double {
        guard !t.isNaN, upper > lower else { return .nan }
        return Swift.min(100, Swift.max(0, 100 * (upper - t) / (upper - lower)))
    }

    /// Judges `x` against `baseline` (and a temperature `t` against `temperature`).
    public func evaluate(_ x: Double, baseline: BaselineStatistics, t: Double = .nan, temperature: BaselineStatistics? = nil) -> WarningValues {
        var out = WarningValues()
        guard !x.isNaN else { return out }
        let lower = baseline.percentile(lowerPercentile), upper = baseline.percentile(upperPercentile)
        guard baseline.count >= minimumYears, upper >= minimumBaselineValue, upper - lower > noise else {
            out.level = .notAssessable
            return out
        }
        out.vci = Self.vci(x, lower: lower, upper: upper)
        let sd = baseline.standardDeviation
        out.zscore = sd > 0 ? (x - baseline.mean) / sd : .nan
        let median = baseline.median
        out.percentOfMedian = median > 0 ? 100 * x / median : .nan
        out.percentileRank = baseline.percentileRank(x)
        if let temperature, temperature.count >= minimumYears {
            out.tci = Self.tci(t, lower: temperature.percentile(lowerPercentile), upper: temperature.percentile(upperPercentile))
            out.vhi = out.tci.isNaN ? .nan : 0.5 * out.vci + 0.5 * out.tci
        }
        let v = out.value(metric)
        out.level = v.isNaN ? .notAssessable : thresholds.level(v)
        return out
    }
}
