/// The desertification difference index of the Albedo-NDVI feature space
/// (Verstraete & Pinty 1996; Zeng et al. 2006).
///
/// In a dryland scene, pixels plotted with NDVI on the x axis and broadband
/// albedo on the y axis fall along a band running from dark, vegetated land
/// (high NDVI, low albedo) to bright, bare sand (low NDVI, high albedo). The
/// band's trend is the least-squares line `Albedo = a * NDVI + b` with
/// `a < 0`. Zeng et al. (2006) divide the band into desertification grades by
/// lines perpendicular to that trend, i.e. of slope `k = -1/a`, and index a
/// pixel by where its perpendicular line lies:
///
///     DDI = k * NDVI - Albedo,   k = -1 / a
///
/// (`-DDI` is the albedo-axis intercept of the perpendicular line through the
/// pixel). kubuqi-monitor uses exactly this form, with `a` fitted by ordinary
/// least squares of albedo on NDVI over the scene's valid pixels
/// (``LinearFitAccumulator``, ``fit(_:)``).
///
/// Direction: **higher DDI means less desertified** (more vegetation, darker
/// surface); the lowest DDI values are the most severely desertified land.
///
/// Inputs: an NDVI layer (scale-free) and an albedo layer in reflectance units
/// (0..1, e.g. ``BroadbandAlbedo``). Some later applications rescale both to
/// 0..1 (min-max over the scene) before fitting, which changes `k` but not
/// the method; whatever layers are used, the fit and the kernel must use the
/// same ones.
public enum DesertificationDifferenceIndex {
    /// The fitted Albedo-NDVI trend of a scene and the DDI factor it gives.
    public struct Fit: Sendable, Hashable {
        /// Slope `a` of `Albedo = a * NDVI + b` (negative).
        public let slope: Double
        /// Intercept `b` of the trend line.
        public let intercept: Double
        /// Pearson correlation of NDVI and albedo (negative, ideally strongly so).
        public let correlation: Double?
        /// `k = -1 / a`, the factor of NDVI in DDI (positive).
        public let k: Float
    }

    /// Fits the Albedo-NDVI trend from accumulated sums (x = NDVI, y = albedo)
    /// and derives `k = -1/slope`.
    ///
    /// Nil when the fit is undefined (fewer than two points, no spread in
    /// NDVI) or the slope is not negative: without an albedo-falls-as-NDVI-rises
    /// trend the feature space has no desertification axis and DDI means nothing.
    public static func fit(_ sums: LinearFitAccumulator) -> Fit? {
        guard let a = sums.slope, let b = sums.intercept, let k = k(slope: a) else { return nil }
        return Fit(slope: a, intercept: b, correlation: sums.correlation, k: k)
    }

    /// `k = -1 / slope` for a negative, finite slope; nil otherwise.
    public static func k(slope: Double) -> Float? {
        guard slope.isFinite, slope < 0 else { return nil }
        let k = Float(-1 / slope)
        return k.isFinite ? k : nil
    }

    /// Computes `DDI = k * NDVI - Albedo` for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        ndvi: UnsafeBufferPointer<Float>, ndviNodata: Float?,
        albedo: UnsafeBufferPointer<Float>, albedoNodata: Float?,
        k: Float,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let vk = Lanes(repeating: k)
        VectorMap.binary(ndvi, nodata: ndviNodata, albedo, nodata: albedoNodata, into: out) { n, a in
            vk * n - a
        }
    }

    /// Where the index comes from.
    public static let citation = "Verstraete, M.M., Pinty, B. (1996) Designing optimal spectral indexes for remote sensing applications. IEEE Transactions on Geoscience and Remote Sensing 34(5), 1254-1265; Zeng, Y., Xiang, N., Feng, Z., Hu, H. (2006) Albedo-NDVI space and remote sensing synthesis index models for desertification monitoring. Scientia Geographica Sinica 26(1), 75-81 (in Chinese)."
}

