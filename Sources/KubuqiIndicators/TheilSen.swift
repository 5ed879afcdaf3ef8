/// The Theil-Sen estimator of a linear trend: the median of the slopes
/// (y_j − y_i) / (x_j − x_i) over every pair i < j with x_i ≠ x_j
/// (Theil 1950; Sen 1968). It is robust to outliers (breakdown point 29 %),
/// and is the slope that `scipy.stats.theilslopes` returns.
///
/// Missing years are dropped before the pairs are formed: pass only the valid
/// (year, value) pairs, or use the array form, which drops NaN itself.
public enum TheilSen {
    /// The number of pairwise slopes of `count` points: count (count − 1) / 2,
    /// the size of the scratch buffer `slope(x:y:count:scratch:)` needs.
    public static func pairCount(_ count: Int) -> Int { count * (count - 1) / 2 }

    /// The Theil-Sen slope of the first `count` points of `x` (years, strictly
    /// increasing) and `y`, using `scratch` (at least `pairCount(count)`
    /// elements) for the pairwise slopes. NaN when fewer than two points.
    ///
    /// Allocates nothing: the batched kernels call it once per pixel.
    public static func slope(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, count: Int,
        scratch: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        guard count >= 2 else { return .nan }
        precondition(scratch.count >= pairCount(count), "the scratch buffer is too small")
        var m = 0
        for i in 0..<(count - 1) {
            let xi = x[i], yi = y[i]
            for j in (i + 1)..<count where x[j] != xi {
                scratch[m] = (y[j] - yi) / (x[j] - xi)
                m += 1
            }
        }
        return OrderStatistics.median(scratch, count: m)
    }

    /// The Theil-Sen slope of `values` over `years`; NaN values (missing
    /// years) are dropped. NaN when fewer than two valid values remain.
    public static func slope(years: [Double], values: [Double]) -> Double {
        precondition(years.count == values.count, "one year per value")
        let valid = zip(years, values).filter { !$0.1.isNaN }
        let x = valid.map(\.0), y = valid.map(\.1)
        var scratch = [Double](repeating: 0, count: max(1, pairCount(x.count)))
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { s in
                    slope(x: xb, y: yb, count: xb.count, scratch: s)
                }
            }
        }
    }
}
