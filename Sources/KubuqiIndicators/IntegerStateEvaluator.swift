/// The percentile-class state of integer stacks in integers: the same status
/// as `ProductivityState.evaluateExact`, without a `Rational` (no gcd, no
/// division, no allocation per pixel).
///
/// With the extension fraction E/D and the m = n + 2 extended baseline values
/// kept in units of 1/D (v·D, lo·D − (hi − lo)·E, hi·D + (hi − lo)·E), the
/// percentile at h = (m − 1)·p/100 = j + f/100 (numpy's linear rule) is, in
/// units of 1/(100·D), 100·s[j] + f·(s[j+1] − s[j]), an integer; a mean B/n is
/// above it when B·100·D > that · n. The minimum mean difference M_n/M_d
/// with the scale S_n/S_d: |R·n_b − B·n_r|·S_n·M_d ≤ M_n·S_d·n_r·n_b.
/// Every product stays below 2^114 for stored integers (|v| ≤ 2^24), at most
/// 4096 years and parameters whose reduced terms are below 2^32; `init`
/// returns nil for others (the caller then uses `evaluateExact`).
public struct IntegerStateEvaluator: Sendable {
    let metric: ProductivityState
    let extensionNumerator: Int128, extensionDenominator: Int128
    let scaleNumerator: Int128, scaleDenominator: Int128
    let differenceNumerator: Int128, differenceDenominator: Int128
    static let limit: Int128 = 1 << 32

    /// An evaluator of `metric` (percentile classes) for stored integers of
    /// unit `scale`; nil for the z-score method or parameters beyond the bounds above.
    public init?(metric: ProductivityState, scale: Rational) {
        guard metric.method == .percentileClasses else { return nil }
        let q = metric.exactParameters
        let terms = [q.extension_.numerator, q.extension_.denominator, scale.numerator, scale.denominator,
                     q.minimumMeanDifference.numerator, q.minimumMeanDifference.denominator]
        guard terms.allSatisfy({ $0 > -Self.limit && $0 < Self.limit }) else { return nil }
        self.metric = metric
        (extensionNumerator, extensionDenominator) = (q.extension_.numerator, q.extension_.denominator)
        (scaleNumerator, scaleDenominator) = (scale.numerator, scale.denominator)
        (differenceNumerator, differenceDenominator) = (q.minimumMeanDifference.numerator, q.minimumMeanDifference.denominator)
    }

    /// The status of one pixel: `baseline[0..<baselineCount]` and
    /// `recent[0..<recentCount]` its valid stored integers, `scratch` at least
    /// `baselineCount + 2` elements. Nodata when there are too few years.
    public func status(
        baseline: UnsafePointer<Int>, baselineCount nb: Int, recent: UnsafePointer<Int>, recentCount nr: Int,
        scratch: UnsafeMutablePointer<Int128>
    ) -> Int16 {
        guard nb >= metric.minimumBaselineYears, nr >= metric.minimumRecentYears, nb <= 4096, nr <= 4096 else {
            return DegradationStatus.nodata
        }
        var lo = baseline[0], hi = baseline[0], b = 0, r = 0
        for i in 0..<nb { let v = baseline[i]; lo = min(lo, v); hi = max(hi, v); b += v }
        for i in 0..<nr { r += recent[i] }
        // The extended values in units of 1/D, sorted (insertion: a dozen or so values).
        let d = extensionDenominator, pad = Int128(hi - lo) * extensionNumerator
        let m = nb + 2
        for i in 0..<nb { scratch[i] = Int128(baseline[i]) * d }
        scratch[nb] = Int128(lo) * d - pad
        scratch[nb + 1] = Int128(hi) * d + pad
        for i in 1..<m {
            let v = scratch[i]
            var j = i - 1
            while j >= 0 && scratch[j] > v { scratch[j + 1] = scratch[j]; j -= 1 }
            scratch[j + 1] = v
        }
        // Means against the nine percentiles (units 1/(100 D)): x = B / n > P  <=>  B·100·D > P·n.
        let bScaled = Int128(b) * 100 * d, rScaled = Int128(r) * 100 * d
        var baselineClass = 1, recentClass = 1
        for decile in 1...9 {
            let t = (m - 1) * decile * 10
            let j = t / 100
            let p: Int128 = j >= m - 1 ? 100 * scratch[m - 1]
                : 100 * scratch[j] + Int128(t - 100 * j) * (scratch[j + 1] - scratch[j])
            if rScaled > p * Int128(nr) { recentClass += 1 }
            if bScaled > p * Int128(nb) { baselineClass += 1 }
        }
        return finish(baselineClass: baselineClass, recentClass: recentClass, b: b, r: r, nb: nb, nr: nr)
    }

