/// The drought intensity classes of UNCCD strategic objective 3 (SO3-1) as
/// Trends.Earth reports them, from a year's lowest 12-month SPI.
///
/// Ranges (boundary values go to the more severe class):
/// none SPI ≥ 0; mild −1 < SPI < 0; moderate −1.5 < SPI ≤ −1;
/// severe −2 < SPI ≤ −1.5; extreme SPI ≤ −2.
public enum DroughtClass: Int16, Sendable, CaseIterable, Comparable {
    /// No drought (SPI ≥ 0).
    case none = 0
    /// Mild drought (0 to −1).
    case mild = 1
    /// Moderate drought (−1 to −1.5).
    case moderate = 2
    /// Severe drought (−1.5 to −2).
    case severe = 3
    /// Extreme drought (below −2).
    case extreme = 4

    /// The class of an SPI value; nil for NaN.
    @inline(__always)
    public init?(spi: Double) {
        guard !spi.isNaN else { return nil }
        if spi >= 0 { self = .none } else if spi > -1 { self = .mild } else if spi > -1.5 { self = .moderate }
        else if spi > -2 { self = .severe } else { self = .extreme }
    }

    /// The name in tables (`no drought`, `mild`, ...).
    public var name: String {
        switch self {
        case .none: return "no drought"
        case .mild: return "mild"
        case .moderate: return "moderate"
        case .severe: return "severe"
        case .extreme: return "extreme"
        }
    }

    /// The SPI range as text.
    public var range: String {
        switch self {
        case .none: return "SPI >= 0"
        case .mild: return "-1 < SPI < 0"
        case .moderate: return "-1.5 < SPI <= -1"
        case .severe: return "-2 < SPI <= -1.5"
        case .extreme: return "SPI <= -2"
        }
    }

    public static func < (a: DroughtClass, b: DroughtClass) -> Bool { a.rawValue < b.rawValue }
}
