/// Accuracy and area estimated from a stratified random sample whose strata are the map's
/// classes (Olofsson et al. 2013, Remote Sensing of Environment 129:122-131; Olofsson et al.
/// 2014, Remote Sensing of Environment 148:42-57, equations 2-10).
///
/// Rows are map classes (strata) `i`, columns reference classes `j`, both over the same class
/// list. With `W_i` the share of the mapped area in stratum `i`, `n_ij` the sample counts and
/// `n_i.` the sample size of stratum `i`:
///
///     p_ij   = W_i n_ij / n_i.                       (estimated area proportion of cell ij)
///     O      = sum_j p_jj                             (overall accuracy)
///     U_i    = n_ii / n_i.                            (user's accuracy)
///     p_.j   = sum_i p_ij                             (area proportion of reference class j)
///     P_j    = p_jj / p_.j                            (producer's accuracy)
///     A_j    = A_total p_.j                           (area of class j)
///     V(O)   = sum_i W_i^2 U_i (1 - U_i) / (n_i. - 1)
///     V(U_i) = U_i (1 - U_i) / (n_i. - 1)
///     V(p_.j) = sum_i W_i^2 (n_ij/n_i.)(1 - n_ij/n_i.) / (n_i. - 1)
///     V(P_j) = [N_j.^2 (1-P_j)^2 U_j (1-U_j)/(n_j.-1) + P_j^2 sum_{i!=j} N_i.^2 (n_ij/n_i.)(1-n_ij/n_i.)/(n_i.-1)] / N_.j^2
///
/// where `N_i.` is the mapped size of stratum `i` and `N_.j = sum_i N_i. n_ij / n_i.` (any unit:
/// the ratio does not depend on it). Confidence intervals are `+- z S` with `z = 1.96` (95 %),
/// as in the papers. A variance needs `n_i. >= 2` in every stratum it sums over; where a stratum
/// has a single point the standard error is `nil` (undefined), never a made-up number.
public struct StratifiedEstimate: Sendable, Equatable {
    /// A value with its standard error (nil where the sample cannot give one).
    public struct Estimate: Sendable, Equatable {
        /// The estimate.
        public var value: Double
        /// Its standard error.
        public var standardError: Double?
        /// Creates an estimate.
        public init(value: Double, standardError: Double?) { self.value = value; self.standardError = standardError }
        /// Half the width of the 95 % confidence interval (1.96 standard errors).
        public var halfWidth95: Double? { standardError.map { StratifiedEstimate.z95 * $0 } }
    }

    /// The normal quantile for 95 % intervals, as Olofsson et al. use it.
    public static let z95 = 1.96

    /// The class codes, in the order of the rows and columns.
    public let classes: [Int]
    /// The mapped area of each stratum (row), in the caller's unit.
    public let mappedArea: [Double]
    /// Sample counts `n_ij` (row: map class, column: reference class).
    public let counts: [[Int]]
    /// Estimated area proportions `p_ij`.
    public let proportions: [[Double]]
    /// Overall accuracy.
    public let overallAccuracy: Estimate
    /// User's accuracy of each map class (nil value where the stratum has no point).
    public let usersAccuracy: [Estimate?]
    /// Producer's accuracy of each reference class (nil where no area is estimated for it).
    public let producersAccuracy: [Estimate?]
    /// Estimated area proportion of each reference class.
    public let areaProportion: [Estimate]
    /// Estimated area of each reference class, in the unit of `mappedArea`.
    public let area: [Estimate]

    /// The errors that make an estimate impossible.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The matrix is not square over the classes, or the areas do not match the rows.
        case shape(String)
        /// A stratum has mapped area but no point in the sample.
        case emptyStratum(code: Int)
        /// An area is negative or not finite, or all areas are zero.
        case badArea(String)

