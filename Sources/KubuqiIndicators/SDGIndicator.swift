/// The three states of SDG indicator 15.3.1 and of each sub-indicator, with
/// the integer codes kubuqi-monitor writes in rasters.
public enum DegradationStatus: Int16, Sendable, CaseIterable, Codable {
    /// Degraded: -1.
    case degraded = -1
    /// Stable: 0.
    case stable = 0
    /// Improved: 1.
    case improved = 1

    /// The code written for nodata in every indicator raster.
    public static let nodata: Int16 = -32768
}
