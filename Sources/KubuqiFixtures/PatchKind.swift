/// Why a patch was planted.
public enum PatchKind: String, CaseIterable, Sendable, Codable {
    /// Grazing degradation: steppe turned to bare sand and soil, vegetation
    /// (NDVI) down between the dates.
    case degradation
    /// Restoration: dunes planted with trees or shrubs, vegetation up between the dates.
    case restoration
    /// Stable but stressed: no change over time, but productivity far below
    /// that of the same land cover nearby.
    case stressed
}
