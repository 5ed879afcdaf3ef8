/// How the valid observations of one pixel in one period become one value.
///
/// With x_1..x_n the valid values (NaN observations left out) at days
/// t_1 < ... < t_n:
/// - `mean`: (1/n) sum x_i (Trends.Earth's annual mean NDVI);
/// - `median`, `percentile(p)`: the order statistic interpolated linearly
///   (Hyndman & Fan 1996 definition 7, numpy's default): with the sorted
///   values y_0..y_{n-1}, h = (n-1) p/100, y_floor(h) + (h - floor h)(y_floor(h)+1 - y_floor(h));
///   the median is p = 50;
/// - `max`, `min`;
/// - `integral`: the trapezoid rule over the days,
///   sum_{i<n} (t_{i+1} - t_i)(x_i + x_{i+1})/2, in value x days (the
///   season's integrated NDVI; nodata with fewer than two observations);
/// - `count`: n;
/// - `sum`: sum x_i (monthly precipitation to annual or seasonal totals; a
///   total is only meaningful over complete periods, so callers require every
///   observation with the completeness rule's minimum count).
public enum SeriesReducer: Sendable, Hashable, CustomStringConvertible {
    case mean, median, max, min, integral, count, sum
    /// The p-th percentile, 0 <= p <= 100.
    case percentile(Double)

    /// The names of the reducers other than `pNN`, as documented (any case is parsed).
    public static let names = ["mean", "median", "max", "min", "integral", "count", "sum"]

    /// Parses `mean`, `median`, `max`, `min`, `integral`, `count` or `pNN` (`p90`, `p2.5`).
    public init?(name: String) {
        switch name.lowercased() {
        case "mean": self = .mean
        case "median": self = .median
        case "max": self = .max
        case "min": self = .min
        case "integral": self = .integral
        case "count": self = .count
        case "sum": self = .sum
        default:
            guard name.lowercased().hasPrefix("p"), let p = Double(name.dropFirst()), p.isFinite, (0...100).contains(p) else { return nil }
            self = .percentile(p)
        }
    }

    public var description: String {
        switch self {
        case .mean: return "mean"
        case .median: return "median"
        case .max: return "max"
        case .min: return "min"
        case .integral: return "integral"
        case .count: return "count"
        case .sum: return "sum"
        case .percentile(let p): return "p" + (p == p.rounded() ? String(Int(p)) : String(p))
        }
    }

    /// Whether the result keeps the values' units (mean...), unlike `integral`
    /// (value x days) and `count` (observations): only those can be stored as
    /// a scaled index.
    public var keepsUnits: Bool {
        switch self {
        case .integral, .count, .sum: return false
        default: return true
        }
    }

    /// Whether the result is a running accumulation over the values in date
    /// order (`mean`, `sum`, `count`, `max`, `min`): no sort, no days needed.
    public var accumulates: Bool {
        switch self {
        case .mean, .sum, .count, .max, .min: return true
        default: return false
        }
    }

    /// The smallest number of observations the reducer needs.
    public var minimumObservations: Int { self == .integral ? 2 : 1 }

    /// Reduces `n` valid values with their days (ascending). `values` may be
    /// reordered (the order statistics sort it in place).
    public func reduce(_ values: UnsafeMutableBufferPointer<Float>, days: UnsafeBufferPointer<Int32>, count n: Int) -> Float {
        guard n >= minimumObservations else { return .nan }
        switch self {
        case .count: return Float(n)
        case .sum:
            var s = 0.0
            for i in 0..<n { s += Double(values[i]) }
            return Float(s)
        case .mean:
            var s = 0.0
            for i in 0..<n { s += Double(values[i]) }
            return Float(s / Double(n))
        case .max:
            var m = values[0]
            for i in 1..<n where values[i] > m { m = values[i] }
            return m
        case .min:
            var m = values[0]
            for i in 1..<n where values[i] < m { m = values[i] }
            return m
        case .integral:
            var s = 0.0
            for i in 0..<(n - 1) {
                s += Double(days[i + 1] - days[i]) * (Double(values[i]) + Double(values[i + 1])) / 2
            }
            return Float(s)
        case .median: return Self.quantile(values, n, 50)
        case .percentile(let p): return Self.quantile(values, n, p)
        }
    }

    private static func quantile(_ v: UnsafeMutableBufferPointer<Float>, _ n: Int, _ p: Double) -> Float {
        var part = UnsafeMutableBufferPointer(rebasing: v[0..<n])
        part.sort()
        let h = Double(n - 1) * p / 100
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, n - 1)
        let a = Double(part[lo]), b = Double(part[hi])
        return Float(a + (h - Double(lo)) * (b - a))
    }
}