/// Count, sums, sums of squares and sum of products of `(x, y)` pairs,
/// accumulated window by window and mergeable across windows, threads and
/// tiles, from which the least-squares line `y = slope * x + intercept`
/// follows. Sums are kept in `Double`.
public struct LinearFitAccumulator: Sendable, Hashable, Codable {
    /// Number of pairs with both values finite.
    public private(set) var count: Int = 0
    /// Sum of x.
    public private(set) var sumX: Double = 0
    /// Sum of y.
    public private(set) var sumY: Double = 0
    /// Sum of x squared.
    public private(set) var sumXX: Double = 0
    /// Sum of x times y.
    public private(set) var sumXY: Double = 0
    /// Sum of y squared.
    public private(set) var sumYY: Double = 0

    /// An empty accumulator.
    public init() {}

    /// Adds one pair; a pair with a non-finite value is skipped.
    public mutating func add(x: Double, y: Double) {
        guard x.isFinite, y.isFinite else { return }
        count += 1
        sumX += x; sumY += y
        sumXX += x * x; sumXY += x * y; sumYY += y * y
    }

    /// Adds the pairs `(x[i], y[i])` of two buffers of equal length, skipping
    /// pairs where either value is NaN or infinite (nodata).
    public mutating func add(x: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>) {
        precondition(x.count == y.count, "x and y must have the same length")
        var n = 0
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
        for i in 0..<x.count {
            let xv = x[i], yv = y[i]
            guard xv.isFinite, yv.isFinite else { continue }
            let a = Double(xv), b = Double(yv)
            n += 1
            sx += a; sy += b
            sxx += a * a; sxy += a * b; syy += b * b
        }
        count += n
        sumX += sx; sumY += sy
        sumXX += sxx; sumXY += sxy; sumYY += syy
    }

    /// Merges another accumulator into this one.
    public mutating func merge(_ other: LinearFitAccumulator) {
        count += other.count
        sumX += other.sumX; sumY += other.sumY
        sumXX += other.sumXX; sumXY += other.sumXY; sumYY += other.sumYY
    }

    /// Centred sum of squares of x, `sum((x - mean x)^2)`.
    var sxx: Double { sumXX - sumX * sumX / Double(count) }
    /// Centred sum of squares of y.
    var syy: Double { sumYY - sumY * sumY / Double(count) }
    /// Centred sum of products, `sum((x - mean x)(y - mean y))`.
    var sxy: Double { sumXY - sumX * sumY / Double(count) }

    /// Least-squares slope of y on x, nil with fewer than two pairs or when
    /// x has no spread (all x equal, to rounding).
    public var slope: Double? {
        guard count >= 2 else { return nil }
        let s = sxx
        guard s > 1e-12 * max(sumXX, Double.leastNormalMagnitude) else { return nil }
        return sxy / s
    }

    /// Least-squares intercept, nil when ``slope`` is.
    public var intercept: Double? {
        guard let m = slope else { return nil }
        return (sumY - m * sumX) / Double(count)
    }

    /// Pearson correlation of x and y, nil when either has no spread.
    public var correlation: Double? {
        guard slope != nil else { return nil }
        let sy = syy
        guard sy > 1e-12 * max(sumYY, Double.leastNormalMagnitude) else { return nil }
        return max(-1, min(1, sxy / (sxx * sy).squareRoot()))
    }
}

