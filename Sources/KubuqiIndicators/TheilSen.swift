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

    /// The size of the scratch buffer `slope(x:y:count:scratch:)` needs for
    /// `count` points: the pairwise slopes and the two buffers of their
    /// median's selection, 3 x `pairCount(count)`.
    public static func scratchCount(_ count: Int) -> Int { 3 * pairCount(count) }

    /// The Theil-Sen slope of the first `count` points of `x` (years, strictly
    /// increasing) and `y`, using `scratch` (at least `scratchCount(count)`
    /// elements) for the pairwise slopes and their median. NaN when fewer than two points.
    ///
    /// Allocates nothing: the batched kernels call it once per pixel.
    public static func slope(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, count: Int,
        scratch: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        guard count >= 2 else { return .nan }
        let pairs = pairCount(count)
        precondition(scratch.count >= 3 * pairs, "the scratch buffer is too small")
        var m = 0
        for i in 0..<(count - 1) {
            let xi = x[i], yi = y[i]
            for j in (i + 1)..<count where x[j] != xi {
                scratch[m] = (y[j] - yi) / (x[j] - xi)
                m += 1
            }
        }
        return OrderStatistics.median(UnsafeMutableBufferPointer(rebasing: scratch[0..<pairs]), count: m,
                                      scratch: UnsafeMutableBufferPointer(rebasing: scratch[pairs...]))
    }

    /// The Theil-Sen slope of `values` over `years`; NaN values (missing
    /// years) are dropped. NaN when fewer than two valid values remain.
    public static func slope(years: [Double], values: [Double]) -> Double {
        precondition(years.count == values.count, "one year per value")
        let valid = zip(years, values).filter { !$0.1.isNaN }
        let x = valid.map(\.0), y = valid.map(\.1)
        var scratch = [Double](repeating: 0, count: max(1, scratchCount(x.count)))
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { s in
                    slope(x: xb, y: yb, count: xb.count, scratch: s)
                }
            }
        }
    }

    /// The Theil-Sen slope of integer points as an exact fraction: the median
    /// of the pairwise slopes (dy/dx, ordered by cross-multiplication), the
    /// mean of the two middle ones when their number is even. Nil when fewer
    /// than two points with distinct x.
    public static func exactSlope(x: [Int], y: [Int]) -> Rational? {
        precondition(x.count == y.count, "one x per y")
        var slopes: [Rational] = []
        slopes.reserveCapacity(pairCount(x.count))
        for i in 0..<x.count {
            for j in (i + 1)..<x.count where x[j] != x[i] {
                slopes.append(Rational(Int128(y[j] - y[i]), Int128(x[j] - x[i])))
            }
        }
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        let m = slopes.count
        return m % 2 == 1 ? slopes[m / 2] : (slopes[m / 2 - 1] + slopes[m / 2]) / Rational(2)
    }
}
