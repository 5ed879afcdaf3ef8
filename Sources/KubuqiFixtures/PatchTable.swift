import Foundation
import KubuqiRaster

/// `truth/patches.csv`: one line per planted patch, for GIS and spreadsheets.
///
/// Columns: id, name, kind, shape, bounding-box width and height and disc
/// radius (pixels, radius empty for rectangles), pixel count, hectares,
/// bounding box in pixels (inclusive) and in map metres (EPSG:32649),
/// land type and LCCS class in 2000 and 2024, mean model NDVI before and after.
public struct PatchTable: Sendable {
    /// The CSV header line's fields.
    public static let header = [
        "id", "name", "kind", "shape", "width_px", "height_px", "radius_px", "pixel_count", "hectares",
        "col_min", "row_min", "col_max", "row_max", "x_min", "y_min", "x_max", "y_max",
        "land_2000", "land_2024", "lccs_2000", "lccs_2024", "ndvi_before", "ndvi_after",
    ]

    /// The patches, by id.
    public let patches: [FixtureTruth.Patch]

    /// The table of `patches`.
    public init(patches: [FixtureTruth.Patch]) { self.patches = patches }

    /// The CSV text (RFC 4180 through ``CSVTable``: a header record, CRLF line ends).
    public var csv: String {
        var table = CSVTable(header: Self.header)
        for p in patches {
            let fields: [String] = [
                String(p.id), p.name, p.kind, p.shape, String(p.widthPixels), String(p.heightPixels),
                p.radiusPixels.map(String.init) ?? "", String(p.pixelCount), String(format: "%.2f", p.hectares),
                String(p.columnMin), String(p.rowMin), String(p.columnMax), String(p.rowMax),
            ] + p.mapExtent.map { String(Int($0)) } + [
                p.landBefore, p.landAfter, String(p.lccs2000), String(p.lccs2024),
                String(format: "%.4f", p.ndviBefore), String(format: "%.4f", p.ndviAfter),
            ]
            table.append(fields)
        }
        return table.text
    }
}
