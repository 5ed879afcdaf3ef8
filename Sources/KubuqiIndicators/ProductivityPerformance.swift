/// The productivity performance metric: a pixel's mean productivity over the
/// period divided by the maximum productivity of its land unit, taken as the
/// unit's 90th percentile; a ratio below 0.5 is degraded.
///
/// This is Trends.Earth's `productivity_performance`
/// (`te_algorithms/gee/productivity.py`): units of land cover × soil type,
/// the 90th percentile rather than the maximum to resist outliers, and
/// "degraded when the observed mean is below 50 % of the unit's maximum".
/// Performance has two states only: −1 (degraded) and 0 (not degraded).
/// Trends.Earth writes −1 at a ratio of exactly 0.5 as well; here 0.5 is not
/// degraded (strictly below `degradedBelowRatio`).
///
/// Two passes over the rasters: the first fills a `PerformanceAccumulator`
/// with the pixels' means, the second classifies each pixel against
/// `maxima` (built from the accumulator). Units without a positive maximum
/// give nodata, as do pixels without a finite mean.
public struct ProductivityPerformance: Sendable, Hashable, Codable {
    /// The maximum productivity (90th percentile) of each land unit.
    public var maxima: [LandUnit: Double]
    /// Ratios below this are degraded; 0.5.
    public var degradedBelowRatio: Double

    /// A metric with known maxima per unit.
    public init(maxima: [LandUnit: Double], degradedBelowRatio: Double = 0.5) {
        self.maxima = maxima
        self.degradedBelowRatio = degradedBelowRatio
    }

    /// A metric whose maxima are the `percentile` quantile (0.9) of each unit
    /// of a finished first pass.
    public init(accumulator: PerformanceAccumulator, percentile: Double = 0.9, degradedBelowRatio: Double = 0.5) {
        self.init(maxima: accumulator.quantiles(percentile), degradedBelowRatio: degradedBelowRatio)
    }

    /// The ratio of `mean` to its unit's maximum; nil when the mean is not
    /// finite or the unit has no positive maximum.
    public func ratio(mean: Double, unit: LandUnit) -> Double? {
        guard mean.isFinite, let m = maxima[unit], m > 0 else { return nil }
        return mean / m
    }

    /// −1 (degraded), 0, or nodata for one pixel.
    public func status(mean: Double, unit: LandUnit) -> Int16 {
        guard let r = ratio(mean: mean, unit: unit) else { return DegradationStatus.nodata }
        return r < degradedBelowRatio ? DegradationStatus.degraded.rawValue : DegradationStatus.stable.rawValue
    }

    /// Classifies every pixel of a window (second pass). `ratio` (NaN for
    /// nodata) may be nil; `status` receives −1, 0 or nodata. Pixels whose
    /// land cover is `landCoverNodata` are nodata.
    public func run(
        mean: UnsafeBufferPointer<Float>, landCover: UnsafeBufferPointer<Int16>,
        ecologicalUnit: UnsafeBufferPointer<Int32>? = nil, landCoverNodata: Int16? = DegradationStatus.nodata,
        ratio: UnsafeMutableBufferPointer<Float>? = nil, status: UnsafeMutableBufferPointer<Int16>
    ) {
        let n = status.count
        precondition(mean.count >= n && landCover.count >= n && (ecologicalUnit?.count ?? n) >= n
                     && (ratio?.count ?? n) >= n, "buffers are shorter than the output")
        var lastUnit: LandUnit?
        var lastMaximum: Double?
        for i in 0..<n {
            let unit = LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0)
            if unit != lastUnit {
                lastUnit = unit
                lastMaximum = maxima[unit]
            }
            let v = Double(mean[i])
            guard landCover[i] != landCoverNodata, v.isFinite, let m = lastMaximum, m > 0 else {
                ratio?[i] = .nan
                status[i] = DegradationStatus.nodata
                continue
            }
            let r = v / m
            ratio?[i] = Float(r)
            status[i] = r < degradedBelowRatio ? DegradationStatus.degraded.rawValue : DegradationStatus.stable.rawValue
        }
    }

    /// The mean of each pixel over layers `layers` of a layer-major stack
    /// (see `TrendBatch`), skipping NaN, infinities and `nodata`; NaN when
    /// fewer than `minimumYears` are valid. Writes pixels `pixels` of `into`.
    public static func meanProductivity(
        stack: UnsafeBufferPointer<Float>, pixelCount: Int, pixels: Range<Int>, layers: Range<Int>,
        nodata: Float? = nil, minimumYears: Int = 1, into out: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(stack.count >= layers.upperBound * pixelCount, "the stack is shorter than layers x pixels")
        precondition(pixels.upperBound <= pixelCount && out.count >= pixelCount, "pixel range outside the window")
        let nd = nodata ?? .nan
        for p in pixels {
            var sum = 0.0, n = 0
            for l in layers {
                let v = stack[l * pixelCount + p]
                if v.isFinite && v != nd {
                    sum += Double(v)
                    n += 1
                }
            }
            out[p] = n >= max(1, minimumYears) ? Float(sum / Double(n)) : .nan
        }
    }
}
