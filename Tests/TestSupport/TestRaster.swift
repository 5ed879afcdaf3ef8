import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Small rasters written by tests, with values the test chooses.
public enum TestRaster {
    /// A UTM 49N (EPSG:32649) grid at 30 m near the Kubuqi desert.
    public static let utm49Transform = GeoTransform([600_000, 30, 0, 4_470_000, 0, -30])
    /// True area of a 30 m pixel near the corner of `utm49Transform`, in km2: 900.4986 m2 on WGS 84,
    /// not 900 (UTM's scale there is 0.99972; pyproj 3.7.2 Geod.polygon_area_perimeter of pixel (0, 0)
    /// 900.498572 m2, of (59, 59) 900.490651 m2, Scripts/reference/grid_areas.py).
    public static let utm49PixelKm2 = 0.000900498

    /// Writes a one-band raster of `values` (row-major), returns its path.
    @discardableResult
    public static func write(
        _ path: String, width: Int, height: Int, values: [Float], type: RasterDataType = .float32,
        nodata: Double? = nil, transform: GeoTransform? = utm49Transform, epsg: Int? = 32649,
        options: [String] = []
    ) throws -> String {
        precondition(values.count == width * height, "values must fill the raster")
        let ds = try Dataset.create(path, width: width, height: height, bands: 1, type: type,
                                    options: try CreationOptions(parsing: options))
        if let transform { try ds.setGeoTransform(transform) }
        if let epsg, let srs = SpatialReference(epsg: epsg) { try ds.setProjection(srs.wkt2) }
        let band = try ds.band(1)
        if let nodata { try band.setNodata(nodata) }
        try values.withUnsafeBufferPointer {
            try band.write(Window(column: 0, row: 0, width: width, height: height), from: $0)
        }
        try ds.close()
        return path
    }

    /// Reads band 1 of a raster as Float.
    public static func read(_ path: String, band: Int = 1) throws -> [Float] {
        let ds = try Dataset.open(path)
        return try ds.band(band).read(Window(column: 0, row: 0, width: ds.width, height: ds.height))
    }
}
