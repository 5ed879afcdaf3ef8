extension TheilSen {
    /// Whether the exact Theil-Sen slope of integer points (the median of the
    /// pairwise slopes dy/dx, the mean of the two middle ones when their number
    /// is even; `exactSlope(x:y:)`) is strictly above `numerator / denominator`
    /// (denominator > 0). Nil when fewer than two points with distinct x.
    ///
    /// Decided without forming the median or any reduced fraction: with m
    /// pairwise slopes and c of them above the threshold T, the k-th smallest
    /// (k = m/2, 0-based) is above T exactly when c ≥ m − k. For an odd m that
    /// is the answer; for an even m, c ≥ k + 1 puts both middle slopes above T
    /// and c ≤ k − 1 neither; c = k leaves the largest slope ≤ T (a) and the
    /// smallest > T (b) as the middle pair, and (a + b)/2 > T is compared by
    /// cross-multiplication. Every comparison of n/d with p/q (d, q > 0) is
    /// n·q against p·d in 128-bit integers: no gcd, no division, linear time.
    public static func exactSlopeExceeds(x: [Int], y: [Int], numerator p: Int128, denominator q: Int128) -> Bool? {
        precondition(x.count == y.count, "one x per y")
        precondition(q > 0, "a threshold with a positive denominator")
        var m = 0, above = 0
        // The largest slope <= T (a = an/ad) and the smallest > T (b = bn/bd), each with ad, bd > 0.
        var an: Int128 = 0, ad: Int128 = 0, bn: Int128 = 0, bd: Int128 = 0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count where x[j] != x[i] {
                var n = Int128(y[j] - y[i]), d = Int128(x[j] - x[i])
                if d < 0 { n = -n; d = -d }
                m += 1
                if n * q > p * d {
                    above += 1
                    if bd == 0 || n * bd < bn * d { bn = n; bd = d }
                } else if ad == 0 || n * ad > an * d {
                    an = n; ad = d
                }
            }
        }
        guard m > 0 else { return nil }
        let k = m / 2
        if m % 2 == 1 || above != k { return above >= m - k }
        // Even m with exactly k slopes above T: (a + b) / 2 > T  <=>  (an·bd + bn·ad)·q > 2·p·ad·bd.
        return (an * bd + bn * ad) * q > 2 * p * ad * bd
    }
}