        public var description: String {
            switch self {
            case .shape(let s): return s
            case .emptyStratum(let code): return "stratum \(code) has no labelled point: every stratum needs at least one (two for a standard error)"
            case .badArea(let s): return s
            }
        }
    }

    /// Estimates from the sample counts and the mapped area of each stratum.
    public init(classes: [Int], mappedArea: [Double], counts: [[Int]]) throws {
        let k = classes.count
        guard k > 0, mappedArea.count == k, counts.count == k, counts.allSatisfy({ $0.count == k }) else {
            throw Failure.shape("the error matrix must be \(k) x \(k) with one mapped area per class")
        }
        guard mappedArea.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw Failure.badArea("a mapped area is negative or not finite") }
        let total = mappedArea.reduce(0, +)
        guard total > 0 else { throw Failure.badArea("the mapped areas sum to zero") }
        guard counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else { throw Failure.shape("a sample count is negative") }
        let n = counts.map { $0.reduce(0, +) }
        for i in 0..<k where mappedArea[i] > 0 && n[i] == 0 { throw Failure.emptyStratum(code: classes[i]) }

        self.classes = classes
        self.mappedArea = mappedArea
        self.counts = counts
        let w = mappedArea.map { $0 / total }
        /// n_ij / n_i. (0 for a stratum without area and without points).
        let rowShare: [[Double]] = (0..<k).map { i in (0..<k).map { j in n[i] > 0 ? Double(counts[i][j]) / Double(n[i]) : 0 } }
        let p: [[Double]] = (0..<k).map { i in (0..<k).map { j in w[i] * rowShare[i][j] } }
        proportions = p
        /// The strata that carry weight in a variance sum.
        let weighted = (0..<k).filter { w[$0] > 0 }
        func varianceTerm(_ i: Int, _ share: Double) -> Double? {
            n[i] >= 2 ? share * (1 - share) / Double(n[i] - 1) : nil
        }
        func sum(_ terms: [Double?]) -> Double? {
            terms.contains { $0 == nil } ? nil : terms.reduce(0) { $0 + $1! }
        }

        // Overall accuracy.
        let o = (0..<k).reduce(0) { $0 + p[$1][$1] }
        let vO = sum(weighted.map { i in varianceTerm(i, rowShare[i][i]).map { w[i] * w[i] * $0 } })
        overallAccuracy = Estimate(value: o, standardError: vO.map { $0.squareRoot() })

        // User's accuracy.
        usersAccuracy = (0..<k).map { i in
            n[i] > 0 ? Estimate(value: rowShare[i][i], standardError: varianceTerm(i, rowShare[i][i]).map { $0.squareRoot() }) : nil
        }

        // Area proportions and areas of the reference classes.
        let pj = (0..<k).map { j in (0..<k).reduce(0) { $0 + p[$1][j] } }
        let vpj: [Double?] = (0..<k).map { j in sum(weighted.map { i in varianceTerm(i, rowShare[i][j]).map { w[i] * w[i] * $0 } }) }
        areaProportion = (0..<k).map { Estimate(value: pj[$0], standardError: vpj[$0].map { $0.squareRoot() }) }
        area = areaProportion.map { Estimate(value: $0.value * total, standardError: $0.standardError.map { $0 * total }) }

        // Producer's accuracy.
        producersAccuracy = (0..<k).map { j -> Estimate? in
            guard pj[j] > 0 else { return nil }
            let pa = p[j][j] / pj[j]
            // N_.j in weight units (W_i instead of N_i.: the ratio is the same).
            let nj = pj[j]
            var terms: [Double?] = []
            if w[j] > 0 {
                let u = rowShare[j][j]
                terms.append(varianceTerm(j, u).map { w[j] * w[j] * (1 - pa) * (1 - pa) * $0 })
            }
            for i in weighted where i != j {
                terms.append(varianceTerm(i, rowShare[i][j]).map { pa * pa * w[i] * w[i] * $0 })
            }
            let v = sum(terms).map { $0 / (nj * nj) }
            return Estimate(value: pa, standardError: v.map { $0.squareRoot() })
        }
    }
}