/// Jenks natural breaks (Jenks 1967; the optimal grouping of Fisher 1958)
/// over a ``Histogram``: the partition of the histogram's values into classes
/// of contiguous bins that minimizes the total within-class sum of squared
/// deviations.
///
/// Each non-empty bin stands for its count of values at the bin centre, so
/// the result is the exact optimum for the binned data and within one bin
/// width of the optimum for the raw values. The optimum is found by dynamic
/// programming over the non-empty bins with the divide-and-conquer
/// optimization (valid because the optimal last split moves right as the
/// prefix grows), in O(classes x bins x log bins).
public enum NaturalBreaks {
    /// The `classes - 1` ascending thresholds of the optimal partition; a
    /// value `v` is in class `c` (0-based) when `t[c-1] <= v < t[c]`.
    ///
    /// Each threshold is the upper edge of the last bin of the class below it.
    /// Nil when the histogram has fewer non-empty bins than `classes`.
    public static func thresholds(of histogram: Histogram, classes: Int) -> [Double]? {
        precondition(classes >= 2, "natural breaks need at least two classes")
        let width = histogram.binWidth, lower = histogram.lowerBound
        var bins: [Int] = [], x: [Double] = [], w: [Double] = []
        for (i, c) in histogram.counts.enumerated() where c > 0 {
            bins.append(i)
            x.append(lower + (Double(i) + 0.5) * width)
            w.append(Double(c))
        }
        let m = x.count
        guard m >= classes else { return nil }

        // Prefix sums of weight, weighted value and weighted square, with
        // values centred on their mean to keep the squares small.
        let total = w.reduce(0, +)
        let mean = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / total
        var sw = [Double](repeating: 0, count: m + 1)
        var sx = sw, sxx = sw
        for j in 0..<m {
            let d = x[j] - mean
            sw[j + 1] = sw[j] + w[j]
            sx[j + 1] = sx[j] + w[j] * d
            sxx[j + 1] = sxx[j] + w[j] * d * d
        }
        // Within-class sum of squares of points a..<b.
        func ssd(_ a: Int, _ b: Int) -> Double {
            let ww = sw[b] - sw[a], s = sx[b] - sx[a]
            return max(0, (sxx[b] - sxx[a]) - s * s / ww)
        }

        // previous[j]: least cost of the first j points in c classes.
        var previous = [Double](repeating: .infinity, count: m + 1)
        for j in 1...m { previous[j] = ssd(0, j) }
        // splits[c][j]: where the last class starts in the best (c + 1)-class
        // partition of the first j points.
        var splits = [[Int]](repeating: [], count: classes)
        for c in 1..<classes {
            var current = [Double](repeating: .infinity, count: m + 1)
            var start = [Int](repeating: 0, count: m + 1)
            // Fills current[lo...hi], knowing the best split lies in optLo...optHi.
            func solve(_ lo: Int, _ hi: Int, _ optLo: Int, _ optHi: Int) {
                guard lo <= hi else { return }
                let mid = (lo + hi) / 2
                var best = Double.infinity, bestSplit = optLo
                let upper = min(optHi, mid - 1)
                if optLo <= upper {
                    for i in optLo...upper {
                        let v = previous[i] + ssd(i, mid)
                        if v < best { best = v; bestSplit = i }
                    }
                }
                current[mid] = best
                start[mid] = bestSplit
                solve(lo, mid - 1, optLo, bestSplit)
                solve(mid + 1, hi, bestSplit, optHi)
            }
            // c + 1 classes need at least c + 1 points; the first c classes at least c.
            solve(c + 1, m, c, m - 1)
            splits[c] = start
            previous = current
        }

        var firsts: [Int] = []
        var j = m
        for c in stride(from: classes - 1, through: 1, by: -1) {
            let i = splits[c][j]
            firsts.append(i)
            j = i
        }
        return firsts.reversed().map { lower + Double(bins[$0 - 1] + 1) * width }
    }

    /// Where the method comes from.
    public static let citation = "Jenks, G.F. (1967) The data model concept in statistical mapping. International Yearbook of Cartography 7, 186-190; Fisher, W.D. (1958) On grouping for maximum homogeneity. Journal of the American Statistical Association 53(284), 789-798."
}