    /// Whether the extension pushes the ends outwards (E ≥ 0: the extended minimum and maximum are the
    /// first and last extended values), which `status(sortingBaseline:...)` needs.
    public var extendsOutward: Bool { extensionNumerator >= 0 && extensionDenominator > 0 }

    /// The status of `status(baseline:...)`, sorting `baseline[0..<baselineCount]` in place as machine
    /// integers instead of sorting the extended values in 128 bits: with E ≥ 0 (`extendsOutward`) the
    /// sorted extended values are lo·D − (hi − lo)·E, then v·D in the order of the sorted v, then
    /// hi·D + (hi − lo)·E, so the k-th of them is formed from the k-th stored integer when a
    /// percentile needs it. The same integers are compared as in `status(baseline:...)`.
    public func status(
        sortingBaseline baseline: UnsafeMutablePointer<Int>, baselineCount nb: Int, recent: UnsafePointer<Int>, recentCount nr: Int
    ) -> Int16 {
        precondition(extendsOutward, "an extension that pushes the ends outwards")
        guard nb >= metric.minimumBaselineYears, nr >= metric.minimumRecentYears, nb <= 4096, nr <= 4096 else {
            return DegradationStatus.nodata
        }
        var b = 0, r = 0
        for i in 0..<nb { b += baseline[i] }
        for i in 0..<nr { r += recent[i] }
        for i in 1..<max(1, nb) {
            let v = baseline[i]
            var j = i - 1
            while j >= 0 && baseline[j] > v { baseline[j + 1] = baseline[j]; j -= 1 }
            baseline[j + 1] = v
        }
        let lo = baseline[0], hi = baseline[nb - 1]
        let (baselineClass, recentClass): (Int, Int)
        if smallTerms && nb <= 64 && nr <= 64 && lo >= -(1 << 24) && hi <= 1 << 24 && abs(b) <= 1 << 30 && abs(r) <= 1 << 30 {
            // The same integers in 64 bits: D, |E| < 2^16 and |v| ≤ 2^24 keep every extended value below 2^42, a
            // percentile (units 1/(100 D)) below 2^51 and its product with a count of at most 64 below 2^57;
            // B·100·D stays below 2^53.
            (baselineClass, recentClass) = decileClasses(Int.self, nb: nb, nr: nr, b: b, r: r) { baseline[$0] }
        } else {
            (baselineClass, recentClass) = decileClasses(Int128.self, nb: nb, nr: nr, b: b, r: r) { baseline[$0] }
        }
        return finish(baselineClass: baselineClass, recentClass: recentClass, b: b, r: r, nb: nb, nr: nr)
    }

    /// Whether `IntegerStateBatch` may decide pixels with every one of `nb` baseline and `nr` recent years
    /// valid through `status(sortedBaseline:...)`: enough years, an extension outwards, and the bounds of the
    /// 64-bit comparisons of `status(sortingBaseline:...)` (D, |E| < 2^16; at most 64 years each, so that with
    /// |v| ≤ 2^24 every sum stays within 2^30).
    public func sortsInBlocks(baselineCount nb: Int, recentCount nr: Int) -> Bool {
        extendsOutward && smallTerms && nb >= max(1, metric.minimumBaselineYears) && nr >= metric.minimumRecentYears
            && nb <= 64 && nr <= 64
    }

