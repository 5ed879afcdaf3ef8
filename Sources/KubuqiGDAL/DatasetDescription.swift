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
        /// Nodata value, nil without one.
        public var nodata: NodataValue?
        /// Natural block size `[width, height]`.
        public var blockSize: [Int]
        /// Overview sizes `[[width, height], ...]`.
        public var overviews: [[Int]]
        /// Declared scale (value = stored x scale + offset), nil when the band declares none.
        public var scale: Double?
        /// Declared offset, nil when the band declares none.
        public var offset: Double?
        /// Declared units (`GDALGetRasterUnitType`), nil when empty.
        public var units: String?
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
    /// CRS name, nil without a CRS or when the CRS has none (`unnamed`, `unknown`).
    public var crsName: String?
    /// The CRS as a PROJ string (`+proj=sinu +R=6371007.181 ...`), nil without a CRS.
    public var proj: String?
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
        crsName = srs.flatMap { $0.hasName ? $0.name : nil }
        proj = srs?.proj4
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
            let declared = b.declaredScaling
            return Band(band: i, dataType: b.dataType.rawValue, description: b.bandDescription,
                        nodata: b.nodata.map(NodataValue.init),
                        blockSize: [bw, bh], overviews: b.overviewSizes.map { [$0.width, $0.height] },
                        scale: declared?.scale, offset: declared?.offset, units: b.units)
        }
    }

}

/// A band's nodata value as `gdalinfo -json` writes it: a JSON number when
/// finite, the string "NaN", "Infinity" or "-Infinity" otherwise (JSON has
/// no such numbers).
public struct NodataValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The value.
    public let value: Double

    /// Wraps a nodata value.
    public init(_ value: Double) { self.value = value }

    /// "nan", "inf", "-inf", an integer without a decimal point, or the shortest decimal.
    public var description: String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Encodes a number, or "NaN", "Infinity", "-Infinity".
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite {
            if value == value.rounded() && abs(value) < 1e15 { try c.encode(Int64(value)) } else { try c.encode(value) }
        } else {
            try c.encode(value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity"))
        }
    }

    /// Decodes a number or one of the strings `encode` writes (or "nan", "inf", "-inf").
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Double.self) {
            value = v
            return
        }
        switch try c.decode(String.self).lowercased() {
        case "nan": value = .nan
        case "inf", "+inf", "infinity", "+infinity": value = .infinity
        case "-inf", "-infinity": value = -.infinity
        case let other:
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a nodata value: \(other)")
        }
    }

    /// NaN equals NaN here: two bands that both use NaN share a nodata value.
    public static func == (a: NodataValue, b: NodataValue) -> Bool {
        a.value == b.value || (a.value.isNaN && b.value.isNaN)
    }

    /// Hashes NaNs alike and both zeros alike, consistent with `==`.
    public func hash(into h: inout Hasher) { h.combine(value.isNaN ? Double.nan.bitPattern : (value == 0 ? 0 : value.bitPattern)) }
}
