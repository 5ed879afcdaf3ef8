/// The six affine coefficients that map pixel/line to georeferenced x/y, in
/// GDAL's order: `x = c0 + col*c1 + row*c2`, `y = c3 + col*c4 + row*c5`.
public struct GeoTransform: Hashable, Sendable, Codable {
    /// The coefficients in GDAL order.
    public var coefficients: [Double]

    /// Creates a geotransform from GDAL's six coefficients.
    public init(_ coefficients: [Double]) {
        precondition(coefficients.count == 6, "a geotransform has six coefficients")
        self.coefficients = coefficients
    }

    /// The identity transform GDAL reports for rasters without georeferencing.
    public static let identity = GeoTransform([0, 1, 0, 0, 0, 1])

    /// X of the upper-left corner.
    public var originX: Double { coefficients[0] }
    /// Y of the upper-left corner.
    public var originY: Double { coefficients[3] }
    /// Pixel width (west-east resolution).
    public var pixelWidth: Double { coefficients[1] }
    /// Pixel height, negative for north-up rasters.
    public var pixelHeight: Double { coefficients[5] }
    /// True when the rows and columns are aligned with the axes.
    public var isNorthUp: Bool { coefficients[2] == 0 && coefficients[4] == 0 }

    /// Georeferenced coordinates of the pixel corner (`column`, `row`).
    public func apply(column: Double, row: Double) -> (x: Double, y: Double) {
        (coefficients[0] + column * coefficients[1] + row * coefficients[2],
         coefficients[3] + column * coefficients[4] + row * coefficients[5])
    }

    /// Whether two transforms describe the same grid, allowing a relative
    /// difference of `tolerance` of a pixel in each coefficient.
    public func isClose(to other: GeoTransform, tolerance: Double = 1e-6) -> Bool {
        let scale = max(abs(pixelWidth), abs(pixelHeight), 1e-12)
        for i in 0..<6 where abs(coefficients[i] - other.coefficients[i]) > tolerance * scale {
            return false
        }
        return true
    }
}
