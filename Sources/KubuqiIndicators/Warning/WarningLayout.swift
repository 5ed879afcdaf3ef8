/// Which input rows make each value a pixel's warning is computed from.
///
/// Offsets count periods back from the assessed one (0 = assessed). For each
/// offset, `current[q]` lists the rows (observations) whose valid values are
/// averaged into the period's value, and `baseline[q][y]` the rows of the
/// same period of baseline year `y`. The value assessed at history step `h`
/// is the mean of the period values at offsets `h ..< h + accumulation`
/// (NaN if any is missing); so is each baseline year's.
public struct WarningLayout: Sendable {
    /// Rows per offset, for the assessed year.
    public var current: [[Int]]
    /// Rows per offset and baseline year.
    public var baseline: [[[Int]]]
    /// The same for a land-surface-temperature series (nil without one).
    public var temperatureCurrent: [[Int]]?, temperatureBaseline: [[[Int]]]?
    /// Periods averaged into one assessed value.
    public var accumulation: Int
    /// History steps evaluated (1 + the periods looked back for persistence).
    public var history: Int

    /// Creates a layout; `current` and `baseline` have `history + accumulation - 1` offsets.
    public init(current: [[Int]], baseline: [[[Int]]], temperatureCurrent: [[Int]]? = nil, temperatureBaseline: [[[Int]]]? = nil,
                accumulation: Int, history: Int) {
        precondition(current.count == history + accumulation - 1 && baseline.count == current.count, "one entry per offset")
        self.current = current
        self.baseline = baseline
        self.temperatureCurrent = temperatureCurrent
        self.temperatureBaseline = temperatureBaseline
        self.accumulation = accumulation
        self.history = history
    }

    /// Baseline years.
    public var years: Int { baseline.first?.count ?? 0 }
}

/// The warning of one pixel: the assessed period's values and level, the
/// chosen metric at every history step, and the persistence.
public struct PixelWarning: Sendable {
    /// Values of the assessed period.
    public var assessed: WarningValues
    /// The assessed (accumulated) value.
    public var value: Double
    /// The baseline median of the assessed period (NaN when none).
    public var baselineMedian: Double
    /// The chosen metric at history steps 0 (assessed), 1, ...
    public var history: [Double]
    /// Consecutive periods in alert, ending with the assessed one (0 when not in alert).
    public var persistence: Int
}

/// Evaluates pixels of a window laid out by a ``WarningLayout`` (pure Swift,
/// one instance per thread: it keeps scratch storage).
public struct WarningKernel {
    /// The layout.
    public let layout: WarningLayout
    /// The rule.
    public let rule: WarningRule
    private var periodCurrent: [Double], periodBaseline: [[Double]]
    private var tCurrent: [Double], tBaseline: [[Double]]
    private var years: [Double], tYears: [Double]
    private var stats = BaselineStatistics([]), tStats = BaselineStatistics([])

    /// A kernel for `layout` and `rule`.
    public init(layout: WarningLayout, rule: WarningRule) {
        self.layout = layout
        self.rule = rule
        let offsets = layout.current.count
        periodCurrent = Array(repeating: .nan, count: offsets)
        periodBaseline = Array(repeating: Array(repeating: .nan, count: layout.years), count: offsets)
        tCurrent = periodCurrent
        tBaseline = periodBaseline
        years = Array(repeating: .nan, count: layout.years)
        tYears = years
    }

    /// The mean of the valid values of `rows` at pixel `p` (NaN when none). Non-finite values
    /// (NaN, +-infinity) are nodata, as everywhere in the tool (docs/robustness.md).
    @inline(__always)
    static func mean(_ rows: [Int], _ values: [UnsafeBufferPointer<Float>], _ p: Int) -> Double {
        var s = 0.0, n = 0
        for r in rows {
            let v = values[r][p]
            if v.isFinite { s += Double(v); n += 1 }
        }
        return n == 0 ? .nan : s / Double(n)
    }

    /// The mean of `v[start ..< start + k]`, NaN when any is NaN.
    @inline(__always)
    static func window(_ v: [Double], _ start: Int, _ k: Int) -> Double {
        var s = 0.0
        for i in start..<(start + k) { let x = v[i]; if x.isNaN { return .nan }; s += x }
        return s / Double(k)
    }

    /// The warning of pixel `p` of `values` (rows as the layout numbers them).
    public mutating func evaluate(_ values: [UnsafeBufferPointer<Float>], pixel p: Int) -> PixelWarning {
        let offsets = layout.current.count, k = layout.accumulation, nYears = layout.years
        for q in 0..<offsets {
            periodCurrent[q] = Self.mean(layout.current[q], values, p)
            for y in 0..<nYears { periodBaseline[q][y] = Self.mean(layout.baseline[q][y], values, p) }
            if let tc = layout.temperatureCurrent, let tb = layout.temperatureBaseline {
                tCurrent[q] = Self.mean(tc[q], values, p)
                for y in 0..<nYears { tBaseline[q][y] = Self.mean(tb[q][y], values, p) }
            }
        }
        var history: [Double] = []
        history.reserveCapacity(layout.history)
        var assessed = WarningValues(), value = Double.nan, median = Double.nan
        var persistence = 0, running = true
        for h in 0..<layout.history {
            let x = Self.window(periodCurrent, h, k)
            for y in 0..<nYears {
                var s = 0.0, missing = false
                for q in h..<(h + k) { let b = periodBaseline[q][y]; if b.isNaN { missing = true; break }; s += b }
                years[y] = missing ? .nan : s / Double(k)
            }
            years.withUnsafeBufferPointer { stats.reset($0) }
            var t = Double.nan, temperature: BaselineStatistics? = nil
            if layout.temperatureCurrent != nil {
                t = Self.window(tCurrent, h, k)
                for y in 0..<nYears {
                    var s = 0.0, missing = false
                    for q in h..<(h + k) { let b = tBaseline[q][y]; if b.isNaN { missing = true; break }; s += b }
                    tYears[y] = missing ? .nan : s / Double(k)
                }
                tYears.withUnsafeBufferPointer { tStats.reset($0) }
                temperature = tStats
            }
            let w = rule.evaluate(x, baseline: stats, t: t, temperature: temperature)
            history.append(w.value(rule.metric))
            if h == 0 { assessed = w; value = x; median = stats.count > 0 ? stats.median : .nan }
            if running, w.level?.isAlert == true { persistence += 1 } else { running = false }
        }
        return PixelWarning(assessed: assessed, value: value, baselineMedian: median, history: history, persistence: persistence)
    }
}
