/// The per-pixel measures of vegetation condition against a baseline of the
/// same period in earlier years (docs/warn.md). In every one a lower value
/// means worse condition.
public enum WarningMetric: String, Sendable, CaseIterable {
    /// Vegetation Condition Index (Kogan 1995), 0..100, with robust bounds.
    case vci
    /// Standardized anomaly (x - mean) / sd, sd with n - 1.
    case zscore
    /// Percent of the baseline median (FEWS NET).
    case percentOfMedian = "pct-median"
    /// Percentile rank of x among the baseline values (ties counted half), 0..100.
    case percentileRank = "pct-rank"
    /// Vegetation Health Index (Kogan 1997): 0.5 VCI + 0.5 TCI; needs a land-surface-temperature series.
    case vhi

    /// Fewest baseline years a pixel (and the command) needs for the metric.
    ///
    /// Percentile bounds, a standard deviation and a rank from fewer than
    /// five years say little; a median of three is the least that is not one
    /// year's value.
    public var minimumBaselineYears: Int {
        switch self {
        case .percentOfMedian: return 3
        case .vci, .zscore, .percentileRank, .vhi: return 5
        }
    }

    /// The default alert thresholds (extreme, severe, moderate upper bounds).
    public var defaultThresholds: AlertThresholds {
        switch self {
        case .vci, .vhi: return AlertThresholds(extreme: 10, severe: 20, moderate: 35)
        case .zscore: return AlertThresholds(extreme: -2, severe: -1.5, moderate: -1)
        case .percentOfMedian: return AlertThresholds(extreme: 60, severe: 75, moderate: 90)
        case .percentileRank: return AlertThresholds(extreme: 5, severe: 10, moderate: 20)
        }
    }

    /// The layer's file stem (`vci` -> `vci.tif`).
    public var layerName: String { rawValue }

    /// What the numbers are.
    public var title: String {
        switch self {
        case .vci: return "Vegetation Condition Index (0-100)"
        case .zscore: return "standardized anomaly (z-score)"
        case .percentOfMedian: return "percent of the baseline median"
        case .percentileRank: return "percentile rank among the baseline years (0-100)"
        case .vhi: return "Vegetation Health Index (0-100)"
        }
    }
}

/// Alert levels of a warning map.
public enum AlertLevel: Int, Sendable, CaseIterable, Comparable {
    /// Not in alert.
    case none = 0
    /// Moderate stress.
    case moderate = 1
    /// Severe stress.
    case severe = 2
    /// Extreme stress.
    case extreme = 3
    /// The baseline carries no signal (too few years, too low, or within noise).
    case notAssessable = 9

    /// Lower-case name.
    public var name: String {
        switch self {
        case .none: return "no alert"
        case .moderate: return "moderate"
        case .severe: return "severe"
        case .extreme: return "extreme"
        case .notAssessable: return "not assessable"
        }
    }

    /// Whether the level is an alert (moderate or worse).
    public var isAlert: Bool { (1...3).contains(rawValue) }

    public static func < (a: AlertLevel, b: AlertLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Upper bounds of the alert levels: a value below `extreme` is extreme,
/// below `severe` severe, below `moderate` moderate, else no alert.
public struct AlertThresholds: Sendable, Equatable {
    /// The bounds, ascending.
    public var extreme: Double, severe: Double, moderate: Double

    /// Creates thresholds (they must ascend, see ``isValid``).
    public init(extreme: Double, severe: Double, moderate: Double) {
        self.extreme = extreme
        self.severe = severe
        self.moderate = moderate
    }

    /// Finite and strictly ascending.
    public var isValid: Bool { extreme.isFinite && severe.isFinite && moderate.isFinite && extreme < severe && severe < moderate }

    /// The level of a metric value (NaN: nil).
    public func level(_ v: Double) -> AlertLevel? {
        guard !v.isNaN else { return nil }
        if v < extreme { return .extreme }
        if v < severe { return .severe }
        if v < moderate { return .moderate }
        return AlertLevel.none
    }
}
