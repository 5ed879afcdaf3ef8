import KubuqiRaster

/// Sample sizes for a stratified random sample of a class map (Cochran 1977, Sampling
/// Techniques, 3rd ed., eq. 4.2 and 5.25; Olofsson et al. 2014, eq. 13).
public enum SampleSize {
    /// The size that gives a target standard error `targetSE` of the overall accuracy under
    /// stratified random sampling (Olofsson et al. 2014, eq. 13, after Cochran 1977, eq. 5.25):
    ///
    ///     n = (sum_i W_i S_i)^2 / (S(O)^2 + (1/N) sum_i W_i S_i^2),  S_i = sqrt(U_i (1 - U_i))
    ///
    /// with `W_i` the mapped area share of stratum `i`, `U_i` its expected user's accuracy and
    /// `N` the number of sampling units (pixels) in the map. Rounded up.
    public static func forOverallAccuracy(weights: [Double], expectedUsersAccuracy: [Double], targetSE: Double, population: Int) -> Int {
        precondition(weights.count == expectedUsersAccuracy.count && targetSE > 0 && population > 0)
        let s = expectedUsersAccuracy.map { ($0 * (1 - $0)).squareRoot() }
        let a = zip(weights, s).reduce(0) { $0 + $1.0 * $1.1 }
        let b = zip(weights, s).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        let n = a * a / (targetSE * targetSE + b / Double(population))
        // A target so small that its square underflows gives the census (never Int's trap).
        return Int(saturating: min(n.rounded(.up), Double(population)), nan: population)
    }

    /// The size that gives a target standard error `targetSE` of one class's area proportion
    /// `p` (its mapped share) under simple random sampling with the finite population
    /// correction (Cochran 1977, eq. 4.2 with 4.1): `n0 = p (1 - p) / SE^2`,
    /// `n = n0 / (1 + (n0 - 1) / N)`. Rounded up. A planning figure: stratification with a
    /// minimum per class does at least as well for rare classes.
    public static func forClassProportion(_ p: Double, targetSE: Double, population: Int) -> Int {
        precondition(p >= 0 && p <= 1 && targetSE > 0 && population > 0)
        let variance = p * (1 - p)
        guard variance > 0 else { return 1 }
        // n0 is infinite when SE^2 underflows (SE 1e-300): its limit, n = N, the census; a NaN never reaches Int.
        let n0 = variance / (targetSE * targetSE)
        let n = n0.isFinite ? n0 / (1 + (n0 - 1) / Double(population)) : Double(population)
        return Int(saturating: min(max(n, 1).rounded(.up), Double(population)), nan: population)
    }
}
