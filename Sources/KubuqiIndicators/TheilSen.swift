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
        // The middle value(s) by selection, not a full sort: the same values (exact comparisons),
        // in linear time (the sort was half of an ldn run on an integer stack).
        let m = slopes.count
        let upper = select(&slopes, m / 2)
        guard m % 2 == 0 else { return upper }
        // After selecting index m/2 every value below it is <= slopes[m/2]: the lower middle is their maximum.
        let lower = slopes[0..<(m / 2)].max()!
        return (lower + upper) / Rational(2)
    }

    /// The k-th smallest of `v` (0-based), rearranging `v` so that v[..<k] <= v[k] <= v[(k+1)...]
    /// (quickselect with a median-of-three pivot and three-way partitions).
    static func select(_ v: inout [Rational], _ k: Int) -> Rational {
        var lo = 0, hi = v.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let a = v[lo], b = v[mid], c = v[hi]
            let pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
            // Dutch national flag: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                if v[i] < pivot { v.swapAt(lt, i); lt += 1; i += 1 } else if pivot < v[i] { v.swapAt(i, gt); gt -= 1 } else { i += 1 }
            }
            if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return pivot }
        }
        return v[k]
    }
}
