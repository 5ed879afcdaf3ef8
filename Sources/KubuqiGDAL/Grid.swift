import KubuqiRaster

/// The pixel grid of a raster: its size, geotransform and CRS. Two rasters
/// can be combined pixel by pixel only when their grids match.
public struct Grid: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Geotransform, nil when the raster is not georeferenced.
    public var geoTransform: GeoTransform?
    /// CRS as WKT, empty when none.
    public var crsWKT: String

    /// Creates a grid description.
    public init(width: Int, height: Int, geoTransform: GeoTransform?, crsWKT: String) {
        self.width = width
        self.height = height
        self.geoTransform = geoTransform
        self.crsWKT = crsWKT
    }

    /// The grid of `window` of this grid: its size, and the geotransform
    /// moved to the window's corner.
    public func subgrid(_ window: Window) -> Grid {
        var t = geoTransform
        if let g = geoTransform {
            let (x, y) = g.apply(column: Double(window.column), row: Double(window.row))
            var c = g.coefficients
            c[0] = x
            c[3] = y
            t = GeoTransform(c)
        }
        return Grid(width: window.width, height: window.height, geoTransform: t, crsWKT: crsWKT)
    }

    /// What differs between this grid and `other`, nil when they match; each item gives this
    /// grid's value first (`size 1098x1098 vs 549x549`), so a message naming this grid's file
    /// first reads the right way round.
    /// Geotransforms match within 1e-6 of a pixel; CRS match when PROJ finds
    /// them the same system, whatever their WKT spelling.
    public func difference(from other: Grid) -> String? {
        var diffs: [String] = []
        if width != other.width || height != other.height {
            diffs.append("size \(width)x\(height) vs \(other.width)x\(other.height)")
        }
        switch (geoTransform, other.geoTransform) {
        case let (a?, b?) where !a.isClose(to: b):
            diffs.append("geotransform \(Self.format(a)) vs \(Self.format(b))")
        case (nil, _?), (_?, nil):
            diffs.append("one is georeferenced and the other is not")
        default: break
        }
        let a = SpatialReference(wkt: crsWKT), b = SpatialReference(wkt: other.crsWKT)
        switch (a, b) {
        case let (a?, b?) where !a.isSame(as: b):
            diffs.append("CRS \(a.shortDescription) vs \(b.shortDescription)")
        case (nil, _?), (_?, nil):
            diffs.append("CRS \(a?.shortDescription ?? "none") vs \(b?.shortDescription ?? "none")")
        default: break
        }
        return diffs.isEmpty ? nil : diffs.joined(separator: ", ")
    }

    private static func format(_ t: GeoTransform) -> String {
        "(" + t.coefficients.map { String($0) }.joined(separator: ", ") + ")"
    }
}
