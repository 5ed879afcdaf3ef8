import Foundation

/// A two-parameter gamma distribution (location 0) fitted by maximum
/// likelihood to positive values.
///
/// Both estimators use only the sufficient statistic
/// A = ln(x̄) − mean(ln x) of the n positive values (A ≥ 0, 0 only when all are equal):
/// - ``Estimator/thom``: Thom's (1958) approximation of the likelihood
///   equation, α = (1 + √(1 + 4A/3)) / (4A), as NOAA's `climate-indices`
///   package (Adams 2017) and McKee et al. (1993) use;
/// - ``Estimator/exact``: the exact maximum-likelihood shape, the root of
///   ln α − ψ(α) = A, by Newton's method from Thom's value (as
///   `scipy.stats.gamma.fit(x, floc=0)` finds it).
///
/// The scale is β = x̄ / α in both.
public struct GammaFit: Sendable, Hashable {
    /// How the shape is estimated.
    public enum Estimator: String, Sendable, CaseIterable {
        /// Thom's approximation (climate-indices, NOAA).
        case thom
        /// The exact maximum-likelihood root.
        case exact
    }

    /// The shape α.
    public let shape: Double
    /// The scale β.
    public let scale: Double
    /// ln Γ(α), kept for the CDF.
    public let logGammaShape: Double

    /// The distribution with `shape` and `scale`.
    public init(shape: Double, scale: Double) {
        self.shape = shape
        self.scale = scale
        logGammaShape = lgamma(shape)
    }

    /// The fit from the count, sum and sum of logarithms of positive values;
    /// nil when it does not exist (fewer than two values, all values equal,
    /// or a non-finite statistic).
    public init?(count: Int, sum: Double, sumOfLogs: Double, estimator: Estimator) {
        guard count >= 2 else { return nil }
        let mean = sum / Double(count)
        let a = log(mean) - sumOfLogs / Double(count)
        // Rounding can leave a tiny positive A for equal values: below 1e-12 the sample has no spread.
        guard a.isFinite, a > 1e-12, mean.isFinite, mean > 0 else { return nil }
        var alpha = (1 + (1 + 4 * a / 3).squareRoot()) / (4 * a)
        if estimator == .exact { alpha = Self.exactShape(a, from: alpha) }
        guard alpha.isFinite, alpha > 0 else { return nil }
        self.init(shape: alpha, scale: mean / alpha)
    }

    /// The fit of `values` (the positive ones; zeros and NaN are left out).
    public init?(_ values: [Double], estimator: Estimator) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        self.init(count: positive.count, sum: positive.reduce(0, +), sumOfLogs: positive.reduce(0) { $0 + log($1) }, estimator: estimator)
    }

    /// Newton's method on f(α) = ln α − ψ(α) − A (decreasing and convex in α), from `start`.
    static func exactShape(_ a: Double, from start: Double) -> Double {
        var alpha = start
        for _ in 0..<100 {
            let f = log(alpha) - GammaFunctions.digamma(alpha) - a
            let slope = 1 / alpha - GammaFunctions.trigamma(alpha)
            var next = alpha - f / slope
            if !(next > 0) { next = alpha / 2 }
            if abs(next - alpha) <= 1e-14 * alpha { return next }
            alpha = next
        }
        return alpha
    }

    /// P(X ≤ x).
    @inline(__always)
    public func cdf(_ x: Double) -> Double {
        GammaFunctions.regularizedLowerGamma(shape, x / scale, logGammaA: logGammaShape)
    }
}
