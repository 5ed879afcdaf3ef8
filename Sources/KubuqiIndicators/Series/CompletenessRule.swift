/// When a pixel's observations in a period are enough to stand for it.
///
/// A pixel-period is complete when it has at least `minimumObservations`
/// valid observations and they cover at least `minimumCoverage` of the
/// period, where each observation stands for the collection's nominal step
/// (the median number of days between consecutive dates):
///
///     coverage = min(1, (t_last - t_first + step) / period days)
///
/// A 16-day MODIS year observed from 1 January to 19 December covers
/// (352 + 16) / 365 = 1; Somalia's 2000, which starts on 18 February,
/// covers (304 + 16) / 366 = 0.87; a January-June year 0.5.
public struct CompletenessRule: Sendable, Hashable {
    /// The fewest valid observations.
    public var minimumObservations: Int
    /// The smallest share of the period the observations must span (0...1).
    public var minimumCoverage: Double
    /// The days each observation stands for.
    public var stepDays: Double

    /// Creates a rule.
    public init(minimumObservations: Int = 1, minimumCoverage: Double = 0.9, stepDays: Double) {
        self.minimumObservations = minimumObservations
        self.minimumCoverage = minimumCoverage
        self.stepDays = stepDays
    }

    /// The share of a period of `periodDays` days that observations from day
    /// `first` to day `last` cover.
    public func coverage(first: Int, last: Int, periodDays: Int) -> Double {
        Swift.min(1, (Double(last - first) + stepDays) / Double(periodDays))
    }

    /// Whether `count` observations from `first` to `last` are enough.
    public func isMet(count: Int, first: Int, last: Int, periodDays: Int) -> Bool {
        count >= minimumObservations && count > 0
            && coverage(first: first, last: last, periodDays: periodDays) >= minimumCoverage - 1e-9
    }

    /// The median gap between consecutive distinct day numbers (1 for a single date).
    public static func nominalStep(_ days: [Int]) -> Double {
        let d = Array(Set(days)).sorted()
        guard d.count > 1 else { return 1 }
        let gaps = zip(d.dropFirst(), d).map { Double($0 - $1) }.sorted()
        let m = gaps.count
        return m % 2 == 1 ? gaps[m / 2] : (gaps[m / 2 - 1] + gaps[m / 2]) / 2
    }
}
