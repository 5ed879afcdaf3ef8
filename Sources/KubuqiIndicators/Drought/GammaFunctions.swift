import Foundation

/// The special functions of the SPI's gamma distribution, in pure Swift over
/// Glibc's `exp`, `log` and `lgamma`.
public enum GammaFunctions {
    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a)
    /// (the gamma distribution's CDF at x / scale): the series for x < a + 1,
    /// else the continued fraction for Q = 1 - P evaluated by the modified
    /// Lentz method (Press et al., Numerical Recipes, 3rd ed., § 6.2);
    /// relative accuracy 1e-13. `logGammaA` is ln Γ(a) (computed once per fit).
    @inline(__always)
    public static func regularizedLowerGamma(_ a: Double, _ x: Double, logGammaA: Double) -> Double {
        guard x > 0 else { return x == 0 ? 0 : .nan }
        let prefactor = exp(a * log(x) - x - logGammaA)
        let eps = 1e-14
        if x < a + 1 {
            var ap = a, term = 1 / a, sum = term
            for _ in 0..<1000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * eps { break }
            }
            return min(1, sum * prefactor)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<1000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return max(0, 1 - prefactor * h)
    }

    /// The digamma function ψ(x) = Γ'(x)/Γ(x) for x > 0: the recurrence
    /// ψ(x) = ψ(x + 1) - 1/x up to x ≥ 15, then the asymptotic series
    /// (Abramowitz & Stegun 6.3.18); absolute error below 1e-13.
    public static func digamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        var x = x, shift = 0.0
        while x < 15 { shift -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        let tail = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
        return shift + log(x) - 0.5 / x - tail
    }

    /// The trigamma function ψ'(x) for x > 0: ψ'(x) = ψ'(x + 1) + 1/x² up to
    /// x ≥ 15, then the asymptotic series (A & S 6.4.12); absolute error below 1e-13.
    public static func trigamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        var x = x, shift = 0.0
        while x < 15 { shift += 1 / (x * x); x += 1 }
        let f = 1 / (x * x)
        let tail = (1 + f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30))))) / x
        return shift + tail + 0.5 * f
    }
}