/// Five desertification grades of DDI, separated by four ascending
/// thresholds, usually the Jenks natural breaks of the scene's DDI
/// (``naturalBreaks(from:)``).
///
/// Because higher DDI means less desertified (see
/// ``DesertificationDifferenceIndex``), the highest class is ``Grade/none``
/// and the lowest ``Grade/extreme``:
///
/// | DDI                  | grade |
/// |----------------------|-------|
/// | `DDI >= t4`          | 1 none |
/// | `t3 <= DDI < t4`     | 2 light |
/// | `t2 <= DDI < t3`     | 3 moderate |
/// | `t1 <= DDI < t2`     | 4 severe |
/// | `DDI < t1`           | 5 extreme |
/// | NaN, infinite, nodata | 0 |
public struct DesertificationGrades: Sendable, Hashable, Codable {
    /// A desertification grade; the raw value is the one written to rasters.
    public enum Grade: UInt8, Sendable, CaseIterable, Codable, CustomStringConvertible {
        /// No data.
        case nodata = 0
        /// Not desertified.
        case none = 1
        /// Light desertification.
        case light = 2
        /// Moderate desertification.
        case moderate = 3
        /// Severe desertification.
        case severe = 4
        /// Extreme desertification.
        case extreme = 5

        /// The grade's name, e.g. `moderate`.
        public var description: String {
            switch self {
            case .nodata: "nodata"
            case .none: "none"
            case .light: "light"
            case .moderate: "moderate"
            case .severe: "severe"
            case .extreme: "extreme"
            }
        }
    }

    /// The four ascending thresholds `t1 < t2 < t3 < t4`.
    public let thresholds: [Float]

    /// Grades with the given thresholds; nil unless there are four, finite
    /// and strictly ascending.
    public init?(thresholds: [Float]) {
        guard thresholds.count == 4, thresholds.allSatisfy(\.isFinite),
              zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        self.thresholds = thresholds
    }

    /// Grades at the Jenks natural breaks of a DDI histogram (five classes).
    ///
    /// Nil when the histogram has fewer than five non-empty bins. The
    /// histogram should span the scene's DDI range: values outside it are
    /// counted in the end bins and pull those classes.
    public static func naturalBreaks(from histogram: Histogram) -> DesertificationGrades? {
        guard let t = NaturalBreaks.thresholds(of: histogram, classes: 5) else { return nil }
        return DesertificationGrades(thresholds: t.map { Float($0) })
    }

    /// The grade of one DDI value.
    public func grade(of ddi: Float) -> Grade {
        guard ddi.isFinite else { return .nodata }
        let above = thresholds.reduce(0) { $0 + (ddi >= $1 ? 1 : 0) }
        return Grade(rawValue: UInt8(5 - above))!
    }

    /// Maps every DDI pixel to its grade (1...5), 0 for NaN, infinities and
    /// `ddiNodata`.
    @inlinable
    public func apply(ddi: UnsafeBufferPointer<Float>, ddiNodata: Float? = nil,
                      into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = out.count
        precondition(ddi.count >= n, "input buffer is shorter than the output")
        let t1 = Lanes(repeating: thresholds[0]), t2 = Lanes(repeating: thresholds[1])
        let t3 = Lanes(repeating: thresholds[2]), t4 = Lanes(repeating: thresholds[3])
        let nodata = Lanes(repeating: ddiNodata ?? .nan)
        let five = SIMD8<Int32>(repeating: 5), zero = SIMD8<Int32>.zero
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let v = VectorMap.load(ddi, i, count)
            var g = five
            g.replace(with: g &- 1, where: v .>= t1)
            g.replace(with: g &- 1, where: v .>= t2)
            g.replace(with: g &- 1, where: v .>= t3)
            g.replace(with: g &- 1, where: v .>= t4)
            g.replace(with: zero, where: .!(v.finiteMask .& (v .!= nodata)))
            let bytes = SIMD8<UInt8>(truncatingIfNeeded: g)
            if count == Lanes.scalarCount {
                UnsafeMutableRawPointer(out.baseAddress! + i).storeBytes(of: bytes, as: SIMD8<UInt8>.self)
            } else {
                for lane in 0..<count { out[i + lane] = bytes[lane] }
            }
            i += count
        }
    }
}