    /// What `status(sortedBaseline:...)` needs of a baseline of nb and nr recent years, worked out once for
    /// every pixel with those counts: the deciles' ranks and the minimum difference's two sides.
    public struct SortedPlan: Sendable {
        let nb: Int, nr: Int
        /// The last of the m = nb + 2 extended values.
        let last: Int
        /// Decile k (10k-th percentile, k = 1…9, at index k − 1): h = (m − 1)·10k/100 = j + f/100.
        let j: SIMD16<Int>, f: SIMD16<Int>
        /// D and E of the extension fraction.
        let d: Int, e: Int
        /// |R·nb − B·nr|·factor ≤ limit: the means differ by at most the minimum (`finish`), in 64 bits when `narrowGap`.
        let factor: Int128, limit: Int128, narrowGap: Bool
        let threshold: Int
        /// Every decile lies between two stored values of the sorted baseline: 1 ≤ j and j + 1 ≤ m − 2 (or f = 0
        /// and j ≤ m − 2), so neither extended end (and no D) enters (`IntegerStateBatch.classChange`).
        public let interior: Bool

        /// The status from the class change and the sums (the baseline's and recent years' stored integers): no
        /// change when the means differ by at most the minimum, then the threshold (`finish`'s comparisons).
        @inline(__always)
        func status(change c: Int, baselineSum b: Int, recentSum r: Int) -> Int16 {
            var change = c
            let gap = r &* nb &- b &* nr
            let within = narrowGap ? Int128(abs(gap) &* Int(factor)) <= limit : Int128(abs(gap)) * factor <= limit
            if within { change = 0 }
            return change <= -threshold ? DegradationStatus.degraded.rawValue
                : (change >= threshold ? DegradationStatus.improved.rawValue : DegradationStatus.stable.rawValue)
        }
    }

    /// The plan of `status(sortedBaseline:...)` for nb baseline and nr recent years; nil unless
    /// `sortsInBlocks(baselineCount: nb, recentCount: nr)`.
    public func sortedPlan(baselineCount nb: Int, recentCount nr: Int) -> SortedPlan? {
        guard sortsInBlocks(baselineCount: nb, recentCount: nr) else { return nil }
        let m = nb + 2
        var j = SIMD16<Int>(), f = SIMD16<Int>()
        for decile in 1...9 {
            let t = (m - 1) * decile * 10
            j[decile - 1] = t / 100
            f[decile - 1] = t - 100 * (t / 100)
        }
        let factor = scaleNumerator * differenceDenominator, limit = differenceNumerator * scaleDenominator * Int128(nr) * Int128(nb)
        // |gap| ≤ 2^30·(nb + nr) ≤ 2^37, so |gap|·factor < 2^63 for factor < 2^25.
        let narrow = factor >= 0 && factor < 1 << 25 && limit > -(1 << 62) && limit < 1 << 62
        let interior = (0..<9).allSatisfy { j[$0] >= 1 && j[$0] <= m - 2 && (f[$0] == 0 || j[$0] + 1 <= m - 2) }
        return SortedPlan(nb: nb, nr: nr, last: m - 1, j: j, f: f, d: Int(extensionDenominator), e: Int(extensionNumerator),
                          factor: factor, limit: limit, narrowGap: narrow, threshold: metric.classChangeThreshold, interior: interior)
    }

