/// The productivity state metric: is the recent productivity of a pixel low
/// or high against that pixel's own baseline years?
///
/// Two methods, both over the annual productivity layers of one period
/// (typically 13 baseline years followed by the 3 most recent years):
///
/// **`.percentileClasses`** (the default; Trends.Earth's
/// `productivity_state`, `te_algorithms/gee/productivity.py`):
/// 1. The baseline values of the pixel are extended by two values,
///    min − 5 % (max − min) and max + 5 % (max − min), so that the classes
///    reach a little beyond the observed range.
/// 2. The 10th, 20th, ... 90th percentiles of the extended values cut 10
///    classes: class 1 for x ≤ P10, class k for P(10(k−1)) < x ≤ P(10k),
///    class 10 for x > P90. Percentiles interpolate linearly between closest
///    ranks (numpy's default); Trends.Earth uses Earth Engine's percentile
///    reducer, which can differ from it at class edges.
/// 3. The class of the recent mean minus the class of the baseline mean is
///    the class change; a change ≤ −2 is degraded, ≥ 2 improved, anything
///    between stable (Trends.Earth's `recode_state`,
///    `te_algorithms/gdal/land_deg/land_deg_numba.py`). When the two means
///    differ by at most `minimumMeanDifference` the change is 0 (Trends.Earth
///    uses 100 in NDVI × 10000 units, i.e. 0.01 NDVI).
///
/// **`.zScore`** (the state of the UNCCD GPG v2 as the SEPAL SDG 15.3.1
/// module implements it, `component/scripts/productivity.py`): with μ and σ
/// the mean and population standard deviation of the baseline years and x̄
/// the mean of the n recent years, z = (x̄ − μ) / (σ / √n); z < −1.96 is
/// degraded, z > 1.96 improved. σ = 0 gives nodata.
///
/// The metric written per pixel is the class change (an integer) or z.
public struct ProductivityState: Sendable, Hashable, Codable {
    /// The two ways of scoring the recent years against the baseline years.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Change in decile class of the recent mean (Trends.Earth).
        case percentileClasses
        /// Normal score of the recent mean (GPG v2 as implemented by SEPAL).
        case zScore
    }

    /// The method.
    public var method: Method
    /// A class change of at least this size is degraded (negative) or
    /// improved (positive); 2 in Trends.Earth.
    public var classChangeThreshold: Int
    /// The fraction of the baseline range added below the minimum and above
    /// the maximum before the percentiles are taken; 0.05 in Trends.Earth.
    public var extensionFraction: Double
    /// Means closer than this are stable whatever their classes (0 = off).
    public var minimumMeanDifference: Double
    /// |z| above which the z-score method calls a change; 1.96 (95 %).
    public var zThreshold: Double
    /// Fewer valid baseline years give nodata.
    public var minimumBaselineYears: Int
    /// Fewer valid recent years give nodata.
    public var minimumRecentYears: Int

    /// The parameters of Trends.Earth (percentile classes, change of 2 classes).
    public static let trendsEarth = ProductivityState()

    /// A state metric with the given parameters.
    public init(
        method: Method = .percentileClasses, classChangeThreshold: Int = 2, extensionFraction: Double = 0.05,
        minimumMeanDifference: Double = 0, zThreshold: Double = 1.96,
        minimumBaselineYears: Int = 3, minimumRecentYears: Int = 1
    ) {
        precondition(classChangeThreshold >= 1 && minimumBaselineYears >= 2 && minimumRecentYears >= 1)
        self.method = method
        self.classChangeThreshold = classChangeThreshold
        self.extensionFraction = extensionFraction
        self.minimumMeanDifference = minimumMeanDifference
        self.zThreshold = zThreshold
        self.minimumBaselineYears = minimumBaselineYears
        self.minimumRecentYears = minimumRecentYears
    }

    /// The decile class 1...10 of `x` against the ascending
    /// `sorted[0..<count]` (the extended baseline values).
    public static func decileClass(of x: Double, sorted: UnsafeMutableBufferPointer<Double>, count: Int) -> Int {
        decileClasses(of: x, x, sorted: sorted, count: count).0
    }

    /// The decile classes of two values against the same `sorted[0..<count]`,
    /// its nine boundaries computed once.
    static func decileClasses(of a: Double, _ b: Double, sorted: UnsafeMutableBufferPointer<Double>, count: Int) -> (Int, Int) {
        var ka = 1, kb = 1
        for decile in 1...9 {
            let boundary = OrderStatistics.percentile(sorted: sorted, count: count, Double(decile * 10))
            ka += a > boundary ? 1 : 0
            kb += b > boundary ? 1 : 0
        }
        return (ka, kb)
    }

    /// The metric (class change or z) and status of one pixel from its valid
    /// baseline values `baseline[0..<baselineCount]` and recent values
    /// `recent[0..<recentCount]`. `scratch` needs `baselineCount + 2`
    /// elements. Returns (NaN, nodata) when there are too few years.
    public func evaluate(
        baseline: UnsafeBufferPointer<Double>, baselineCount: Int,
        recent: UnsafeBufferPointer<Double>, recentCount: Int,
        scratch: UnsafeMutableBufferPointer<Double>
    ) -> (metric: Double, status: Int16) {
        guard baselineCount >= minimumBaselineYears, recentCount >= minimumRecentYears else {
            return (.nan, DegradationStatus.nodata)
        }
        var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for i in 0..<baselineCount {
            sum += baseline[i]
            lo = min(lo, baseline[i])
            hi = max(hi, baseline[i])
        }
        let baselineMean = sum / Double(baselineCount)
        var recentSum = 0.0
        for i in 0..<recentCount { recentSum += recent[i] }
        let recentMean = recentSum / Double(recentCount)

        switch method {
        case .percentileClasses:
            precondition(scratch.count >= baselineCount + 2, "the scratch buffer is too small")
            for i in 0..<baselineCount { scratch[i] = baseline[i] }
            let pad = (hi - lo) * extensionFraction
            scratch[baselineCount] = lo - pad
            scratch[baselineCount + 1] = hi + pad
            let m = baselineCount + 2
            OrderStatistics.sort(scratch, count: m)
            let (recentClass, baselineClass) = Self.decileClasses(of: recentMean, baselineMean, sorted: scratch, count: m)
            var change = recentClass - baselineClass
            if abs(recentMean - baselineMean) <= minimumMeanDifference { change = 0 }
            let status: DegradationStatus =
                change <= -classChangeThreshold ? .degraded : (change >= classChangeThreshold ? .improved : .stable)
            return (Double(change), status.rawValue)
        case .zScore:
            var squares = 0.0
            for i in 0..<baselineCount {
                let d = baseline[i] - baselineMean
                squares += d * d
            }
            let sigma = (squares / Double(baselineCount)).squareRoot()
            guard sigma > 0 else { return (.nan, DegradationStatus.nodata) }
            let z = (recentMean - baselineMean) / (sigma / Double(recentCount).squareRoot())
            let status: DegradationStatus = z < -zThreshold ? .degraded : (z > zThreshold ? .improved : .stable)
            return (z, status.rawValue)
        }
    }

    /// The extension fraction and minimum mean difference as exact fractions
    /// of the decimals they are written with.
    public struct ExactParameters: Sendable {
        let extension_: Rational
        let minimumMeanDifference: Rational
    }

    /// This metric's parameters as exact fractions.
    public var exactParameters: ExactParameters {
        ExactParameters(extension_: Rational(decimal: extensionFraction) ?? Rational(0),
                        minimumMeanDifference: Rational(decimal: minimumMeanDifference) ?? Rational(0))
    }

    /// The percentile `percent` of ascending exact values, linear between
    /// closest ranks (numpy's default): h = (m − 1) · percent / 100.
    static func exactPercentile(_ sorted: [Rational], _ percent: Int) -> Rational {
        let h = Rational(Int128(sorted.count - 1) * Int128(percent), 100)
        let j = Int(h.numerator / h.denominator)
        guard j < sorted.count - 1 else { return sorted[sorted.count - 1] }
        return sorted[j] + (h - Rational(j)) * (sorted[j + 1] - sorted[j])
    }

    /// The metric and status of one pixel of an integer stack, every
    /// comparison in exact fractions: `baseline` and `recent` are the valid
    /// stored integers, `scale` the stored unit in productivity units (for
    /// the minimum mean difference). The class of a mean x is 1 when
    /// x ≤ P10, k + 1 when x > P(10k) (Trends.Earth: `lte(p10)` → 1,
    /// `gt(p10k)` → k + 1), so a mean exactly on a boundary takes the lower
    /// class; means at most `minimumMeanDifference` apart (Trends.Earth
    /// `abs().lte(100)` on NDVI × 10000) are a change of 0. The z-score
    /// method, which needs a square root, is evaluated in Double.
    public func evaluateExact(baseline: [Int], recent: [Int], scale: Rational, parameters: ExactParameters? = nil) -> (metric: Double, status: Int16) {
        guard baseline.count >= minimumBaselineYears, recent.count >= minimumRecentYears else { return (.nan, DegradationStatus.nodata) }
        guard method == .percentileClasses else {
            return evaluate(baseline: baseline.map(Double.init), recent: recent.map(Double.init))
        }
        let q = parameters ?? exactParameters
        let lo = baseline.min()!, hi = baseline.max()!
        let pad = Rational(hi - lo) * q.extension_
        let extended = (baseline.map { Rational($0) } + [Rational(lo) - pad, Rational(hi) + pad]).sorted()
        let baselineMean = Rational(Int128(baseline.reduce(0, +)), Int128(baseline.count))
        let recentMean = Rational(Int128(recent.reduce(0, +)), Int128(recent.count))
        var recentClass = 1, baselineClass = 1
        for decile in 1...9 {
            let boundary = Self.exactPercentile(extended, decile * 10)
            if recentMean > boundary { recentClass += 1 }
            if baselineMean > boundary { baselineClass += 1 }
        }
        var change = recentClass - baselineClass
        if (recentMean - baselineMean).magnitude * scale <= q.minimumMeanDifference { change = 0 }
        let status: DegradationStatus =
            change <= -classChangeThreshold ? .degraded : (change >= classChangeThreshold ? .improved : .stable)
        return (Double(change), status.rawValue)
    }

    /// The metric and status of one pixel from arrays (NaN = missing year).
    public func evaluate(baseline: [Double], recent: [Double]) -> (metric: Double, status: Int16) {
        let b = baseline.filter { !$0.isNaN }, r = recent.filter { !$0.isNaN }
        var scratch = [Double](repeating: 0, count: b.count + 2)
        return b.withUnsafeBufferPointer { bb in
            r.withUnsafeBufferPointer { rb in
                scratch.withUnsafeMutableBufferPointer {
                    evaluate(baseline: bb, baselineCount: bb.count, recent: rb, recentCount: rb.count, scratch: $0)
                }
            }
        }
    }

    /// Evaluates the pixels in `pixels` of a layer-major stack (see
    /// `TrendBatch`): layers `baselineLayers` are the baseline years and
    /// `recentLayers` the recent years. NaN, infinities and `nodata` are
    /// missing years. Allocates scratch once per call; calls on disjoint pixel
    /// ranges may run concurrently.
    ///
    /// - Parameters:
    ///   - metric: class change or z per pixel (NaN for nodata); may be nil.
    ///   - status: −1/0/1 or `DegradationStatus.nodata` per pixel.
    public func run(
        stack: UnsafeBufferPointer<Float>, pixelCount: Int, pixels: Range<Int>, nodata: Float? = nil,
        baselineLayers: Range<Int>, recentLayers: Range<Int>,
        metric: UnsafeMutableBufferPointer<Float>? = nil, status: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(baselineLayers.lowerBound >= 0 && recentLayers.lowerBound >= 0)
        let layers = max(baselineLayers.upperBound, recentLayers.upperBound)
        precondition(stack.count >= layers * pixelCount, "the stack is shorter than layers x pixels")
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= pixelCount, "pixel range outside the window")
        precondition(status.count >= pixelCount && (metric?.count ?? pixelCount) >= pixelCount, "output too short")
        let nd = nodata ?? .nan
        let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, baselineLayers.count))
        let r = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, recentLayers.count))
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: baselineLayers.count + 2)
        defer {
            b.deallocate()
            r.deallocate()
            scratch.deallocate()
        }
        for p in pixels {
            var nb = 0, nr = 0
            for l in baselineLayers {
                let v = stack[l * pixelCount + p]
                if v.isFinite && v != nd { b[nb] = Double(v); nb += 1 }
            }
            for l in recentLayers {
                let v = stack[l * pixelCount + p]
                if v.isFinite && v != nd { r[nr] = Double(v); nr += 1 }
            }
            let result = evaluate(baseline: UnsafeBufferPointer(b), baselineCount: nb,
                                  recent: UnsafeBufferPointer(r), recentCount: nr, scratch: scratch)
            metric?[p] = Float(result.metric)
            status[p] = result.status
        }
    }
}
