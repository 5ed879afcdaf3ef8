/// A land unit of the productivity performance metric: the pixels that share
/// a land cover code and an ecological unit code (a soil type, an
/// agro-ecological zone...), within which productivity is compared.
///
/// Trends.Earth combines the ESA CCI class with the USDA soil taxonomy unit of
/// SoilGrids (`te_algorithms/gee/productivity.py`, `productivity_performance`).
/// Without ecological units every pixel has unit 0 and the land cover alone
/// defines the unit. Units order by land cover, then ecological unit.
public struct LandUnit: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The land cover code (any legend: ESA CCI, the 7 UNCCD classes...).
    public let landCover: Int16
    /// The ecological unit code, 0 when none is used.
    public let ecologicalUnit: Int32

    /// A land unit.
    public init(landCover: Int16, ecologicalUnit: Int32 = 0) {
        self.landCover = landCover
        self.ecologicalUnit = ecologicalUnit
    }

    /// Orders by land cover, then ecological unit.
    public static func < (a: LandUnit, b: LandUnit) -> Bool {
        (a.landCover, a.ecologicalUnit) < (b.landCover, b.ecologicalUnit)
    }

    /// "landCover/ecologicalUnit".
    public var description: String { "\(landCover)/\(ecologicalUnit)" }
}
