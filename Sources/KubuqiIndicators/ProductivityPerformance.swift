/// The productivity performance metric: a pixel's mean productivity over the
/// period divided by the maximum productivity of its land unit, taken as the
/// unit's 90th percentile; a ratio of 0.5 or less is degraded.
///
/// This is Trends.Earth's `productivity_performance`
/// (`te_algorithms/gee/productivity.py`): units of land cover × soil type,
/// the 90th percentile rather than the maximum to resist outliers, and
/// `ratio.lte(0.5)` → −1 (degraded), so a ratio of exactly 0.5 is degraded.
/// Performance has two states only: −1 (degraded) and 0 (not degraded).
/// Units whose percentile is not positive give nodata (Trends.Earth masks a
/// zero percentile), as do pixels without a mean.
///
/// Two passes over the rasters: the first fills a `PerformanceAccumulator`
/// with the pixels' means, the second classifies each pixel against the
/// percentiles. With an integer stack the comparison mean ≤ 0.5 · P90 is made
/// in exact fractions of the physical values (stored × scale + offset); with
/// a floating-point stack it is mean / P90 ≤ 0.5 in Double.
public struct ProductivityPerformance: Sendable, Hashable, Codable {
    /// The maximum productivity (90th percentile) of each land unit, in
    /// physical units.
    public var maxima: [LandUnit: Double]
    /// The exact 90th percentiles of stored integers (integer stacks).
    public var exactMaxima: [LandUnit: Rational] = [:]
    /// How the values compare.
    public var values: ProductivityValues = .floating
    /// Ratios at or below this are degraded; 0.5.
    public let degradedAtOrBelowRatio: Double
    /// The same as the exact decimal it is written with.
    let exactRatio: Rational

    /// A metric with known maxima per unit (physical units, floating-point comparisons).
    public init(maxima: [LandUnit: Double], degradedAtOrBelowRatio: Double = 0.5) {
        precondition(degradedAtOrBelowRatio > 0 && degradedAtOrBelowRatio.isFinite, "a positive ratio")
        self.maxima = maxima
        self.degradedAtOrBelowRatio = degradedAtOrBelowRatio
        exactRatio = Rational(decimal: degradedAtOrBelowRatio)!
    }

    /// A metric whose maxima are the 90th percentiles of each unit of a
    /// finished first pass, compared as `values` says.
    public init(accumulator: PerformanceAccumulator, values: ProductivityValues = .floating, degradedAtOrBelowRatio: Double = 0.5) {
        self.init(percentiles: accumulator.percentiles(90), values: values, degradedAtOrBelowRatio: degradedAtOrBelowRatio)
    }

    /// A metric whose maxima are each unit's 90th percentile `p` (from a `PerformanceAccumulator` or a
    /// finished `PerformancePercentileSearch`), compared as `values` says.
    public init(percentiles p: [LandUnit: PerformanceAccumulator.Percentile], values: ProductivityValues = .floating,
                degradedAtOrBelowRatio: Double = 0.5) {
        self.init(maxima: [:], degradedAtOrBelowRatio: degradedAtOrBelowRatio)
        self.values = values
        switch values {
        case .floating:
            maxima = p.mapValues(\.value)
        case .integer(let scale, let offset):
            exactMaxima = p.compactMapValues(\.exact)
            maxima = exactMaxima.mapValues { ($0 * scale + offset).doubleValue }
        }
    }

    /// −1 (degraded), 0, or nodata for one pixel of a floating-point stack.
    public func status(mean: Double, unit: LandUnit) -> Int16 {
        guard mean.isFinite, let m = maxima[unit], m > 0 else { return DegradationStatus.nodata }
        return mean / m <= degradedAtOrBelowRatio ? DegradationStatus.degraded.rawValue : DegradationStatus.stable.rawValue
    }

    /// −1, 0 or nodata for one pixel of an integer stack: `mean` the exact
    /// mean of the stored integers.
    public func status(exactMean mean: Rational, unit: LandUnit) -> Int16 {
        guard case .integer(let scale, let offset) = values, let p = exactMaxima[unit] else { return DegradationStatus.nodata }
        let maximum = p * scale + offset
        guard maximum.signum > 0 else { return DegradationStatus.nodata }
        return mean * scale + offset <= exactRatio * maximum ? DegradationStatus.degraded.rawValue : DegradationStatus.stable.rawValue
    }

