/// The statistics of one pixel's baseline: its values for the same period in
/// each baseline year (missing years left out), sorted.
///
/// Percentiles are linear between order statistics (Hyndman & Fan 1996 type
/// 7, numpy's default): the p-th percentile of sorted values v0..v(n-1) is at
/// position h = (n - 1) p / 100, v(floor h) + (h - floor h)(v(floor h + 1) - v(floor h)).
public struct BaselineStatistics: Sendable {
    /// The values, ascending.
    public private(set) var sorted: [Double]

    /// The statistics of `values` (NaN values left out).
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.filter { !$0.isNaN }.sorted()
    }

    /// Reuses the storage for new values (no allocation once large enough).
    public mutating func reset(_ values: UnsafeBufferPointer<Double>) {
        sorted.removeAll(keepingCapacity: true)
        for v in values where !v.isNaN { sorted.append(v) }
        sorted.sort()
    }

    /// Baseline years with a value.
    public var count: Int { sorted.count }

    /// The p-th percentile (0...100), type 7; NaN when empty.
    public func percentile(_ p: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        if sorted.count == 1 { return first }
        let h = Double(sorted.count - 1) * p / 100
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// The median (the 50th percentile).
    public var median: Double { percentile(50) }

    /// The arithmetic mean; NaN when empty.
    public var mean: Double { sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count) }

    /// The sample standard deviation (n - 1); NaN with fewer than two values.
    public var standardDeviation: Double {
        guard sorted.count > 1 else { return .nan }
        let m = mean
        return (sorted.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(sorted.count - 1)).squareRoot()
    }

    /// The percentile rank of `x`: 100 (count below + half the count equal) / n
    /// (scipy's `percentileofscore(kind='mean')`); NaN when empty or x is NaN.
    public func percentileRank(_ x: Double) -> Double {
        guard !sorted.isEmpty, !x.isNaN else { return .nan }
        var below = 0, equal = 0
        for v in sorted { if v < x { below += 1 } else if v == x { equal += 1 } }
        return 100 * (Double(below) + 0.5 * Double(equal)) / Double(sorted.count)
    }
}