    /// The status of `status(sortingBaseline:...)` for a pixel whose baseline is already sorted: its k-th
    /// smallest stored integer at `sorted[k · stride]`, k < nb, with sums `baselineSum` and `recentSum` of its
    /// nb baseline and nr recent stored integers (|v| ≤ 2^24), `plan` of `sortedPlan(baselineCount: nb,
    /// recentCount: nr)`. The same integers as `status(sortingBaseline:...)`'s 64-bit comparisons, without
    /// overflow checks: `sortsInBlocks`'s bounds keep every product below 2^57 (see there).
    @inline(__always)
    public func status(sortedBaseline sorted: UnsafePointer<Int32>, stride: Int, plan: SortedPlan,
                       baselineSum b: Int, recentSum r: Int) -> Int16 {
        let nb = plan.nb, nr = plan.nr, last = plan.last, d = plan.d
        let lo = Int(sorted[0]), hi = Int(sorted[(nb &- 1) &* stride])
        let pad = (hi &- lo) &* plan.e
        // The k-th extended value (units of 1/D).
        @inline(__always) func extended(_ k: Int) -> Int {
            k == 0 ? lo &* d &- pad : (k == last ? hi &* d &+ pad : Int(sorted[(k &- 1) &* stride]) &* d)
        }
        let bScaled = b &* 100 &* d, rScaled = r &* 100 &* d
        var baselineClass = 1, recentClass = 1
        for q in 0..<9 {
            let j = plan.j[q]
            let p: Int
            if j >= last {
                p = 100 &* extended(last)
            } else {
                let a = extended(j)
                p = 100 &* a &+ plan.f[q] &* (extended(j &+ 1) &- a)
            }
            recentClass &+= rScaled > p &* nr ? 1 : 0
            baselineClass &+= bScaled > p &* nb ? 1 : 0
        }
        return plan.status(change: recentClass &- baselineClass, baselineSum: b, recentSum: r)
    }

    /// The classes (1-10) of the baseline and recent means B/nb and R/nr among the deciles of the extended
    /// sorted baseline (`baseline(k)` its k-th smallest stored integer), computed in the integer type `T` (the
    /// caller proves that `T` cannot overflow).
    @inline(__always)
    private func decileClasses<T: FixedWidthInteger & SignedInteger>(
        _: T.Type, nb: Int, nr: Int, b: Int, r: Int, sorted baseline: (Int) -> Int
    ) -> (baseline: Int, recent: Int) {
        let lo = baseline(0), hi = baseline(nb - 1), m = nb + 2
        let d = T(extensionDenominator), pad = T(hi - lo) * T(extensionNumerator)
        // The k-th extended value (units of 1/D).
        @inline(__always) func extended(_ k: Int) -> T {
            k == 0 ? T(lo) * d - pad : (k == m - 1 ? T(hi) * d + pad : T(baseline(k - 1)) * d)
        }
        let bScaled = T(b) * 100 * d, rScaled = T(r) * 100 * d
        var baselineClass = 1, recentClass = 1
        for decile in 1...9 {
            let t = (m - 1) * decile * 10
            let j = t / 100
            let p: T
            if j >= m - 1 {
                p = 100 * extended(m - 1)
            } else {
                let a = extended(j)
                p = 100 * a + T(t - 100 * j) * (extended(j + 1) - a)
            }
            if rScaled > p * T(nr) { recentClass += 1 }
            if bScaled > p * T(nb) { baselineClass += 1 }
        }
        return (baselineClass, recentClass)
    }

    /// D and |E| below 2^16: `status(sortingBaseline:...)` may compare in 64 bits.
    var smallTerms: Bool { extensionDenominator < 1 << 16 && extensionNumerator < 1 << 16 && extensionNumerator > -(1 << 16) }

    /// The status from the two classes and the sums: no change when the means differ by at most the minimum.
    @inline(__always)
    private func finish(baselineClass: Int, recentClass: Int, b: Int, r: Int, nb: Int, nr: Int) -> Int16 {
        var change = recentClass - baselineClass
        let gap = Int128(r) * Int128(nb) - Int128(b) * Int128(nr)
        if (gap < 0 ? -gap : gap) * scaleNumerator * differenceDenominator
            <= differenceNumerator * scaleDenominator * Int128(nr) * Int128(nb) { change = 0 }
        let threshold = metric.classChangeThreshold
        return change <= -threshold ? DegradationStatus.degraded.rawValue
            : (change >= threshold ? DegradationStatus.improved.rawValue : DegradationStatus.stable.rawValue)
    }
}