    /// Classifies every pixel of a window (second pass) into `status`
    /// (−1, 0 or nodata). Pixels whose land cover is `landCoverNodata` are nodata.
    public func run(
        means: PeriodMeans, landCover: UnsafeBufferPointer<Int16>,
        ecologicalUnit: UnsafeBufferPointer<Int32>? = nil, landCoverNodata: Int16? = DegradationStatus.nodata,
        status: UnsafeMutableBufferPointer<Int16>
    ) {
        let n = status.count
        precondition(means.count >= n && landCover.count >= n && (ecologicalUnit?.count ?? n) >= n, "buffers are shorter than the output")
        if means.integer, let bounds = exactBounds() {
            return runExact(means: means, landCover: landCover, ecologicalUnit: ecologicalUnit, landCoverNodata: landCoverNodata,
                            bounds: bounds, status: status)
        }
        for i in 0..<n {
            let unit = LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0)
            guard landCover[i] != landCoverNodata, let mean = means.mean(i) else {
                status[i] = DegradationStatus.nodata
                continue
            }
            if means.integer, let exact = means.exactMean(i) {
                status[i] = self.status(exactMean: exact, unit: unit)
            } else {
                status[i] = self.status(mean: mean, unit: unit)
            }
        }
    }

    /// Integer stacks: each unit's bound on the exact mean of the stored integers, B = (r·(P·s + o) − o)/s
    /// (s > 0), so that mean·s + o ≤ r·(P·s + o), `status(exactMean:unit:)`'s rule, is mean ≤ B; units whose
    /// maximum P·s + o is not positive are left out (nodata). Nil when the values are not integers or a
    /// bound's terms reach 2^80 (the per-pixel fractions are used then).
    func exactBounds() -> [LandUnit: Rational]? {
        guard case .integer(let scale, let offset) = values else { return nil }
        var bounds: [LandUnit: Rational] = [:]
        let limit: Int128 = 1 << 80
        for (unit, p) in exactMaxima {
            let maximum = p * scale + offset
            guard maximum.signum > 0 else { continue }
            let b = (exactRatio * maximum - offset) / scale
            guard b.numerator > -limit && b.numerator < limit && b.denominator < limit else { return nil }
            bounds[unit] = b
        }
        return bounds
    }

    /// `run` for integer stacks: sum/count ≤ B compared as sum·B_d ≤ B_n·count in 128-bit integers (sums below
    /// 2^46, terms of B below 2^80: every product below 2^127; larger sums take the fractions), the unit's bound looked up
    /// only when the unit changes from the previous pixel. The same classes as `status(exactMean:unit:)`.
    private func runExact(
        means: PeriodMeans, landCover: UnsafeBufferPointer<Int16>, ecologicalUnit: UnsafeBufferPointer<Int32>?,
        landCoverNodata: Int16?, bounds: [LandUnit: Rational], status: UnsafeMutableBufferPointer<Int16>
    ) {
        var lastUnit: LandUnit?, lastBound: Rational?
        for i in 0..<status.count {
            guard landCover[i] != landCoverNodata, Int(means.years[i]) >= means.minimumYears else {
                status[i] = DegradationStatus.nodata
                continue
            }
            let unit = LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0)
            if unit != lastUnit { lastUnit = unit; lastBound = bounds[unit] }
            guard let b = lastBound else { status[i] = DegradationStatus.nodata; continue }
            guard abs(means.sums[i]) < 0x1p46 else { status[i] = self.status(exactMean: means.exactMean(i)!, unit: unit); continue }
            // Through Int64 (exact: below 2^46, truncated toward zero as Int128(_:) would): Int128's conversion from
            // Double is a generic bit-by-bit routine (0.1 CPU-s of an ldn run; docs/benchmarks.md, session 16).
            status[i] = Int128(Int64(means.sums[i])) * b.denominator <= b.numerator * Int128(means.years[i])
                ? DegradationStatus.degraded.rawValue : DegradationStatus.stable.rawValue
        }
    }
}
