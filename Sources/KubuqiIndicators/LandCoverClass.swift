/// The seven land cover classes of UNCCD reporting (the six IPCC land-use
/// categories with water bodies apart), with the codes Trends.Earth uses
/// (`LDMP/data/land_cover_nesting_unccd_esa.json`).
public enum LandCoverClass: Int16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1: tree-covered areas.
    case treeCovered = 1
    /// 2: grassland (including shrubland and sparse vegetation).
    case grassland = 2
    /// 3: cropland.
    case cropland = 3
    /// 4: wetland.
    case wetland = 4
    /// 5: artificial surfaces.
    case artificial = 5
    /// 6: other land (bare areas, snow and ice).
    case otherLand = 6
    /// 7: water bodies.
    case water = 7

    /// The class name.
    public var description: String {
        switch self {
        case .treeCovered: "Tree-covered"
        case .grassland: "Grassland"
        case .cropland: "Cropland"
        case .wetland: "Wetland"
        case .artificial: "Artificial"
        case .otherLand: "Other land"
        case .water: "Water body"
        }
    }
}
