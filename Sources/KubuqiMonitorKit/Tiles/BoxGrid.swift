import Foundation
import KubuqiGDAL
import KubuqiRaster

/// A target grid given by a box, a CRS and a pixel size (`--bbox`, `--crs`, `--resolution`),
/// shared by `tiles plan` and `stack`: every number is validated, the grid's corner is
/// (minX, maxY), and its sides are bounded as GDAL requires (a C int per side).
public enum BoxGrid {
    /// The most pixels along one side (GDAL's limit, a C int).
    public static let maximumSide = Double(Int32.max)

    /// The box `minX,minY,maxX,maxY` as four numbers; a usage error naming `option` otherwise.
    public static func parseBox(_ text: String, option: String = "--bbox") throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let box = parts.compactMap(Double.init)
        guard parts.count == 4, box.count == 4 else {
            throw KubuqiError(.usage, "\(option) must be four numbers minx,miny,maxx,maxy, not '\(text)'")
        }
        return box
    }

    /// The CRS of `EPSG:N` or of a WKT definition; a usage error naming `option` otherwise.
    public static func parseCRS(_ text: String, option: String = "--crs") throws -> SpatialReference {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.uppercased().hasPrefix("EPSG:") {
            guard let code = Int(t.dropFirst(5)), code > 0 else { throw KubuqiError(.usage, "\(option) EPSG:N needs a positive integer code, not '\(text)'") }
            guard let srs = SpatialReference(epsg: code) else { throw KubuqiError(.usage, "\(option) EPSG:\(code) is not a CRS PROJ knows") }
            return srs
        }
        guard let srs = SpatialReference(wkt: t) else {
            throw KubuqiError(.usage, "\(option) must be EPSG:N or a WKT definition, not '\(t.prefix(60))'")
        }
        return srs
    }

    /// The grid covering `bbox` (minX, minY, maxX, maxY) in `srs` at `resolution` CRS units,
    /// its corner at (minX, maxY), sides rounded up to whole pixels.
    public static func grid(bbox: [Double], srs: SpatialReference, resolution: Double) throws -> Grid {
        guard bbox.count == 4, bbox.allSatisfy(\.isFinite), bbox[2] > bbox[0], bbox[3] > bbox[1] else {
            throw KubuqiError(.usage, "--bbox must be four finite numbers minx,miny,maxx,maxy with maxx > minx and maxy > miny")
        }
        guard resolution > 0, resolution.isFinite else { throw KubuqiError(.usage, "--resolution must be a positive finite size, not \(resolution)") }
        let columns = ((bbox[2] - bbox[0]) / resolution).rounded(.up), rows = ((bbox[3] - bbox[1]) / resolution).rounded(.up)
        guard columns.isFinite, rows.isFinite, columns <= maximumSide, rows <= maximumSide else {
            throw KubuqiError(.usage, "--bbox at --resolution \(resolution) makes a grid of \(String(format: "%.3g", columns)) x \(String(format: "%.3g", rows)) pixels; "
                              + "at most \(Int(maximumSide)) per side (choose a coarser resolution)")
        }
        return Grid(width: Int(columns), height: Int(rows),
                    geoTransform: GeoTransform([bbox[0], resolution, 0, bbox[3], 0, -resolution]), crsWKT: srs.wkt2)
    }
}
