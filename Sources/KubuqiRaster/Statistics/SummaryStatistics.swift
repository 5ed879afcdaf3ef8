/// Count, extremes, sum and sum of squares of the valid pixels of a raster,
/// accumulated window by window and mergeable across windows, threads and
/// tiles (merging is exact for the counts and associative for the sums, which
/// are kept in `Double`).
public struct SummaryStatistics: Sendable, Hashable, Codable {
    /// Number of valid (finite, not nodata) pixels seen.
    public private(set) var count: Int = 0
    /// Number of nodata pixels seen.
    public private(set) var nodataCount: Int = 0
    /// Smallest valid value, `+infinity` when none.
    public private(set) var minimum: Double = .infinity
    /// Largest valid value, `-infinity` when none.
    public private(set) var maximum: Double = -.infinity
    /// Sum of valid values.
    public private(set) var sum: Double = 0
    /// Sum of squared valid values.
    public private(set) var sumOfSquares: Double = 0

    /// An empty accumulator.
    public init() {}

    /// Adds every value of `values`; NaN counts as nodata.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var n = 0, lo = Float.infinity, hi = -Float.infinity
        var s = 0.0, s2 = 0.0
        // Partial sums in Float per block of 4096 keep rounding small and the loop fast.
        var i = 0
        while i < values.count {
            let end = min(i + 4096, values.count)
            var bs: Float = 0, bs2: Float = 0
            for j in i..<end {
                let v = values[j]
                if v.isFinite {
                    n += 1
                    lo = min(lo, v); hi = max(hi, v)
                    bs += v; bs2 += v * v
                }
            }
            s += Double(bs); s2 += Double(bs2)
            i = end
        }
        count += n
        nodataCount += values.count - n
        if n > 0 {
            minimum = min(minimum, Double(lo)); maximum = max(maximum, Double(hi))
        }
        sum += s; sumOfSquares += s2
    }

    /// Adds one value; NaN and infinities count as nodata.
    public mutating func add(_ value: Double) {
        guard value.isFinite else { nodataCount += 1; return }
        count += 1
        minimum = min(minimum, value); maximum = max(maximum, value)
        sum += value; sumOfSquares += value * value
    }

    /// Merges another accumulator into this one.
    public mutating func merge(_ other: SummaryStatistics) {
        count += other.count
        nodataCount += other.nodataCount
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        sum += other.sum
        sumOfSquares += other.sumOfSquares
    }

    /// Mean of the valid values, nil when there are none.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Population standard deviation of the valid values, nil when there are none.
    public var standardDeviation: Double? {
        guard let m = mean else { return nil }
        return max(0, sumOfSquares / Double(count) - m * m).squareRoot()
    }
}
