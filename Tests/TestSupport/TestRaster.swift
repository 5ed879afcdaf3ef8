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

    /// Writes a VRT of 100,000 x 100,000 empty UInt16 pixels (UTM 49N, 30 m, nodata 0: every read is zeros, no file
    /// behind it) at `path`: a run over it is long enough to be interrupted or crashed mid-way. Returns `path`.
    @discardableResult
    public static func hugeEmptyVRT(_ path: String) throws -> String {
        try """
        <VRTDataset rasterXSize="100000" rasterYSize="100000"><SRS>EPSG:32649</SRS>
          <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>
          <VRTRasterBand dataType="UInt16" band="1"><NoDataValue>0</NoDataValue></VRTRasterBand>
        </VRTDataset>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes a `width` x 1 monthly Float32 series of `months` bands from January 2001 (each band described by its
    /// month's 15th day, `YYYY-MM-15`) on a 0.01 degree EPSG:4326 grid, band by band, each pixel's value drawn by
    /// `value` from a SplitMix64 seeded with `seed`; returns its path.
    @discardableResult
    public static func thinMonthlySeries(_ path: String, width: Int, months: Int = 240, seed: UInt64,
                                         value: (inout SplitMix64) -> Float) throws -> String {
        let ds = try Dataset.create(path, width: width, height: 1, bands: months, type: .float32)
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        var r = SplitMix64(seed: seed)
        for t in 0..<months {
            let values = (0..<width).map { _ in value(&r) }
            let band = try ds.band(t + 1)
            band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-15")
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: width, height: 1), from: $0) }
        }
        try ds.close()
        return path
    }
}
