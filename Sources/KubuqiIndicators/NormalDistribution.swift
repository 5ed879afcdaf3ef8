import Foundation

/// The standard normal distribution, as needed by the Mann-Kendall test.
///
/// Both functions go through `erfc` of the C library (Glibc on Linux, Darwin
/// on macOS), which keeps full relative precision in the far tail where
/// `1 - erf(x)` would cancel to zero.
public enum NormalDistribution {
    /// The cumulative distribution function Φ(x) = ½ erfc(−x / √2).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The two-sided p-value of a standard normal statistic:
    /// 2 (1 − Φ(|z|)) = erfc(|z| / √2). NaN gives NaN.
    public static func twoSidedPValue(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }
}
