/// One cell of the soil organic carbon stock change factor matrix: a
/// constant, or the climate-dependent factor of conversion to cropland
/// (`SOCClimateZone.croplandFactor`) or its inverse (conversion from
/// cropland back to natural cover).
public enum SOCFactor: Sendable, Hashable, Codable {
    /// A factor that does not depend on the climate.
    case constant(Double)
    /// F_LU of the climate (conversion to cropland).
    case cropland
    /// 1 / F_LU of the climate (cropland to tree cover or grassland).
    case inverseCropland

    /// The factor in a climate.
    public func value(in climate: SOCClimateZone) -> Double {
        switch self {
        case .constant(let f): f
        case .cropland: climate.croplandFactor
        case .inverseCropland: 1 / climate.croplandFactor
        }
    }
}
