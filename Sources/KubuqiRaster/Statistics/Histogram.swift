/// A fixed-range histogram of equal-width bins, mergeable by adding counts.
///
/// Values below the range fall in the first bin and above it in the last, so
/// no valid value is lost; NaN is not counted. Quantiles are read off the
/// cumulative counts with linear interpolation inside a bin, so their error
/// is at most one bin width.
public struct Histogram: Sendable, Hashable, Codable {
    /// Lower edge of the first bin.
    public let lowerBound: Double
    /// Upper edge of the last bin.
    public let upperBound: Double
    /// Count of values per bin.
    public private(set) var counts: [Int]

    /// Creates an empty histogram of `bins` bins over `lowerBound..<upperBound`.
    public init(lowerBound: Double, upperBound: Double, bins: Int) {
        precondition(bins > 0 && upperBound > lowerBound, "a histogram needs bins and a non-empty range")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.counts = Array(repeating: 0, count: bins)
    }

    /// Width of one bin.
    public var binWidth: Double { (upperBound - lowerBound) / Double(counts.count) }

    /// Total number of values counted.
    public var total: Int { counts.reduce(0, +) }

    /// Index of the bin `value` falls into.
    @inlinable
    public func bin(of value: Double) -> Int {
        let k = Int(saturating: ((value - lowerBound) / (upperBound - lowerBound) * Double(counts.count)).rounded(.down))
        return min(max(k, 0), counts.count - 1)
    }

    /// Counts every non-NaN value of `values`.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        let n = counts.count
        let scale = Float(Double(n) / (upperBound - lowerBound)), lo = Float(lowerBound)
        counts.withUnsafeMutableBufferPointer { c in
            for v in values where !v.isNaN {
                let k = Int(((v - lo) * scale).rounded(.down).clamped(-1, Float(n)))
                c[min(max(k, 0), n - 1)] += 1
            }
        }
    }

    /// Counts one value (NaN ignored).
    public mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        counts[bin(of: value)] += 1
    }

    /// Adds the counts of another histogram over the same bins.
    public mutating func merge(_ other: Histogram) {
        precondition(other.lowerBound == lowerBound && other.upperBound == upperBound
                     && other.counts.count == counts.count, "histograms must share their bins to merge")
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// The value below which a fraction `p` (0...1) of the counted values lie,
    /// nil when the histogram is empty.
    public func quantile(_ p: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let target = min(max(p, 0), 1) * Double(n)
        var cumulative = 0.0
        for (i, c) in counts.enumerated() where c > 0 {
            let next = cumulative + Double(c)
            if next >= target {
                let fraction = (target - cumulative) / Double(c)
                return lowerBound + (Double(i) + fraction) * binWidth
            }
            cumulative = next
        }
        return upperBound
    }
}

extension Float {
    @usableFromInline
    func clamped(_ lo: Float, _ hi: Float) -> Float { Swift.min(Swift.max(self, lo), hi) }
}
