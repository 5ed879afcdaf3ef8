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
    /// The inverse of a constant, kept exact (1/0.71 is 100/71).
    case inverseConstant(Double)

    /// The factor in a climate.
    public func value(in climate: SOCClimateZone) -> Double {
        switch self {
        case .constant(let f): f
        case .cropland: climate.croplandFactor
        case .inverseCropland: 1 / climate.croplandFactor
        case .inverseConstant(let f): 1 / f
        }
    }

    /// The factor as an exact fraction of the decimals it is written with
    /// (0.8 is 4/5, 1/0.71 is 100/71), for the ±10 % comparison; nil when a
    /// constant is not a finite decimal or is zero where inverted.
    public func exactValue(in climate: SOCClimateZone) -> Rational? {
        switch self {
        case .constant(let f): return Rational(decimal: f)
        case .cropland: return Rational(decimal: climate.croplandFactor)
        case .inverseCropland:
            guard let f = Rational(decimal: climate.croplandFactor), f.signum != 0 else { return nil }
            return Rational(1) / f
        case .inverseConstant(let c):
            guard let f = Rational(decimal: c), f.signum != 0 else { return nil }
            return Rational(1) / f
        }
    }
}
