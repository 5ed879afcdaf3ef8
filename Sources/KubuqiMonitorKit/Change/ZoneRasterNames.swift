import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Names for the zones of a zone raster: the class names it declares (raster attribute table or
/// GDAL category names); for a land-cover map of ESA CCI (LCCS) codes (its `CLASSIFICATION`
/// metadata says so, as the fixtures' maps do), each code with its UNCCD class from the
/// Trends.Earth nesting, `LCCS 130 (Grassland)`; otherwise none (zones are then `zone N`).
/// Only values the raster holds are named, as the reports list every named zone.
enum ZoneRasterNames {
    /// Zone names by id for band 1 of `ds`.
    static func read(_ ds: Dataset) throws -> [Int: String] {
        let band = try ds.band(1)
        var names = band.categoryNames().filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
        if names.isEmpty {
            let classification = (ds.metadataItem("CLASSIFICATION") ?? "").uppercased()
            guard classification.contains("ESA CCI") || classification.contains("LCCS") else { return [:] }
            for (code, unccd) in LandCoverLegend.esaCCI.mapping {
                names[Int(code)] = "LCCS \(code) (\(LandCoverClass(rawValue: unccd).map(\.description) ?? "class \(unccd)"))"
            }
        }
        let present = try values(of: band, width: ds.width, height: ds.height)
        return names.filter { present.contains($0.key) }
    }

    /// The distinct whole values of a band (nodata left out), read in strips of about a million pixels.
    static func values(of band: RasterBand, width: Int, height: Int) throws -> Set<Int> {
        var seen = Set<Int>()
        let nodata = band.nodata
        let rows = max(1, min(height, (1 << 20) / max(width, 1)))
        for row in stride(from: 0, to: height, by: rows) {
            for v in try band.read(Window(column: 0, row: row, width: width, height: min(rows, height - row)))
            where v.isFinite && Double(v) != nodata {
                seen.insert(Int(v))
            }
        }
        return seen
    }
}
