import KubuqiRaster

/// The first streamed pass of the productivity performance metric: one
/// histogram of the pixels' mean productivity per land unit, from which the
/// 90th percentile of each unit ("the maximum productivity" of the unit) is
/// read at the end.
///
/// Accumulators of different windows, threads or tiles merge by adding
/// counts, so the result does not depend on how the raster was split. The
/// percentile is read off the histogram with linear interpolation inside a
/// bin (`KubuqiRaster.Histogram`), so its error is at most one bin width:
/// (upperBound − lowerBound) / bins, 0.001 with the defaults for NDVI.
/// Values outside the range fall in the first or last bin.
public struct PerformanceAccumulator: Sendable, Hashable, Codable {
    /// Lower edge of every histogram.
    public let lowerBound: Double
    /// Upper edge of every histogram.
    public let upperBound: Double
    /// Bins of every histogram.
    public let bins: Int
    /// The histogram of each land unit seen so far.
    public private(set) var histograms: [LandUnit: Histogram] = [:]

    /// An empty accumulator; the defaults suit NDVI (−1...1, 0.001 bins).
    public init(lowerBound: Double = -1, upperBound: Double = 1, bins: Int = 2000) {
        precondition(bins > 0 && upperBound > lowerBound, "a histogram needs bins and a non-empty range")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.bins = bins
    }

    /// Counts one pixel's mean productivity in its unit (non-finite ignored).
    public mutating func add(mean: Double, unit: LandUnit) {
        guard mean.isFinite else { return }
        histograms[unit, default: Histogram(lowerBound: lowerBound, upperBound: upperBound, bins: bins)].add(mean)
    }

    /// Counts every pixel of a window: `mean` per pixel, `landCover` per
    /// pixel and, optionally, `ecologicalUnit` per pixel. Pixels whose mean
    /// is not finite or whose land cover is `landCoverNodata` are skipped.
    public mutating func add(
        mean: UnsafeBufferPointer<Float>, landCover: UnsafeBufferPointer<Int16>,
        ecologicalUnit: UnsafeBufferPointer<Int32>? = nil, landCoverNodata: Int16? = DegradationStatus.nodata
    ) {
        precondition(landCover.count >= mean.count && (ecologicalUnit?.count ?? mean.count) >= mean.count,
                     "input buffers are shorter than the means")
        for i in 0..<mean.count {
            let v = mean[i]
            guard v.isFinite, landCover[i] != landCoverNodata else { continue }
            add(mean: Double(v), unit: LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0))
        }
    }

    /// Adds the counts of another accumulator with the same bins.
    public mutating func merge(_ other: PerformanceAccumulator) {
        precondition(other.lowerBound == lowerBound && other.upperBound == upperBound && other.bins == bins,
                     "accumulators must share their bins to merge")
        for (unit, h) in other.histograms {
            if histograms[unit] == nil {
                histograms[unit] = h
            } else {
                histograms[unit]!.merge(h)
            }
        }
    }

    /// The `fraction` quantile (0.9 = the 90th percentile) of every unit.
    public func quantiles(_ fraction: Double = 0.9) -> [LandUnit: Double] {
        var out: [LandUnit: Double] = [:]
        for (unit, h) in histograms {
            if let q = h.quantile(fraction) { out[unit] = q }
        }
        return out
    }

    /// Number of pixels counted in each unit.
    public var counts: [LandUnit: Int] { histograms.mapValues(\.total) }
}
