/// How the change thresholds are chosen (`--threshold`).
public enum ThresholdMethod: Sendable, Hashable, CustomStringConvertible {
    /// `fixed:V[,S]`: change at |d| >= V, strong change at |d| >= S (default 2V).
    case fixed(change: Double, strong: Double?)
    /// `sigma:K`: change at |d - mean| >= K standard deviations, strong at 2K.
    case sigma(Double)
    /// `otsu`: Otsu's threshold on |d| separates change from no change; Otsu
    /// again on the values above it separates strong change.
    case otsu

    /// Parses `fixed:V`, `fixed:V,S`, `sigma:K` or `otsu`; nil when malformed or
    /// when a value breaks ``problem`` (V, S and K finite and strictly positive, S >= V).
    public init?(parsing text: String) {
        guard let rule = ThresholdMethod(parsingSyntax: text), rule.problem == nil else { return nil }
        self = rule
    }

    /// Parses the notation only, without checking the values (see ``problem``).
    public init?(parsingSyntax text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "otsu" where parts.count == 1: self = .otsu
        case "sigma" where parts.count == 2:
            guard let k = Double(parts[1]) else { return nil }
            self = .sigma(k)
        case "fixed" where parts.count == 2:
            let v = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard (1...2).contains(v.count), let c = v[0], v.count == 1 || v[1] != nil else { return nil }
            self = .fixed(change: c, strong: v.count == 2 ? v[1] : nil)
        default: return nil
        }
    }

    /// Why the rule cannot be used, or nil: a threshold of 0 would class every
    /// unchanged pixel as (strong) change, so V, S and K must be finite and > 0.
    public var problem: String? {
        switch self {
        case .fixed(let c, let s):
            guard c.isFinite, c > 0 else { return "the change threshold V of fixed:V must be a finite number above 0 (got \(c)); at 0 every unchanged pixel would be change" }
            if let s {
                guard s.isFinite, s >= c else { return "the strong threshold S of fixed:V,S must be finite and at least V (got \(s) with V = \(c))" }
            }
            return nil
        case .sigma(let k):
            guard k.isFinite, k > 0 else { return "K of sigma:K must be a finite number above 0 (got \(k))" }
            return nil
        case .otsu: return nil
        }
    }

    /// The notation it was parsed from.
    public var description: String {
        switch self {
        case .fixed(let c, let s): return "fixed:\(c)" + (s.map { ",\($0)" } ?? "")
        case .sigma(let k): return "sigma:\(k)"
        case .otsu: return "otsu"
        }
    }

    /// The spread at or below which change values count as constant: the rounding
    /// of Float32 arithmetic, 16 units in the last place of the largest |value| (at
    /// least of 1), e.g. 1.9e-6 for NDVI. An unchanged pair gives 0, a uniform
    /// shift of 0.1 a standard deviation of ~1e-8 that is rounding, not change.
    public static func constantSpread(_ statistics: SummaryStatistics) -> Double {
        guard statistics.count > 0 else { return 0 }
        return 16 * Double(Float.ulpOfOne) * max(1, abs(statistics.minimum), abs(statistics.maximum))
    }

    /// Whether the change values are constant: valid pixels whose range is within ``constantSpread(_:)``.
    public static func isConstant(_ statistics: SummaryStatistics) -> Bool {
        statistics.count > 0 && statistics.maximum - statistics.minimum <= constantSpread(statistics)
    }

    /// Whether the thresholds need scene statistics (a first pass).
    public var needsStatistics: Bool {
        if case .fixed = self { return false }
        return true
    }

    /// Whether the rule needs the histogram of |change| (Otsu does; fixed and sigma do not).
    public var needsHistogram: Bool {
        if case .otsu = self { return true }
        return false
    }

    /// The thresholds from the difference's statistics and its histogram of |d|.
    ///
    /// Constant change values (their range within ``constantSpread(_:)``) have nothing to
    /// separate. Where the rule is relative to the scene and no pixel departs from the rest,
    /// every valid pixel is stable (``ChangeThresholds/noChange(centre:)``): `sigma` on any
    /// constant change (the mean absorbs a uniform shift), `otsu` on a change of 0 (an
    /// unchanged pair). `otsu` on a uniform non-zero shift is ambiguous (all change or none):
    /// nil, as is `sigma` on values that vary by less than rounding without being constant.
    ///
    /// - Returns: nil when there are no valid pixels, or when the thresholds would be 0 or
    ///   undefined (see above), since a threshold must be strictly positive.
    public func thresholds(statistics: SummaryStatistics, absoluteHistogram: Histogram) -> ChangeThresholds? {
        let spread = Self.constantSpread(statistics), constant = Self.isConstant(statistics)
        switch self {
        case .fixed(let c, let s):
            return ChangeThresholds(centre: 0, change: c, strong: s ?? 2 * c)
        case .sigma(let k):
            guard let mean = statistics.mean, let sd = statistics.standardDeviation else { return nil }
            if constant { return .noChange(centre: mean) }
            guard sd > spread, (k * sd).isFinite else { return nil }
            return ChangeThresholds(centre: mean, change: k * sd, strong: 2 * k * sd)
        case .otsu:
            if constant && max(abs(statistics.minimum), abs(statistics.maximum)) <= spread { return .noChange(centre: 0) }
            guard let t1 = Otsu.threshold(absoluteHistogram) else { return nil }
            let t2 = Otsu.threshold(absoluteHistogram, above: t1) ?? t1
            return ChangeThresholds(centre: 0, change: t1, strong: max(t1, t2))
        }
    }
}

/// Otsu's method (Otsu 1979, IEEE Trans. SMC 9(1):62-66): the threshold that
/// maximises the between-class variance of a histogram, here on bin centres.
public enum Otsu {
    /// The threshold (an upper bin edge) over the bins whose lower edge is at or above `above`;
    /// nil when fewer than two occupied bins remain.
    public static func threshold(_ h: Histogram, above: Double = -.infinity) -> Double? {
        let w = h.binWidth
        let first = h.counts.indices.first { h.lowerBound + Double($0) * w >= above - 1e-12 } ?? h.counts.count
        let bins = Array(first..<h.counts.count)
        let centres = bins.map { h.lowerBound + (Double($0) + 0.5) * w }
        let counts = bins.map { Double(h.counts[$0]) }
        let total = counts.reduce(0, +)
        guard total > 0, counts.filter({ $0 > 0 }).count >= 2 else { return nil }
        let sumAll = zip(centres, counts).reduce(0) { $0 + $1.0 * $1.1 }
        var wB = 0.0, sumB = 0.0, best = -1.0, bestIndex = 0
        for k in 0..<(bins.count - 1) {
            wB += counts[k]
            sumB += centres[k] * counts[k]
            let wF = total - wB
            guard wB > 0, wF > 0 else { continue }
            let mB = sumB / wB, mF = (sumAll - sumB) / wF
            let between = wB * wF * (mB - mF) * (mB - mF)
            if between > best { best = between; bestIndex = k }
        }
        return h.lowerBound + Double(bins[bestIndex] + 1) * w
    }
}
