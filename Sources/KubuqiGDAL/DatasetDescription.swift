import CGDAL
import KubuqiRaster

/// What `info` reports of a raster, in a form that encodes to JSON.
public struct DatasetDescription: Sendable, Codable, Hashable {
    /// One band's facts.
    public struct Band: Sendable, Codable, Hashable {
        /// 1-based band number.
        public var band: Int
        /// GDAL data type name.
        public var dataType: String
        /// Band description, may be empty.
        public var description: String
        /// Nodata value; NaN is written as the string "nan" in JSON.
        public var nodata: String?
        /// Natural block size `[width, height]`.
        public var blockSize: [Int]
        /// Overview sizes `[[width, height], ...]`.
        public var overviews: [[Int]]
    }

    /// The path as given.
    public var path: String
    /// GDAL driver short name.
    public var driver: String
    /// `[width, height]` in pixels.
    public var size: [Int]
    /// Number of bands.
    public var bandCount: Int
    /// EPSG code of the CRS, nil when none matches.
    public var epsg: Int?
    /// CRS name, nil without a CRS.
    public var crsName: String?
    /// CRS as WKT2, nil without a CRS.
    public var wkt: String?
    /// GDAL geotransform, nil when not georeferenced.
    public var geoTransform: [Double]?
    /// `[xres, yres]` (yres negative for north-up).
    public var pixelSize: [Double]?
    /// `[minx, miny, maxx, maxy]` in CRS units.
    public var extent: [Double]?
    /// Per-band facts.
    public var bands: [Band]

    /// Describes an open dataset.
    public init(_ ds: Dataset) throws {
        path = ds.path
        driver = ds.driverName
        size = [ds.width, ds.height]
        bandCount = ds.bandCount
        let srs = ds.spatialReference
        epsg = srs?.epsgCode
        crsName = srs?.name
        wkt = srs?.wkt2
        if let t = ds.geoTransform, t != .identity || srs != nil {
            geoTransform = t.coefficients
            pixelSize = [t.pixelWidth, t.pixelHeight]
            let corners = [(0.0, 0.0), (Double(ds.width), 0), (0, Double(ds.height)), (Double(ds.width), Double(ds.height))]
                .map { t.apply(column: $0.0, row: $0.1) }
            extent = [corners.map(\.x).min()!, corners.map(\.y).min()!, corners.map(\.x).max()!, corners.map(\.y).max()!]
        }
        bands = try (1...max(ds.bandCount, 1)).prefix(ds.bandCount).map { i in
            let b = try ds.band(i)
            let (bw, bh) = b.blockSize
            return Band(band: i, dataType: b.dataType.rawValue, description: b.bandDescription,
                        nodata: b.nodata.map { $0.isNaN ? "nan" : Self.formatNumber($0) },
                        blockSize: [bw, bh], overviews: b.overviewSizes.map { [$0.width, $0.height] })
        }
    }

    static func formatNumber(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
