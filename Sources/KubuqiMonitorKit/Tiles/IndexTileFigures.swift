import KubuqiRaster

/// The mergeable figures of one tile of `index` (or, merged, of the region).
public struct IndexTileFigures: TileFigures {
    /// `index`.
    public static let kind = "index"
    /// NDVI histogram (-1..1, 2000 bins) for FVC's end-members (stats pass).
    public var ndviHistogram: Histogram?
    /// Statistics of each written layer, by output name (final pass; summed in floating point, for the printed summary).
    public var statistics: [String: SummaryStatistics]

    /// Creates figures.
    public init(ndviHistogram: Histogram? = nil, statistics: [String: SummaryStatistics] = [:]) {
        self.ndviHistogram = ndviHistogram
        self.statistics = statistics
    }

    /// Adds another tile's figures.
    public mutating func merge(_ other: IndexTileFigures) {
        if let h = other.ndviHistogram {
            if ndviHistogram == nil { ndviHistogram = h } else { ndviHistogram!.merge(h) }
        }
        for (k, s) in other.statistics { statistics[k, default: SummaryStatistics()].merge(s) }
    }
}
