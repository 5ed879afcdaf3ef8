/// The per-pixel kernel of `stack`: one period's observations of a window
/// reduced to one value and one count per pixel, with the completeness rule.
public struct SeriesReduction: Sendable {
    /// The reducer.
    public var reducer: SeriesReducer
    /// The completeness rule.
    public var rule: CompletenessRule
    /// Smooths each pixel's series of the period (gaps filled) before reducing; nil for none.
    public var smoother: WhittakerSmoother?

    /// Creates a reduction.
    public init(reducer: SeriesReducer, rule: CompletenessRule, smoother: WhittakerSmoother? = nil) {
        self.reducer = reducer
        self.rule = rule
        self.smoother = smoother
    }

    /// Reduces `pixels` of a window.
    ///
    /// - Parameters:
    ///   - values: observation after observation, `stride` pixels each (NaN
    ///     for nodata), in ascending date order.
    ///   - days: the observations' day numbers, ascending.
    ///   - periodDays: the period's length in days.
    ///   - output: the reduced values (NaN where the pixel falls short of the rule).
    ///   - counts: the valid observations of each pixel (whether or not the rule is met).
    /// - Returns: how many pixels met the rule.
    public func run(values: UnsafeBufferPointer<Float>, stride: Int, days: [Int32], periodDays: Int, pixels: Range<Int>,
                    output: UnsafeMutableBufferPointer<Float>, counts: UnsafeMutableBufferPointer<Float>) -> Int {
        if smoother == nil, reducer.accumulates {
            return accumulate(values: values, stride: stride, days: days, periodDays: periodDays, pixels: pixels, output: output, counts: counts)
        }
        let k = days.count
        let series = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(1, k))
        let when = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(1, k))
        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(1, k))
        let w = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(1, k))
        let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(1, k))
        let allDays = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(1, k))
        for i in 0..<k { allDays[i] = days[i] }
        defer { series.deallocate(); when.deallocate(); y.deallocate(); w.deallocate(); z.deallocate(); allDays.deallocate() }
        var met = 0
        for p in pixels {
            var n = 0
            for i in 0..<k {
                let v = values[i * stride + p]
                if !v.isNaN {
                    series[n] = v
                    when[n] = days[i]
                    n += 1
                }
            }
            counts[p] = Float(n)
            guard n > 0, rule.isMet(count: n, first: Int(when[0]), last: Int(when[n - 1]), periodDays: periodDays) else {
                output[p] = .nan
                continue
            }
            var r: Float
            if let smoother, n >= 2 {
                // The smoothed series at every date of the period (gaps filled) is reduced.
                for i in 0..<k {
                    let v = values[i * stride + p]
                    y[i] = v.isNaN ? 0 : Double(v)
                    w[i] = v.isNaN ? 0 : 1
                }
                if smoother.smooth(UnsafeBufferPointer(y), weights: UnsafeBufferPointer(w), into: z) {
                    for i in 0..<k { series[i] = Float(z[i]) }
                    r = reducer == .count ? Float(n) : reducer.reduce(series, days: UnsafeBufferPointer(allDays), count: k)
                } else {
                    r = reducer.reduce(series, days: UnsafeBufferPointer(when), count: n)
                }
            } else {
                r = reducer.reduce(series, days: UnsafeBufferPointer(when), count: n)
            }
            output[p] = r
            if !r.isNaN { met += 1 }
        }
        return met
    }

    /// `mean`, `sum`, `count`, `max` and `min` without smoothing: observation after observation over
    /// blocks of pixels (``SeriesAccumulators``), so each observation's row is read once, in order, and
    /// the inner loop has no gather; the same results as ``SeriesReducer/reduce(_:days:count:)``.
    private func accumulate(values: UnsafeBufferPointer<Float>, stride: Int, days: [Int32], periodDays: Int, pixels: Range<Int>,
                            output: UnsafeMutableBufferPointer<Float>, counts: UnsafeMutableBufferPointer<Float>) -> Int {
        let state = SeriesAccumulators(reducer, pixels: pixels)
        state.reset(pixels)
        state.add(values: values, stride: stride, days: days, pixels: pixels)
        return state.finish(rule: rule, periodDays: periodDays, pixels: pixels, output: output, counts: counts)
    }
}
