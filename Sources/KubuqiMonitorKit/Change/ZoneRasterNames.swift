import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// Names for the zones of a zone raster: its GDAL category names when it has them; for a land-cover
/// map of ESA CCI (LCCS) codes (its `CLASSIFICATION` metadata says so, as the fixtures' maps do),
/// each code with its class, `LCCS 130 (Grassland)`; otherwise none (zones are then `zone N`).
enum ZoneRasterNames {
    /// Zone names by id for band 1 of `ds`.
    static func read(_ ds: Dataset) -> [Int: String] {
        if let band = try? ds.band(1) {
            var names: [Int: String] = [:]
            for (value, name) in band.categoryNames.enumerated() where !name.trimmingCharacters(in: .whitespaces).isEmpty { names[value] = name }
            if !names.isEmpty { return names }
        }
        let classification = (ds.metadataItem("CLASSIFICATION") ?? "").uppercased()
        guard classification.contains("ESA CCI") || classification.contains("LCCS") else { return [:] }
        var names: [Int: String] = [:]
        for (code, unccd) in LandCoverLegend.esaCCI.mapping {
            names[Int(code)] = "LCCS \(code) (\(LandCoverClass(rawValue: unccd).map(\.description) ?? "class \(unccd)"))"
        }
        return names
    }
}
