import KubuqiGDAL
import KubuqiRaster

/// The grid a plan splits: size, geotransform and CRS, as JSON.
public struct PlanGrid: Sendable, Hashable, Codable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// GDAL's six geotransform coefficients, nil when the raster is not georeferenced.
    public var geoTransform: [Double]?
    /// The CRS as WKT (empty when none).
    public var crsWKT: String
    /// The CRS in short (`EPSG:32649`), for people reading the plan.
    public var crs: String

    /// The plan form of `grid`.
    public init(_ grid: Grid) {
        width = grid.width
        height = grid.height
        geoTransform = grid.geoTransform?.coefficients
        crsWKT = grid.crsWKT
        crs = grid.crsName
    }

    /// The grid described.
    public var grid: Grid {
        Grid(width: width, height: height, geoTransform: geoTransform.map(GeoTransform.init), crsWKT: crsWKT)
    }
}
