import KubuqiGDAL

extension Grid {
    /// The CRS's short name (e.g. "EPSG:32649 WGS 84 / UTM zone 49N"), or "none".
    var crsName: String { SpatialReference(wkt: crsWKT)?.shortDescription ?? "none" }

    /// The pixel size with its unit, for reports: "30 m" on projected grids, "0.00025 degrees"
    /// on geographic ones, "30 x 20 m" when the sides differ.
    var pixelSizeText: String {
        guard let t = geoTransform else { return "none (not georeferenced)" }
        let srs = SpatialReference(wkt: crsWKT)
        let w = ReportJSON.number(abs(t.pixelWidth)), h = ReportJSON.number(abs(t.pixelHeight))
        let size = w == h ? w : "\(w) x \(h)"
        if srs?.isGeographic == true { return "\(size) degrees" }
        return "\(size) \(srs?.linearUnitSymbol ?? "units")"
    }
}
