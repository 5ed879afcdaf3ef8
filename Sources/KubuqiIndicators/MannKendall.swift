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
        let z: Double
        if variance <= 0 || s == 0 {
            z = 0
        } else if s > 0 {
            z = Double(s - 1) / variance.squareRoot()
        } else {
            z = Double(s + 1) / variance.squareRoot()
        }
        self.z = z
        self.pValue = NormalDistribution.twoSidedPValue(z)
    }

    /// Tests the first `count` values of `y` (time order, no NaN), using
    /// `scratch` (at least `count` elements) to count the ties. Allocates
    /// nothing.
    public static func test(
        y: UnsafeBufferPointer<Double>, count n: Int, scratch: UnsafeMutableBufferPointer<Double>
    ) -> MannKendall {
        precondition(scratch.count >= n, "the scratch buffer is too small")
        var s = 0
        if n >= 2 {
            for i in 0..<(n - 1) {
                let yi = y[i]
                for j in (i + 1)..<n {
                    let d = y[j] - yi
                    s += d > 0 ? 1 : (d < 0 ? -1 : 0)
                }
            }
        }
        return MannKendall(count: n, s: s, variance: variance(y: y, count: n, scratch: scratch))
    }

    /// Var(S) with the ties correction: `[n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`
    /// over the groups of `t` equal values.
    static func variance(y: UnsafeBufferPointer<Double>, count n: Int, scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<n { scratch[i] = y[i] }
        OrderStatistics.sort(scratch, count: n)
        var tieTerm = 0.0
        var i = 0
        while i < n {
            var j = i + 1
            while j < n && scratch[j] == scratch[i] { j += 1 }
            let t = Double(j - i)
            if t > 1 { tieTerm += t * (t - 1) * (2 * t + 5) }
            i = j
        }
        let nd = Double(n)
        return (nd * (nd - 1) * (2 * nd + 5) - tieTerm) / 18
    }

    /// Tests `values` in time order; NaN values (missing years) are dropped.
    public static func test(_ values: [Double]) -> MannKendall {
        let y = values.filter { !$0.isNaN }
        var scratch = [Double](repeating: 0, count: max(1, y.count))
        return y.withUnsafeBufferPointer { yb in
            scratch.withUnsafeMutableBufferPointer { test(y: yb, count: yb.count, scratch: $0) }
        }
    }
}
