/// The mergeable figures of one tile of `stack` (or, merged, of the region):
/// per period written, the pixels that met the completeness rule and the
/// range of valid observations per pixel (which decide, over the whole
/// region, whether a period is published or dropped).
public struct StackTileFigures: TileFigures {
    /// `stack`.
    public static let kind = "stack"

    /// One period's tally.
    public struct Period: Sendable, Codable, Equatable {
        /// The period's label (`2001`, `2001-04-01..2001-10-31`).
        public var label: String
        /// Pixels that met the completeness rule.
        public var met: Int
        /// Fewest and most valid observations of a pixel.
        public var fewest: Int, most: Int
    }

    /// The periods with enough observations, in band order.
    public var periods: [Period]

    /// Adds another tile's figures (the same periods).
    public mutating func merge(_ other: StackTileFigures) throws {
        guard other.periods.map(\.label) == periods.map(\.label) else {
            throw KubuqiError(.input, "tiles disagree on the periods (\(periods.map(\.label)) vs \(other.periods.map(\.label))); were they run on the same inputs?")
        }
        for i in periods.indices {
            periods[i].met += other.periods[i].met
            periods[i].fewest = min(periods[i].fewest, other.periods[i].fewest)
            periods[i].most = max(periods[i].most, other.periods[i].most)
        }
    }
}
