/// The spectral role a band plays in an index formula, independent of the
/// sensor's band numbering.
public enum BandRole: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Blue (Landsat 8 B2, Sentinel-2 B02, ETM+ B1).
    case blue
    /// Green (Landsat 8 B3, Sentinel-2 B03, ETM+ B2).
    case green
    /// Red (Landsat 8 B4, Sentinel-2 B04, ETM+ B3).
    case red
    /// Near infrared (Landsat 8 B5, Sentinel-2 B08, ETM+ B4).
    case nir
    /// Shortwave infrared near 1.6 um (Landsat 8 B6, Sentinel-2 B11, ETM+ B5).
    case swir1
    /// Shortwave infrared near 2.2 um (Landsat 8 B7, Sentinel-2 B12, ETM+ B7).
    case swir2

    /// The role's name as used on the command line (`--nir`).
    public var description: String { rawValue }
}
