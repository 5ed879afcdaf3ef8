import KubuqiIndicators

/// How complete each year of the productivity input is: its number of
/// observations (bands: one annual value, or 23 16-day composites...) against
/// the most complete year's, and the completeness rule (docs/ldn.md,
/// "Observations per year"): a pixel's value for a year is the mean of its
/// valid observations when they number at least `fraction` of the most
/// complete year's observations, nodata otherwise. Years whose files hold
/// fewer observations than that (a year of one January composite, a year of
/// January to June) are nodata everywhere; `--check` and the report list them.
struct YearCompleteness: Sendable {
    /// Observations (bands) per year, ascending years.
    let years: [(year: Int, observations: Int)]
    /// The rule's fraction.
    let fraction: Double
    /// The most complete year's observations.
    let full: Int
    /// Valid observations a pixel needs for a year: ⌈fraction × full⌉, in exact decimal arithmetic.
    let required: Int

    init(_ years: [(Int, Int)], fraction: Double) {
        self.years = years.map { (year: $0.0, observations: $0.1) }
        self.fraction = fraction
        let most = years.map(\.1).max() ?? 1
        full = most
        let need = Rational(decimal: fraction).map { $0 * Rational(most) } ?? Rational(most)
        required = max(1, Int((need.numerator + need.denominator - 1) / need.denominator))
    }

    /// Years with fewer observations than required.
    var short: [(year: Int, observations: Int)] { years.filter { $0.observations < required } }

    /// "2001 23, 2002 23, ..." (observations per year).
    var summary: String { years.map { "\($0.year) \($0.observations)" }.joined(separator: ", ") }

    /// The rule in words.
    var requiredLine: String { "\(required) of \(full) observations (\(fraction) of the most complete year)" }
}
