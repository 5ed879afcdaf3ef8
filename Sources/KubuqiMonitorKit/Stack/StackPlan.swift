import KubuqiGDAL
import KubuqiIndicators

/// The periods of a stack with their observations, and the ones dropped
/// before any pixel is read (no observation, or too few or too short a span
/// even where every observation is valid).
public struct StackPlan: Sendable {
    /// A period and what went into it.
    public struct Period: Sendable {
        /// The period.
        public var period: SeriesPeriod
        /// Its observations, by date.
        public var observations: [StackObservation]
        /// Why it is dropped; nil when kept.
        public var dropReason: String?
        /// The share of the period its observations cover (0 when none).
        public var coverage: Double
    }

    /// Every period from the first observation's to the last's.
    public var periods: [Period]
    /// The completeness rule (with the collection's step).
    public var rule: CompletenessRule
    /// Observations outside every period (between seasons).
    public var outside: Int

    /// The kept periods.
    public var kept: [Period] { periods.filter { $0.dropReason == nil } }

    /// Cuts `observations` (sorted) into the periods of `scheme`.
    public init(observations: [StackObservation], scheme: PeriodScheme, minimumObservations: Int, minimumCoverage: Double) {
        let step = CompletenessRule.nominalStep(observations.map(\.date.dayNumber))
        rule = CompletenessRule(minimumObservations: minimumObservations, minimumCoverage: minimumCoverage, stepDays: step)
        var placed = 0
        periods = scheme.periods(from: observations.first!.date, to: observations.last!.date).map { p in
            let obs = observations.filter { p.contains($0.date) }
            placed += obs.count
            return Period(period: p, observations: obs, dropReason: nil, coverage: 0)
        }
        outside = observations.count - placed
        let rule = self.rule
        for i in periods.indices {
            let p = periods[i]
            guard let first = p.observations.first, let last = p.observations.last else {
                periods[i].dropReason = "no observation"
                continue
            }
            let cover = rule.coverage(first: first.date.dayNumber, last: last.date.dayNumber, periodDays: p.period.days)
            periods[i].coverage = cover
            if p.observations.count < rule.minimumObservations {
                periods[i].dropReason = "\(p.observations.count) observation\(p.observations.count == 1 ? "" : "s"), fewer than --min-obs \(rule.minimumObservations)"
            } else if !rule.isMet(count: p.observations.count, first: first.date.dayNumber, last: last.date.dayNumber, periodDays: p.period.days) {
                periods[i].dropReason = "incomplete: \(p.observations.count) observation\(p.observations.count == 1 ? "" : "s") from \(first.date) to \(last.date) "
                    + "cover \(Self.percent(cover)) of the period, less than the \(Self.percent(rule.minimumCoverage)) required (--min-coverage)"
            }
        }
        // Leading and trailing seasons that hold nothing are not periods of the collection.
        while periods.first?.observations.isEmpty == true { periods.removeFirst() }
        while periods.last?.observations.isEmpty == true { periods.removeLast() }
    }

    /// Marks a kept period as dropped after the window pass.
    mutating func drop(_ period: SeriesPeriod, reason: String) {
        if let i = periods.firstIndex(where: { $0.period == period }) { periods[i].dropReason = reason }
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded(.down))) %" }
}
