/// The five change classes of a two-date comparison and their raster codes.
public enum ChangeClass: Int16, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// Strong degradation: -2.
    case strongDegradation = -2
    /// Degradation: -1.
    case degradation = -1
    /// Stable: 0.
    case stable = 0
    /// Improvement: 1.
    case improvement = 1
    /// Strong improvement: 2.
    case strongImprovement = 2

    /// The code of nodata pixels in change rasters.
    public static let nodata: Int16 = -32768

    /// Human-readable name, used in legends and tables.
    public var description: String {
        switch self {
        case .strongDegradation: return "strong degradation"
        case .degradation: return "degradation"
        case .stable: return "stable"
        case .improvement: return "improvement"
        case .strongImprovement: return "strong improvement"
        }
    }

    /// Display colour (RGB): reds for degradation, greens for improvement, pale grey stable.
    public var color: (red: UInt8, green: UInt8, blue: UInt8) {
        switch self {
        case .strongDegradation: return (165, 0, 38)
        case .degradation: return (244, 109, 67)
        case .stable: return (230, 230, 220)
        case .improvement: return (116, 196, 118)
        case .strongImprovement: return (0, 104, 55)
        }
    }
}

/// The two thresholds of change and strong change around a centre: a
/// value `d` is classed by `d - centre` against `change` and `strong`.
public struct ChangeThresholds: Sendable, Hashable, Codable {
    /// Subtracted from the difference before comparing (the mean for sigma thresholds, else 0).
    public var centre: Double
    /// |d - centre| at or above this is change.
    public var change: Double
    /// |d - centre| at or above this is strong change.
    public var strong: Double

    /// Creates thresholds; `change` must be above 0 (at 0 every unchanged pixel
    /// would be change) and `strong` not below `change`.
    public init(centre: Double = 0, change: Double, strong: Double) {
        precondition(change > 0 && strong >= change, "thresholds must satisfy 0 < change <= strong")
        self.centre = centre
        self.change = change
        self.strong = strong
    }

    /// Thresholds that class every valid pixel as stable: for change values that are
    /// constant, where a rule relative to the scene (`sigma`, or `otsu` on a change of 0)
    /// finds no pixel departing from the rest. Both thresholds are +infinity.
    public static func noChange(centre: Double) -> ChangeThresholds {
        ChangeThresholds(centre: centre, change: .infinity, strong: .infinity)
    }

    /// Whether these are ``noChange(centre:)``'s thresholds (every valid pixel stable).
    public var isNoChange: Bool { change == .infinity }

    /// The class of one difference value (positive = improvement); nil for NaN.
    @inlinable
    public func classify(_ d: Float) -> ChangeClass? {
        guard d.isFinite else { return nil }
        let x = Double(d) - centre
        if x <= -strong { return .strongDegradation }
        if x <= -change { return .degradation }
        if x >= strong { return .strongImprovement }
        if x >= change { return .improvement }
        return .stable
    }

    /// Classes a buffer of differences into class codes as Float (NaN for nodata), for the pipeline.
    public func classify(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<input.count {
            output[i] = classify(input[i]).map { Float($0.rawValue) } ?? .nan
        }
    }
}
