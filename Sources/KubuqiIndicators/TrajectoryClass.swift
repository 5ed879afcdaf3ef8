/// Classes of the productivity trajectory, −3...3, from a trend's slope and
/// Mann-Kendall Z, as Trends.Earth codes its "Productivity trajectory
/// (significance)" band:
///
/// | class | meaning |
/// |---|---|
/// | −3 / 3 | decline / increase significant at 99 % (|Z| ≥ 2.576) |
/// | −2 / 2 | decline / increase significant at 95 % (|Z| ≥ 1.96) |
/// | −1 / 1 | decline / increase significant at 90 % (|Z| ≥ 1.645) |
/// | 0 | no significant trend |
/// | −32768 | nodata (slope or Z not finite) |
///
/// The direction is the sign of Z (of S); a significant Z whose slope is zero
/// or of the other sign, or whose |slope| is at most `minimumAbsoluteSlope`,
/// is class 0 (|slope| = minimum is "no trend"; for integer stacks the
/// comparison is exact, `classify(exactSlope:z:scale:)`). Trends.Earth takes the significance from Kendall's statistic
/// against tabulated critical values and the direction from an OLS slope
/// (`te_algorithms/gee/productivity.py`, `productivity_trajectory`); here
/// the normal approximation of the Mann-Kendall Z and the Theil-Sen slope
/// take their places. Trends.Earth also zeroes |slope| ≤ 10 in NDVI × 10000
/// units (0.001 NDVI per year): set `minimumAbsoluteSlope` to 0.001 to do
/// the same on NDVI in 0...1.
///
/// For the sub-indicator only classes ±2 and ±3 count (95 % significance):
/// `status(ofClass:)` is Trends.Earth's `recode_traj`
/// (`te_algorithms/gdal/land_deg/land_deg_numba.py`).
public struct TrajectoryClass: Sendable, Hashable, Codable {
    /// |Z| thresholds of the 90, 95 and 99 % two-sided levels, ascending.
    public var thresholds: [Double]
    /// A slope of at most this magnitude is class 0 whatever Z says.
    public var minimumAbsoluteSlope: Double

    /// Thresholds 1.645, 1.96, 2.576 and no minimum slope.
    public static let standard = TrajectoryClass()

    /// A classifier with the given thresholds (three, ascending).
    public init(thresholds: [Double] = [1.645, 1.96, 2.576], minimumAbsoluteSlope: Double = 0) {
        precondition(thresholds.count == 3 && thresholds == thresholds.sorted(), "three ascending |Z| thresholds")
        self.thresholds = thresholds
        self.minimumAbsoluteSlope = minimumAbsoluteSlope
    }

    /// The class −3...3 of one pixel, or `DegradationStatus.nodata`.
    public func classify(slope: Float, z: Float) -> Int16 {
        guard slope.isFinite && z.isFinite else { return DegradationStatus.nodata }
        // Compared in Float, the precision of the Z rasters, so that a Z read
        // back as exactly 1.96 counts as significant at 95 %.
        let magnitude = abs(z)
        var level: Int16 = 0
        for t in thresholds where magnitude >= Float(t) { level += 1 }
        guard level > 0 else { return 0 }
        let direction: Int16 = z > 0 ? 1 : -1
        let agrees = Double(slope) * Double(direction) > 0 && Double(abs(slope)) > minimumAbsoluteSlope
        return agrees ? direction * level : 0
    }

    /// The class of one pixel of an integer stack: `slope` the exact
    /// Theil-Sen slope of the stored integers per year, `scale` the stored
    /// unit in productivity units. The slope is "no trend" when
    /// |slope| · scale ≤ `minimumAbsoluteSlope`, compared exactly with the
    /// decimal the minimum is written with (Trends.Earth:
    /// `lf_trend.abs().lte(10)` → 0, `productivity_trajectory`).
    public func classify(exactSlope slope: Rational, z: Float, scale: Rational) -> Int16 {
        guard z.isFinite else { return DegradationStatus.nodata }
        let level = signedLevel(z: z)
        guard level != 0 else { return 0 }
        let direction: Int16 = z > 0 ? 1 : -1
        let minimum = Rational(decimal: minimumAbsoluteSlope) ?? Rational(0)
        let agrees = slope.signum == Int(direction) && slope.magnitude * scale > minimum
        return agrees ? level : 0
    }

    /// The class of a finite `z` whose slope agrees with it: ±1…3 by |Z|
    /// against the thresholds (compared in Float), signed as Z; 0 below them.
    public func signedLevel(z: Float) -> Int16 {
        let magnitude = abs(z)
        var level: Int16 = 0
        for t in thresholds where magnitude >= Float(t) { level += 1 }
        return level == 0 ? 0 : (z > 0 ? level : -level)
    }

    /// Classifies every pixel of `slope` and `z` into `classes`.
    public func classify(
        slope: UnsafeBufferPointer<Float>, z: UnsafeBufferPointer<Float>, into classes: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(slope.count >= classes.count && z.count >= classes.count, "input buffers are shorter than the output")
        for i in 0..<classes.count { classes[i] = classify(slope: slope[i], z: z[i]) }
    }

    /// The sub-indicator status of a class: −1 for −3 and −2, +1 for 2 and 3,
    /// 0 for −1...1, nodata otherwise. `minimumLevel` 2 counts 95 %
    /// significance (Trends.Earth); 1 would count 90 %, 3 only 99 %.
    public static func status(ofClass c: Int16, minimumLevel: Int16 = 2) -> Int16 {
        guard (-3...3).contains(c) else { return DegradationStatus.nodata }
        if c <= -minimumLevel { return DegradationStatus.degraded.rawValue }
        if c >= minimumLevel { return DegradationStatus.improved.rawValue }
        return DegradationStatus.stable.rawValue
    }

    /// `status(ofClass:minimumLevel:)` over a buffer of classes.
    public static func status(
        ofClasses classes: UnsafeBufferPointer<Int16>, minimumLevel: Int16 = 2, into status: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(classes.count >= status.count, "input buffer is shorter than the output")
        for i in 0..<status.count { status[i] = Self.status(ofClass: classes[i], minimumLevel: minimumLevel) }
    }
}
