import CGDAL

extension SpatialReference {
    /// The linear unit of a projected CRS as a symbol ("m", "ft", "US ft", else GDAL's name);
    /// nil for a geographic CRS.
    public var linearUnitSymbol: String? {
        guard !isGeographic else { return nil }
        var name: UnsafeMutablePointer<CChar>?
        let metres = OSRGetLinearUnits(handle, &name)
        let text = name.map { String(cString: $0) } ?? ""
        switch text.lowercased() {
        case "metre", "meter", "m": return "m"
        case "foot", "international foot": return "ft"
        case "us survey foot", "foot_us": return "US ft"
        default: return metres == 1 ? "m" : text
        }
    }
}
