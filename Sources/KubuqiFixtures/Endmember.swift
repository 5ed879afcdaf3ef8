/// The pure surface materials of the study area. Every pixel is a linear
/// mixture of them (a ``Composition``); its reflectance is the weighted sum of
/// their spectra, so NDVI, SWIR brightness and the rest follow from the mix.
///
/// The spectra are typical August values for the Ordos plateau: yellow
/// dune sand bright in red and SWIR, loess soil a little darker, green
/// vegetation high in NIR and low in red, dry grass and litter bright in SWIR,
/// reservoir water dark beyond the green band.
public enum Endmember: Int, CaseIterable, Sendable, Codable {
    /// Aeolian dune sand.
    case sand
    /// Loess and farm soil.
    case soil
    /// Green (photosynthetic) vegetation canopy.
    case greenVegetation
    /// Dry grass, litter and stems (non-photosynthetic vegetation).
    case dryVegetation
    /// Open water of the reservoir.
    case water
    /// Roofs, roads and yards.
    case impervious

    /// The endmember's reflectance in bands B2..B7.
    public var spectrum: SurfaceReflectance {
        switch self {
        case .sand:            return SurfaceReflectance([0.13, 0.18, 0.24, 0.28, 0.36, 0.31])
        case .soil:            return SurfaceReflectance([0.09, 0.12, 0.17, 0.22, 0.29, 0.25])
        case .greenVegetation: return SurfaceReflectance([0.03, 0.07, 0.04, 0.42, 0.20, 0.09])
        case .dryVegetation:   return SurfaceReflectance([0.08, 0.11, 0.16, 0.22, 0.33, 0.27])
        case .water:           return SurfaceReflectance([0.07, 0.07, 0.05, 0.025, 0.012, 0.008])
        case .impervious:      return SurfaceReflectance([0.11, 0.13, 0.15, 0.18, 0.22, 0.20])
        }
    }
}
