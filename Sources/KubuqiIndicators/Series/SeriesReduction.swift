/// The per-pixel kernel of `stack`: one period's observations of a window
/// reduced to one value and one count per pixel, with the completeness rule.
public struct SeriesReduction: Sendable {
    /// The reducer.
    public var reducer: SeriesReducer
    /// The completeness rule.
    public var rule: CompletenessRule

    /// Creates a reduction.
    public init(reducer: SeriesReducer, rule: CompletenessRule) {
        self.reducer = reducer
        self.rule = rule
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
        let k = days.count
        let series = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(1, k))
        let when = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(1, k))
        defer { series.deallocate(); when.deallocate() }
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
            let r = reducer.reduce(series, days: UnsafeBufferPointer(when), count: n)
            output[p] = r
            if !r.isNaN { met += 1 }
        }
        return met
    }
}
