import KubuqiRaster

/// The first streamed pass of the productivity performance metric: every
/// pixel's mean productivity over the period, counted per land unit by exact
/// value, from which the 90th percentile of each unit ("the maximum
/// productivity" of the unit) is read at the end.
///
/// The counts are a histogram whose bins are the distinct mean values
/// themselves, so its range is the data's whatever the productivity measure
/// (NDVI, EVI, NPP, an unscaled integer stack), the percentile is exact, and
/// accumulators of windows, threads and tiles merge by adding counts: the
/// result does not depend on how the raster was split. Memory grows with the
/// number of distinct means per unit: for an integer stack at most (value
/// range × years) per unit, for a floating-point stack up to the unit's
/// pixel count (8 bytes a value; documented in docs/ldn.md).
///
/// With integer stacks (`ProductivityValues.integer`) a mean is the exact
/// fraction sum / count of the stored integers; with floating-point stacks it
/// is the Double sum / count.
public struct PerformanceAccumulator: Sendable, Hashable, Codable {
    /// One distinct mean value of a unit.
    public struct Entry: Sendable, Hashable, Codable {
        // The 16-byte-aligned Rational first: 48 bytes a stride instead of 64 with the count first, and a
        // survey holds one entry per distinct mean (millions on a large grid; docs/benchmarks.md, "ldn memory").
        /// The exact mean (integer stacks), nil for floating-point stacks.
        public var exact: Rational?
        /// Pixels with this mean.
        public var count: Int

        /// An entry of `count` pixels whose mean is `exact` (nil for floating-point stacks).
        public init(count: Int, exact: Rational?) {
            self.exact = exact
            self.count = count
        }
    }
    /// The distinct means of each land unit seen so far, by their Double value.
    public private(set) var values: [LandUnit: [Double: Entry]] = [:]

    /// An empty accumulator.
    public init() {}

    /// Counts one pixel's mean `mean` (non-finite ignored), `exact` when it
    /// is the exact fraction of an integer stack.
    public mutating func add(mean: Double, exact: Rational? = nil, unit: LandUnit) {
        guard mean.isFinite else { return }
        values[unit, default: [:]][mean, default: Entry(count: 0, exact: exact)].count += 1
    }

    /// Counts every pixel of a window from its per-pixel sums and valid-year
    /// counts (`PeriodMeans`), its land cover and, optionally, ecological
    /// unit. Pixels without a mean or whose land cover is `landCoverNodata`
    /// are skipped.
    public mutating func add(
        means: PeriodMeans, landCover: UnsafeBufferPointer<Int16>,
        ecologicalUnit: UnsafeBufferPointer<Int32>? = nil, landCoverNodata: Int16? = DegradationStatus.nodata
    ) {
        precondition(landCover.count >= means.count && (ecologicalUnit?.count ?? means.count) >= means.count,
                     "input buffers are shorter than the means")
        // The unit's table is taken out while a run of pixels of that unit is counted (one unit lookup per
        // run, not per pixel), and an exact mean is formed only for a value new to the table: the entries
        // are those `add(mean:exact:unit:)` would make pixel by pixel.
        var unit: LandUnit?, table: [Double: Entry] = [:]
        for i in 0..<means.count {
            guard landCover[i] != landCoverNodata, let m = means.mean(i), m.isFinite else { continue }
            let u = LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0)
            if u != unit {
                if let unit { values[unit] = table }
                unit = u
                table = values.removeValue(forKey: u) ?? [:]
            }
            if let k = table.index(forKey: m) {
                table.values[k].count += 1
            } else {
                table[m] = Entry(count: 1, exact: means.exactMean(i))
            }
        }
        if let unit { values[unit] = table }
    }

    /// Adds the counts of another accumulator.
    public mutating func merge(_ other: PerformanceAccumulator) {
        for (unit, counts) in other.values {
            values[unit, default: [:]].merge(counts) { Entry(count: $0.count + $1.count, exact: $0.exact ?? $1.exact) }
        }
    }

    /// The percentile `percent` (90) of every unit, linear between closest
    /// ranks as numpy's default: h = (N − 1) · percent/100, the value at rank
    /// ⌊h⌋ plus (h − ⌊h⌋) times the step to the next rank. Exact fractions
    /// for integer stacks; numpy's own Double arithmetic otherwise.
    public func percentiles(_ percent: Int = 90) -> [LandUnit: Percentile] {
        var out: [LandUnit: Percentile] = [:]
        for (unit, counts) in values {
            if let p = Self.percentile(counts, percent) { out[unit] = p }
        }
        return out
    }

    /// Number of pixels counted in each unit.
    public var counts: [LandUnit: Int] { values.mapValues { $0.values.reduce(0) { $0 + $1.count } } }

    /// A unit's percentile: its Double value and, for integer stacks, the exact fraction.
    public struct Percentile: Sendable, Hashable, Codable {
        /// The value (numpy's Double result for floating-point stacks).
        public var value: Double
        /// The exact value for integer stacks.
        public var exact: Rational?
    }

    static func percentile(_ counts: [Double: Entry], _ percent: Int) -> Percentile? {
        let n = counts.values.reduce(0) { $0 + $1.count }
        guard n > 0 else { return nil }
        let exact = counts.values.allSatisfy { $0.exact != nil }
        let (j, k) = ranks(count: n, percent: percent, exact: exact)
        return interpolate(count: n, percent: percent, exact: exact, a: value(atRank: j, in: counts), b: value(atRank: k, in: counts))
    }

    /// The two 0-based ranks the percentile of `n` values interpolates between: ⌊h⌋ and ⌊h⌋ + 1 (both at most
    /// n − 1), h = (n − 1) · percent/100 in exact fractions (`exact`) or in numpy's Double arithmetic.
    static func ranks(count n: Int, percent: Int, exact: Bool) -> (Int, Int) {
        if exact {
            let h = Rational(Int128(n - 1) * Int128(percent), 100)
            let j = Int(h.numerator / h.denominator)
            return (j, min(j + 1, n - 1))
        }
        let j = Int((Double(n - 1) * (Double(percent) / 100)).rounded(.down))
        return (min(j, n - 1), min(j + 1, n - 1))
    }

    /// The value at 0-based `rank` of the sorted pixels of `counts` (the largest beyond the last), with its exact fraction.
    static func value(atRank rank: Int, in counts: [Double: Entry]) -> (Double, Rational?) {
        let sorted = counts.keys.sorted()
        var seen = 0
        for k in sorted {
            seen += counts[k]!.count
            if seen > rank { return (k, counts[k]!.exact) }
        }
        let k = sorted.last!
        return (k, counts[k]!.exact)
    }

    /// The percentile of `n` values from the values `a` and `b` at the ranks `ranks(count:percent:exact:)` gives:
    /// a + g·(b − a) in exact fractions (`exact`), else numpy's `_lerp` in Double.
    static func interpolate(count n: Int, percent: Int, exact: Bool, a: (Double, Rational?), b: (Double, Rational?)) -> Percentile {
        if exact {
            let h = Rational(Int128(n - 1) * Int128(percent), 100)
            let g = h - Rational(h.numerator / h.denominator)
            let p = a.1! + g * (b.1! - a.1!)
            return Percentile(value: p.doubleValue, exact: p)
        }
        let h = Double(n - 1) * (Double(percent) / 100)
        let g = h - h.rounded(.down)
        // numpy's _lerp: a + (b − a)·g, or b − (b − a)·(1 − g) when g ≥ 0.5.
        let d = b.0 - a.0
        return Percentile(value: g >= 0.5 ? b.0 - d * (1 - g) : a.0 + d * g, exact: nil)
    }
}
