import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Where a raster lies, as a STAC Item states it: its outline in WGS 84
/// (`bbox`, `geometry`: the grid's edges, 16 points per side transformed
/// through PROJ, so a projected grid's curved outline is followed), and the
/// `proj:` fields of its own CRS (EPSG code or WKT2, shape, transform, bbox).
struct STACFootprint {
    var bbox: [Double]
    var geometry: [String: Any]
    var projection: [String: Any]
    /// Pixel size in metres of a projected grid with square pixels, else nil.
    var resolution: Double?

    static let pointsPerSide = 16

    /// A raster without georeferencing (or without a CRS): no footprint. STAC then
    /// wants `geometry: null` and no `bbox`; only `proj:shape` is stated.
    init(ungeoreferenced grid: Grid) {
        bbox = []
        geometry = [:]
        projection = ["proj:shape": [grid.height, grid.width], "proj:epsg": NSNull()]
        resolution = nil
    }

    /// The footprint of `grid`, nil when it has no geotransform or no CRS.
    static func of(grid: Grid, path: String) throws -> STACFootprint? {
        guard grid.geoTransform != nil, SpatialReference(wkt: grid.crsWKT) != nil else { return nil }
        return try STACFootprint(grid: grid, path: path)
    }

    init(grid: Grid, path: String) throws {
        guard let t = grid.geoTransform, let crs = SpatialReference(wkt: grid.crsWKT) else {
            throw KubuqiError.output(path, "has no georeferencing; a STAC Item needs its footprint")
        }
        let c = t.coefficients
        func point(_ col: Double, _ row: Double) -> (Double, Double) { (c[0] + col * c[1] + row * c[2], c[3] + col * c[4] + row * c[5]) }
        let w = Double(grid.width), h = Double(grid.height), n = Self.pointsPerSide
        var ring: [(Double, Double)] = []
        for i in 0..<n { ring.append(point(w * Double(i) / Double(n), 0)) }
        for i in 0..<n { ring.append(point(w, h * Double(i) / Double(n))) }
        for i in 0..<n { ring.append(point(w * Double(n - i) / Double(n), h)) }
        for i in 0..<n { ring.append(point(0, h * Double(n - i) / Double(n))) }
        // Counter-clockwise in the map (GeoJSON's right-hand rule) when rows go down.
        if c[5] < 0 { ring.reverse() }
        var x = ring.map(\.0), y = ring.map(\.1)
        guard let toWGS84 = CoordinateTransform.toWGS84(from: crs), toWGS84.transform(x: &x, y: &y).allSatisfy({ $0 }) else {
            throw KubuqiError.output(path, "its outline cannot be transformed to WGS 84 for the STAC catalogue")
        }
        let round7 = { (v: Double) in (v * 1e7).rounded() / 1e7 }
        x = x.map(round7); y = y.map(round7)
        bbox = [x.min()!, y.min()!, x.max()!, y.max()!]
        let coordinates = (zip(x, y).map { [$0, $1] }) + [[x[0], y[0]]]
        geometry = ["type": "Polygon", "coordinates": [coordinates]]

        let nx = ring.map(\.0), ny = ring.map(\.1)
        var proj: [String: Any] = ["proj:shape": [grid.height, grid.width],
                                   "proj:transform": [c[1], c[2], c[0], c[4], c[5], c[3], 0, 0, 1],
                                   "proj:bbox": [nx.min()!, ny.min()!, nx.max()!, ny.max()!]]
        if let epsg = crs.epsgCode { proj["proj:epsg"] = epsg } else {
            proj["proj:epsg"] = NSNull()
            proj["proj:wkt2"] = crs.wkt2
        }
        projection = proj
        resolution = !crs.isGeographic && c[2] == 0 && c[4] == 0 && abs(c[1]) == abs(c[5]) ? abs(c[1]) : nil
    }
}
