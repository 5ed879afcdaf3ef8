/// What covers a pixel at one date. A pixel keeps its land type from 2000 to
/// 2013 (its "before" type) and has its "after" type from 2023 on; only the
/// planted change patches have two different types.
///
/// Each type knows its ESA CCI land-cover class (LCCS code), its endmember
/// mix and its soil organic carbon. `texture` (0...1) is the pixel's fixed
/// local variation: dune ridge versus interdune, denser or sparser steppe, a
/// field's crop vigour.
public enum LandType: String, CaseIterable, Sendable, Codable {
    /// Mobile and semi-fixed dunes of bare sand (the Kubuqi desert proper).
    case duneSand
    /// Typical steppe grassland on loess.
    case steppe
    /// Steppe that is stable but produces far less than steppe around it
    /// (the "stable but stressed" region of the productivity sub-indicator).
    case stressedSteppe
    /// Fields of maize and sunflower, in full crop in August.
    case cropland
    /// The one-pixel farm tracks between fields.
    case farmTrack
    /// The reservoir.
    case water
    /// A village: roofs, yards and roads.
    case settlement
    /// Mature poplar shelterbelt along the edge of the fields.
    case shelterbelt
    /// Steppe degraded to bare sand and soil by overgrazing (after a degradation patch).
    case degradedSteppe
    /// Young tree plantation on former dunes (after a rectangular restoration patch).
    case treePlantation
    /// Shrub planting (Salix, Caragana) on former dunes (after a disc restoration patch).
    case shrubPlanting

    /// The ESA CCI land-cover (LCCS) class of this type.
    public var lccsCode: UInt8 {
        switch self {
        case .duneSand, .degradedSteppe: return 200   // bare areas
        case .steppe, .stressedSteppe: return 130     // grassland
        case .cropland, .farmTrack: return 10         // cropland, rainfed
        case .water: return 210                       // water bodies
        case .settlement: return 190                  // urban areas
        case .shelterbelt: return 61                  // tree cover, broadleaved, deciduous, closed
        case .treePlantation: return 60               // tree cover, broadleaved, deciduous
        case .shrubPlanting: return 120               // shrubland
        }
    }

    /// The endmember mix of a pixel of this type with local variation `texture` (0...1).
    public func composition(texture t: Double) -> Composition {
        switch self {
        case .duneSand:
            return Composition(rest: .sand, [.greenVegetation: 0.01 + 0.03 * t, .dryVegetation: 0.01 + 0.03 * t])
        case .steppe:
            return Composition(rest: .soil, [.greenVegetation: 0.20 + 0.10 * t, .dryVegetation: 0.30])
        case .stressedSteppe:
            return Composition(rest: .soil, [.greenVegetation: 0.02 + 0.02 * t, .dryVegetation: 0.22])
        case .cropland:
            return Composition(rest: .soil, [.greenVegetation: 0.62 + 0.25 * t])
        case .farmTrack:
            return Composition(rest: .soil, [.greenVegetation: 0.10, .dryVegetation: 0.10])
        case .water:
            return Composition(rest: .water, [.soil: 0.04 * t])
        case .settlement:
            return Composition(rest: .impervious, [.greenVegetation: 0.07 + 0.10 * t, .soil: 0.15])
        case .shelterbelt:
            return Composition(rest: .soil, [.greenVegetation: 0.78 + 0.08 * t, .dryVegetation: 0.04])
        case .degradedSteppe:
            return Composition(rest: .sand, [.soil: 0.35, .dryVegetation: 0.07, .greenVegetation: 0.03])
        case .treePlantation:
            return Composition(rest: .sand, [.greenVegetation: 0.46 + 0.04 * t, .dryVegetation: 0.05])
        case .shrubPlanting:
            return Composition(rest: .sand, [.greenVegetation: 0.34 + 0.04 * t, .dryVegetation: 0.10])
        }
    }

    /// Baseline soil organic carbon, t/ha in 0-30 cm, before local variation;
    /// nil for water (no SOC is mapped under the reservoir).
    public var socBaseline: Int? {
        switch self {
        case .duneSand, .degradedSteppe, .treePlantation, .shrubPlanting: return 14
        case .steppe: return 33
        case .stressedSteppe: return 26
        case .cropland, .farmTrack: return 41
        case .water: return nil
        case .settlement: return 24
        case .shelterbelt: return 46
        }
    }

    /// Human-readable name, e.g. `dune sand`.
    public var title: String {
        switch self {
        case .duneSand: return "dune sand"
        case .steppe: return "steppe grassland"
        case .stressedSteppe: return "stressed steppe"
        case .cropland: return "cropland"
        case .farmTrack: return "farm track"
        case .water: return "reservoir water"
        case .settlement: return "settlement"
        case .shelterbelt: return "shelterbelt"
        case .degradedSteppe: return "degraded steppe (bare)"
        case .treePlantation: return "tree plantation"
        case .shrubPlanting: return "shrub planting"
        }
    }
}
