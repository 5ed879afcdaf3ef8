import KubuqiGDAL
import KubuqiRaster

/// Writes the fixtures' rasters through KubuqiGDAL with fixed creation
/// options, so the same values always give the same bytes: one 256 x 256
/// tile per band, DEFLATE with the horizontal-difference predictor, band
/// interleaved, no threads, and nothing that GDAL would stamp with a time.
public struct GeoTIFFWriter: Sendable {
    /// One band to write: its values row by row, and an optional description.
    public struct Band: Sendable {
        /// The values, row-major; converted to the file's type by GDAL (they are whole numbers that fit).
        public var values: [Float]
        /// The band description (GDAL's band name), empty for none.
        public var description: String

        /// A band of `values` with an optional description.
        public init(_ values: [Float], description: String = "") {
            self.values = values
            self.description = description
        }
    }

    /// The creation options of every fixture GeoTIFF.
    public static let creationOptions: CreationOptions = {
        var o = CreationOptions()
        o.set("TILED", "YES")
        o.set("BLOCKXSIZE", "256")
        o.set("BLOCKYSIZE", "256")
        o.set("COMPRESS", "DEFLATE")
        o.set("ZLEVEL", "9")
        o.set("PREDICTOR", "2")
        o.set("INTERLEAVE", "BAND")
        return o
    }()

    /// Writes `bands` as a GeoTIFF of `type` on the study area's grid.
    ///
    /// - Parameters:
    ///   - nodata: declared on every band when given.
    ///   - scale: written as every band's scale (offset 0) when given.
    ///   - metadata: dataset metadata items, in order.
    ///   - grid: another grid of the study area's CRS (width, height, geotransform); nil for the study area's.
    public static func write(_ path: String, type: RasterDataType, bands: [Band], nodata: Double? = nil,
                             scale: Double? = nil, metadata: [(String, String)] = [],
                             grid: (width: Int, height: Int, geoTransform: GeoTransform)? = nil) throws {
        precondition(!bands.isEmpty, "a GeoTIFF has at least one band")
        let w = grid?.width ?? StudyArea.width, h = grid?.height ?? StudyArea.height
        let ds = try Dataset.create(path, width: w, height: h, bands: bands.count, type: type, options: creationOptions)
        try ds.setGeoTransform(grid?.geoTransform ?? StudyArea.geoTransform)
        guard let srs = SpatialReference(epsg: StudyArea.epsg) else {
            throw GDALError("cannot write \(path)", messages: ["PROJ does not know EPSG:\(StudyArea.epsg)"])
        }
        try ds.setProjection(srs.wkt2)
        for (key, value) in metadata { ds.setMetadataItem(key, value) }
        let all = Window(column: 0, row: 0, width: w, height: h)
        for (i, b) in bands.enumerated() {
            precondition(b.values.count == w * h, "band \(i + 1) of \(path) does not fill the grid")
            let band = try ds.band(i + 1)
            if let nodata { try band.setNodata(nodata) }
            if !b.description.isEmpty { band.setDescription(b.description) }
            if let scale { try band.setScale(scale, offset: 0) }
            try b.values.withUnsafeBufferPointer { try band.write(all, from: $0) }
        }
        try ds.close()
    }

    /// Values of an integer plane as Float, for ``Band``.
    public static func floats<T: BinaryInteger & Sendable>(_ plane: PixelPlane<T>) -> [Float] {
        plane.values.map { Float($0) }
    }
}
