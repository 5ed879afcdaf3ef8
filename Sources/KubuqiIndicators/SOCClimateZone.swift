/// The climate groups of the IPCC land-use stock change factor for land
/// converted to cropland, with the factor F_LU of "long-term cultivated"
/// land (IPCC 2006 Guidelines, Vol. 4, Ch. 5, Table 5.5; the values
/// Trends.Earth uses in `te_algorithms/gee/soc.py` and lists in its SOC
/// documentation):
///
/// | climate | F_LU |
/// |---|---|
/// | temperate (and boreal) dry | 0.80 |
/// | temperate (and boreal) moist or wet | 0.69 |
/// | tropical dry | 0.58 |
/// | tropical moist or wet | 0.48 |
/// | tropical montane | 0.64 |
///
/// The IPCC's 2019 Refinement revised these values; the 2006 ones are kept
/// here because they are the ones of Trends.Earth and the UNCCD default data.
public enum SOCClimateZone: String, Sendable, Hashable, Codable, CaseIterable {
    /// Temperate or boreal, dry.
    case temperateDry
    /// Temperate or boreal, moist or wet.
    case temperateMoist
    /// Tropical, dry.
    case tropicalDry
    /// Tropical, moist or wet.
    case tropicalMoist
    /// Tropical montane.
    case tropicalMontane

    /// F_LU of long-term cultivated land (IPCC 2006 Vol. 4 Table 5.5).
    public var croplandFactor: Double {
        switch self {
        case .temperateDry: 0.80
        case .temperateMoist: 0.69
        case .tropicalDry: 0.58
        case .tropicalMoist: 0.48
        case .tropicalMontane: 0.64
        }
    }

    /// The group of a code of the 12-zone IPCC climate raster Trends.Earth
    /// uses (`ipcc_climate_zones`), by Trends.Earth's own remapping: 1, 3,
    /// 5, 7 (warm temperate, cool temperate, polar, boreal moist) →
    /// temperate moist; 2, 4, 6, 8 (the same, dry) → temperate dry;
    /// 9 → tropical montane; 10, 11 (tropical wet, moist) → tropical moist;
    /// 12 → tropical dry. Any other code (0 = no data) gives nil.
    public init?(ipccZoneCode code: Int) {
        switch code {
        case 1, 3, 5, 7: self = .temperateMoist
        case 2, 4, 6, 8: self = .temperateDry
        case 9: self = .tropicalMontane
        case 10, 11: self = .tropicalMoist
        case 12: self = .tropicalDry
        default: return nil
        }
    }
}
