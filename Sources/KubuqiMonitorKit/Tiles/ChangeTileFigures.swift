import KubuqiRaster

/// The mergeable figures of one tile of `change` (or, merged, of the region).
public struct ChangeTileFigures: TileFigures {
    /// `change`.
    public static let kind = "change"
    /// Statistics of the change value d, exact (so sigma thresholds do not depend on the split).
    public var difference: ExactStatistics
    /// Histogram of |d| on the fixed range of the whole inputs (for Otsu).
    public var absoluteHistogram: Histogram
    /// Pixels and areas per (zone, class) of the tile (final pass, before any minimum mapping unit).
    public var tally: ClassAreaTally?
    /// With zones: pixels and areas per (zone, class), each zone with its full area (final pass).
    public var zoneTally: ClassAreaTally?

    /// Creates figures.
    public init(difference: ExactStatistics, absoluteHistogram: Histogram, tally: ClassAreaTally? = nil) {
        self.difference = difference
        self.absoluteHistogram = absoluteHistogram
        self.tally = tally
    }

    /// Adds another tile's figures (histograms must share their range).
    public mutating func merge(_ other: ChangeTileFigures) throws {
        guard other.absoluteHistogram.lowerBound == absoluteHistogram.lowerBound,
              other.absoluteHistogram.upperBound == absoluteHistogram.upperBound,
              other.absoluteHistogram.counts.count == absoluteHistogram.counts.count else {
            throw KubuqiError(.input, "tiles disagree on the |d| histogram's range (\(absoluteHistogram.upperBound) vs \(other.absoluteHistogram.upperBound)); were they run on the same inputs?")
        }
        difference.merge(other.difference)
        absoluteHistogram.merge(other.absoluteHistogram)
        if let t = other.tally {
            var merged = tally ?? ClassAreaTally()
            merged.merge(t)
            tally = merged
        }
        if let t = other.zoneTally {
            var merged = zoneTally ?? ClassAreaTally()
            merged.merge(t)
            zoneTally = merged
        }
    }
}
