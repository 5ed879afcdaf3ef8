/// Climate-normalized annual productivity for every pixel of a window: each year's
/// productivity brought to the rainfall of an average year of the trajectory window,
/// so that productivity *state* (which compares recent years with earlier ones) sees
/// the same climate-corrected series as the trajectory (docs/climate.md,
/// "Correcting state too").
///
/// Per pixel, over the `fitLayers` (the trajectory window) where productivity y_t and
/// precipitation x_t are both valid (n of them), with mean rainfall x̄:
///
/// - `restrend`: with the least-squares fit y = a + b x of `ClimateTrend.fit`, where it
///   applies (two-sided p < `significance` and b > 0), for every layer t
///   y*_t = y_t - b (x_t - x̄) = e_t + ȳ (the residual plus the window's mean), so that
///   y* has the residuals' trend and the series' level; elsewhere (fallback, no fit)
///   y*_t = y_t, exactly as the trajectory falls back.
/// - `rue`: y*_t = x̄ y_t / x_t (x_t > 0), the productivity of an average year at the
///   year's rain-use efficiency; its trend is that of RUE times x̄.
///
/// Layers with y_t or x_t missing (or x_t <= 0 for `rue`) are NaN; pixels with fewer
/// than `minimumYears` valid pairs in the fit layers are the plain series (`restrend`)
/// or NaN (`rue`), as `ClimateTrend` leaves their trajectory without a value.
public struct ClimateNormalization: Sendable, Hashable {
    /// The correction.
    public let method: ClimateTrend.Method
    /// The fit's two-sided level (RESTREND applies where p < level and b > 0).
    public let significance: Double
    /// Fewest valid pairs in the fit layers (at least 3).
    public let minimumYears: Int

    /// A normalization with `ClimateTrend`'s parameters.
    public init(method: ClimateTrend.Method, significance: Double = 0.05, minimumYears: Int = 3) {
        precondition(minimumYears >= 3, "the fit's t test needs at least 3 years")
        precondition(significance > 0 && significance < 1, "the level is between 0 and 1")
        self.method = method
        self.significance = significance
        self.minimumYears = minimumYears
    }

    /// Writes the normalized series of `pixelCount` pixels.
    ///
    /// - Parameters:
    ///   - productivity, precipitation: `layers * pixelCount` values each, layer-major; NaN is missing.
    ///   - fitLayers: the layers the fit and the mean rainfall are taken over.
    ///   - out: `layers * pixelCount` values, layer-major.
    public func run(productivity: UnsafeBufferPointer<Float>, precipitation: UnsafeBufferPointer<Float>, layers: Int, pixelCount n: Int,
                    fitLayers: Range<Int>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(productivity.count >= layers * n && precipitation.count >= layers * n && out.count >= layers * n,
                     "buffers shorter than layers x pixels")
        precondition(fitLayers.lowerBound >= 0 && fitLayers.upperBound <= layers, "fit layers outside the stack")
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, fitLayers.count))
        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, fitLayers.count))
        defer { x.deallocate(); y.deallocate() }
        for p in 0..<n {
            var count = 0, rain = 0.0
            for l in fitLayers {
                let v = productivity[l * n + p], w = precipitation[l * n + p]
                if v.isFinite && w.isFinite { x[count] = Double(w); y[count] = Double(v); rain += Double(w); count += 1 }
            }
            let enough = count >= minimumYears
            let mean = enough ? rain / Double(count) : .nan
            switch method {
            case .restrend:
                let fit = enough ? ClimateTrend.fit(x: UnsafeBufferPointer(x), y: UnsafeBufferPointer(y), count: count) : nil
                let b = fit.flatMap { $0.applies(at: significance) ? $0.slope : nil }
                for l in 0..<layers {
                    let v = productivity[l * n + p], w = precipitation[l * n + p]
                    guard let b else { out[l * n + p] = v; continue }
                    out[l * n + p] = v.isFinite && w.isFinite ? Float(Double(v) - b * (Double(w) - mean)) : .nan
                }
            case .rue:
                for l in 0..<layers {
                    let v = productivity[l * n + p], w = precipitation[l * n + p]
                    out[l * n + p] = enough && v.isFinite && w.isFinite && w > 0 ? Float(mean * Double(v) / Double(w)) : .nan
                }
            }
        }
    }
}
