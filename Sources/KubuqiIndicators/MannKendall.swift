/// The Mann-Kendall test for a monotonic trend in a time series
/// (Mann 1945; Kendall 1975), as used for the productivity trajectory.
///
/// With the n valid values in time order:
///
/// - S = Σ_{i<j} sign(y_j − y_i);
/// - Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18, the sum running
///   over the groups g of t_g equal values (the ties correction);
/// - Z = (S − 1)/√Var(S) if S > 0, 0 if S = 0, (S + 1)/√Var(S) if S < 0
///   (the continuity correction);
/// - p = 2 (1 − Φ(|Z|)), the two-sided p-value of the normal approximation.
///
/// When Var(S) = 0 (every value tied), Z = 0 and p = 1.
public struct MannKendall: Sendable, Hashable, Codable {
    /// Number of valid values n.
    public let count: Int
    /// The statistic S.
    public let s: Int
    /// Var(S) with the ties correction.
    public let variance: Double
    /// The normal score Z with the continuity correction.
    public let z: Double
    /// The two-sided p-value of Z.
    public let pValue: Double

    /// Builds a result from its parts (Z and p are derived from S and Var(S)).
    public init(count: Int, s: Int, variance: Double) {
        self.count = count
        self.s = s
        self.variance = variance
        let z = MannKendall.z(s: s, variance: variance)
        self.z = z
        self.pValue = NormalDistribution.twoSidedPValue(z)
    }

    /// Z with the continuity correction from S and Var(S), without the
    /// p-value (the batched kernels ask for it only when it is wanted).
    @inline(__always)
    public static func z(s: Int, variance: Double) -> Double {
        if variance <= 0 || s == 0 { return 0 }
        return Double(s > 0 ? s - 1 : s + 1) / variance.squareRoot()
    }

    /// Tests the first `count` values of `y` (time order, no NaN). Allocates
    /// nothing.
    public static func test(y: UnsafeBufferPointer<Double>, count n: Int) -> MannKendall {
        var s = 0
        if n >= 2 {
            for i in 0..<(n - 1) {
                let yi = y[i]
                for j in (i + 1)..<n {
                    let d = y[j] - yi
                    s += (d > 0 ? 1 : 0) - (d < 0 ? 1 : 0)
                }
            }
        }
        return MannKendall(count: n, s: s, variance: variance(y: y, count: n))
    }

    /// Var(S) with the ties correction: `[n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`
    /// over the groups of `t` equal values.
    ///
    /// The sum over groups is taken over values instead: a value in a group
    /// of t has t equal values counting itself, so the group's term
    /// t(t-1)(2t+5) is the sum over its members of (t-1)(2t+5). Counting
    /// equal values is n x n comparisons without a branch or a sort.
    static func variance(y: UnsafeBufferPointer<Double>, count n: Int) -> Double {
        guard n > 0, let yp = y.baseAddress else { return variance(count: n, tieTerm: 0) }
        var tieTerm = 0
        for i in 0..<n {
            let yi = yp[i]
            let yis = SIMD4<Double>(repeating: yi)
            var equal = SIMD4<Int64>()
            var j = 0
            // Four comparisons at a time; an equal lane's mask is -1.
            while j &+ 4 <= n {
                equal &-= unsafeBitCast(UnsafeRawPointer(yp + j).loadUnaligned(as: SIMD4<Double>.self) .== yis,
                                        to: SIMD4<Int64>.self)
                j &+= 4
            }
            var t = Int(equal.wrappedSum())
            while j < n {
                t &+= yp[j] == yi ? 1 : 0
                j &+= 1
            }
            tieTerm &+= (t - 1) * (2 * t + 5)
        }
        return variance(count: n, tieTerm: tieTerm)
    }

    /// Var(S) of n values from the ties term sum t(t-1)(2t+5) (0 without
    /// ties), in integers until the one division.
    @inline(__always)
    static func variance(count n: Int, tieTerm: Int) -> Double {
        let untied: Int = n * (n - 1) * (2 * n + 5)
        return Double(untied - tieTerm) / 18
    }

    /// Tests `values` in time order; NaN values (missing years) are dropped.
    public static func test(_ values: [Double]) -> MannKendall {
        let y = values.filter { !$0.isNaN }
        return y.withUnsafeBufferPointer { test(y: $0, count: $0.count) }
    }
}
