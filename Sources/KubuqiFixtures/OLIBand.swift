/// The Landsat 8/9 OLI surface-reflectance bands the fixtures ship, by their
/// band number in the product (`_SR_B2.TIF` .. `_SR_B7.TIF`). The coastal band
/// B1 and the thermal bands are not synthesized.
public enum OLIBand: Int, CaseIterable, Sendable, Codable, Comparable {
    /// Band 2, blue (0.45-0.51 um).
    case blue = 2
    /// Band 3, green (0.53-0.59 um).
    case green = 3
    /// Band 4, red (0.64-0.67 um).
    case red = 4
    /// Band 5, near infrared (0.85-0.88 um).
    case nir = 5
    /// Band 6, shortwave infrared 1 (1.57-1.65 um).
    case swir1 = 6
    /// Band 7, shortwave infrared 2 (2.11-2.29 um).
    case swir2 = 7

    /// The band number, as in `SR_B4`.
    public var number: Int { rawValue }

    /// The band's file suffix without extension, e.g. `SR_B4`.
    public var productSuffix: String { "SR_B\(rawValue)" }

    /// Position of the band in ``SurfaceReflectance/values`` (0 for blue).
    public var offset: Int { rawValue - 2 }

    /// Orders bands by band number.
    public static func < (a: OLIBand, b: OLIBand) -> Bool { a.rawValue < b.rawValue }
}
