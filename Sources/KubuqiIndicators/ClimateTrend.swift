/// Climate-corrected productivity trends for every pixel of a window, from
/// layer-major stacks of annual productivity and annual precipitation (one
/// layer per entry of `years`, as `TrendBatch` reads them).
///
/// - `restrend` (residual trend; Evans & Geerken 2004, Wessels et al. 2012):
///   per pixel the least-squares line y_t = a + b x_t of productivity y on
///   precipitation x over the years where both are valid, with
///   R^2 = S_xy^2 / (S_xx S_yy) and the t statistic of the slope
///   t = b / sqrt(SSE / ((n - 2) S_xx)), SSE = S_yy - b S_xy, n - 2 degrees of
///   freedom. Where the fit is significant (two-sided p < `significance`) and
///   its slope positive, the trend (Theil-Sen slope, Mann-Kendall Z, through
///   `TrendBatch`) is that of the residuals e_t = y_t - (a + b x_t); elsewhere
///   RESTREND is not applicable (Wessels et al. 2012) and the pixel falls back
///   to the plain trend of y, flagged 1.
/// - `rue` (rain-use efficiency; Le Houerou 1984, Trends.Earth's "ue"): the
///   trend of y_t / x_t over the years with x_t > 0.
///
/// Pixels with fewer than `minimumYears` valid pairs get NaN and flag nodata.
public struct ClimateTrend: Sendable, Hashable {
    /// The correction.
    public enum Method: String, Sendable, CaseIterable {
        case restrend, rue
    }

    /// The year of each layer, strictly increasing.
    public let years: [Double]
    /// The correction.
    public let method: Method
    /// The two-sided level of the fit's t test (RESTREND applies where p < level).
    public let significance: Double
    /// Fewest valid years (as `TrendBatch`, at least 3: the t test needs one degree of freedom).
    public let minimumYears: Int

    /// The flag of a pixel whose RESTREND fell back to the plain trend.
    public static let fellBack: Int16 = 1
    /// The flag of a corrected pixel.
    public static let corrected: Int16 = 0

    /// A kernel for `years` (strictly increasing).
    public init(years: [Double], method: Method, significance: Double = 0.05, minimumYears: Int = 3) {
        precondition(minimumYears >= 3, "the fit's t test needs at least 3 years")
        precondition(significance > 0 && significance < 1, "the level is between 0 and 1")
        self.years = years
        self.method = method
        self.significance = significance
        self.minimumYears = minimumYears
    }

    /// The least-squares fit of one pixel.
    public struct Fit: Sendable, Equatable {
        public var intercept: Double, slope: Double, r2: Double, pValue: Double
        /// Whether RESTREND applies: p < level and a positive slope.
        public func applies(at level: Double) -> Bool { pValue < level && slope > 0 }
    }

    /// Least squares of y on x (n >= 3 valid pairs); nil when x does not vary.
    public static func fit(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, count n: Int) -> Fit? {
        guard n >= 3 else { return nil }
        var mx = 0.0, my = 0.0
        for i in 0..<n { mx += x[i]; my += y[i] }
        mx /= Double(n); my /= Double(n)
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for i in 0..<n {
            let dx = x[i] - mx, dy = y[i] - my
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy
        }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx, a = my - b * mx
        let sse = max(0, syy - b * sxy)
        let r2 = syy > 0 ? min(1, sxy * sxy / (sxx * syy)) : 0
        let p: Double
        if syy == 0 { p = 1 } else if sse == 0 { p = 0 } else {
            let t = b / (sse / (Double(n - 2) * sxx)).squareRoot()
            p = StudentT.twoSidedPValue(t, degreesOfFreedom: Double(n - 2))
        }
        return Fit(intercept: a, slope: b, r2: r2, pValue: p)
    }

    /// Computes the pixels in `pixels` (indices into each layer, `0..<pixelCount`); any output may be nil.
    ///
    /// - Parameters:
    ///   - productivity, precipitation: `years.count * pixelCount` values each, layer-major; NaN is missing.
    ///   - r2, fitSlope, fitPValue: the least-squares fit of productivity on precipitation (both methods).
    ///   - slope, z: Theil-Sen slope and Mann-Kendall Z of the corrected series (residuals or fallback, or RUE).
    ///   - flag: RESTREND: `corrected` (0) or `fellBack` (1); RUE: 0; nodata (-32768) without enough years.
    public func run(productivity: UnsafeBufferPointer<Float>, precipitation: UnsafeBufferPointer<Float>, pixelCount: Int,
                    pixels: Range<Int>, r2: UnsafeMutableBufferPointer<Float>? = nil, fitSlope: UnsafeMutableBufferPointer<Float>? = nil,
                    fitPValue: UnsafeMutableBufferPointer<Float>? = nil, slope: UnsafeMutableBufferPointer<Float>,
                    z: UnsafeMutableBufferPointer<Float>, flag: UnsafeMutableBufferPointer<Int16>? = nil) {
        let layers = years.count, count = pixels.count
        precondition(productivity.count >= layers * pixelCount && precipitation.count >= layers * pixelCount, "stacks shorter than years x pixels")
        guard count > 0 else { return }
        // The corrected series of the range, layer-major over `count` pixels, for TrendBatch.
        let series = UnsafeMutableBufferPointer<Float>.allocate(capacity: layers * count)
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers), y = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let local = (slope: UnsafeMutableBufferPointer<Float>.allocate(capacity: count), z: UnsafeMutableBufferPointer<Float>.allocate(capacity: count))
        defer { series.deallocate(); x.deallocate(); y.deallocate(); local.slope.deallocate(); local.z.deallocate() }
        for (k, p) in pixels.enumerated() {
            var n = 0
            for l in 0..<layers {
                let v = productivity[l * pixelCount + p], w = precipitation[l * pixelCount + p]
                if v.isFinite && w.isFinite { x[n] = Double(w); y[n] = Double(v); n += 1 }
            }
            let fit = n >= minimumYears ? Self.fit(x: UnsafeBufferPointer(x), y: UnsafeBufferPointer(y), count: n) : nil
            r2?[p] = fit.map { Float($0.r2) } ?? .nan
            fitSlope?[p] = fit.map { Float($0.slope) } ?? .nan
            fitPValue?[p] = fit.map { Float($0.pValue) } ?? .nan
            let applies = fit?.applies(at: significance) ?? false
            flag?[p] = n < minimumYears ? DegradationStatus.nodata : method == .rue ? Self.corrected : applies ? Self.corrected : Self.fellBack
            for l in 0..<layers {
                let v = productivity[l * pixelCount + p], w = precipitation[l * pixelCount + p]
                var out = Float.nan
                if n >= minimumYears && v.isFinite && w.isFinite {
                    switch method {
                    case .rue: out = w > 0 ? Float(Double(v) / Double(w)) : .nan
                    case .restrend: out = applies ? Float(Double(v) - (fit!.intercept + fit!.slope * Double(w))) : v
                    }
                }
                series[l * count + k] = out
            }
        }
        TrendBatch(years: years, minimumYears: minimumYears).run(stack: UnsafeBufferPointer(series), pixelCount: count, pixels: 0..<count,
                                                                  slope: local.slope, z: local.z)
        for (k, p) in pixels.enumerated() { slope[p] = local.slope[k]; z[p] = local.z[k] }
    }
}
