import Foundation

/// Student's t distribution: the two-sided p-value of a t statistic, for the
/// significance of a least-squares slope (`ClimateTrend`).
///
/// P(|T| >= |t|) with `df` degrees of freedom is the regularized incomplete
/// beta function I_x(df/2, 1/2) at x = df / (df + t^2) (Abramowitz & Stegun
/// 26.7.1 and 26.5.27), evaluated by its continued fraction with the modified
/// Lentz method (Press et al., Numerical Recipes, 3rd ed., §6.4).
public enum StudentT {
    /// The two-sided p-value of `t` with `degreesOfFreedom` (> 0); NaN for a NaN `t`.
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom df: Double) -> Double {
        precondition(df > 0, "degrees of freedom must be positive")
        guard !t.isNaN else { return .nan }
        if t.isInfinite { return 0 }
        let x = df / (df + t * t)
        return min(1, max(0, regularizedBeta(x, df / 2, 0.5)))
    }

    /// I_x(a, b), the regularized incomplete beta function, 0 <= x <= 1.
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnBeta + lnPowers
        let front = exp(lnFront)
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); else use the symmetry.
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a, b) / a }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0, d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
