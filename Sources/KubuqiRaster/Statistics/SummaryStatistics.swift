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

    /// An accumulator holding given figures (e.g. rounded from ``ExactStatistics``).
    public init(count: Int, nodataCount: Int, minimum: Double, maximum: Double, sum: Double, sumOfSquares: Double) {
        self.count = count
        self.nodataCount = nodataCount
        self.minimum = minimum
        self.maximum = maximum
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// Adds every value of `values`; NaN and infinities count as nodata.
    ///
    /// Eight lanes at a time; sums are kept in `Float` per block of 4096
    /// values and folded into `Double`, which keeps rounding small.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var n = 0
        var lo = Lanes(repeating: .infinity), hi = Lanes(repeating: -.infinity)
        var s = 0.0, s2 = 0.0
        let zero = Lanes.zero
        let base = UnsafeRawPointer(values.baseAddress!)
        var i = 0
        while i < values.count {
            let end = min(i + 4096, values.count)
            var bs = Lanes.zero, bs2 = Lanes.zero
            var bn = SIMD8<Int32>.zero
            while i + Lanes.scalarCount <= end {
                let v = (base + i * MemoryLayout<Float>.stride).loadUnaligned(as: Lanes.self)
                let ok = v.finiteMask
                let x = zero.replacing(with: v, where: ok)
                bs += x
                bs2 += x * x
                bn &+= SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!ok)
                lo = pointwiseMin(lo, v.replacing(with: .infinity, where: .!ok))
                hi = pointwiseMax(hi, v.replacing(with: -.infinity, where: .!ok))
                i += Lanes.scalarCount
            }
            var tailSum: Float = 0, tailSum2: Float = 0
            while i < end {
                let v = values[i]
                if v.isFinite {
                    n += 1
                    tailSum += v; tailSum2 += v * v
                    lo[0] = Swift.min(lo[0], v); hi[0] = Swift.max(hi[0], v)
                }
                i += 1
            }
            n += Int(bn.wrappedSum())
            s += Double(bs.sum()) + Double(tailSum)
            s2 += Double(bs2.sum()) + Double(tailSum2)
        }
        count += n
        nodataCount += values.count - n
        if n > 0 {
            minimum = Swift.min(minimum, Double(lo.min())); maximum = Swift.max(maximum, Double(hi.max()))
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
