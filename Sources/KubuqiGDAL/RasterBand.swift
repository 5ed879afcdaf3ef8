import CGDAL
import KubuqiRaster

/// One band of an open ``Dataset``. It lives as long as its dataset.
public struct RasterBand: @unchecked Sendable {
    let handle: GDALRasterBandH
    /// The dataset the band belongs to (kept alive by the band).
    public let dataset: Dataset
    /// The 1-based band number.
    public let index: Int

    /// Pixel data type.
    public var dataType: RasterDataType { RasterDataType(GDALGetRasterDataType(handle)) }

    /// The band's nodata value, if it has one.
    public var nodata: Double? {
        var has: Int32 = 0
        let v = GDALGetRasterNoDataValue(handle, &has)
        return has != 0 ? v : nil
    }

    /// The band's description (GDAL's band name), possibly empty.
    public var bandDescription: String { String(cString: GDALGetDescription(handle)) }

    /// Natural block size of the band (GDAL's block, a tile or a strip).
    public var blockSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    /// Sizes of the band's overviews, largest first.
    public var overviewSizes: [(width: Int, height: Int)] {
        (0..<GDALGetOverviewCount(handle)).compactMap { i in
            guard let o = GDALGetOverview(handle, i) else { return nil }
            return (Int(GDALGetRasterBandXSize(o)), Int(GDALGetRasterBandYSize(o)))
        }
    }

    /// Sets the nodata value written in the file.
    public func setNodata(_ value: Double) throws {
        try GDALErrors.check("cannot set nodata on band \(index) of \(dataset.path)") {
            GDALSetRasterNoDataValue(handle, value)
        }
    }

    /// Sets the band's description.
    public func setDescription(_ text: String) {
        GDALSetDescription(handle, text)
    }

    /// Sets a metadata item of the band.
    public func setMetadataItem(_ key: String, _ value: String, domain: String? = nil) {
        _ = GDALErrors.capture { GDALSetMetadataItem(handle, key, value, domain) }
    }

    /// Reads `window` converted to `Float32` into `buffer` (row-major, at least
    /// `window.pixelCount` long).
    public func read(_ window: Window, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        try rasterIO(GF_Read, window, UnsafeMutableRawPointer(buffer.baseAddress!), buffer.count, GDT_Float32)
    }

    /// Reads `window` converted to `Float32` into a new array.
    public func read(_ window: Window) throws -> [Float] {
        var out = [Float](repeating: 0, count: window.pixelCount)
        try out.withUnsafeMutableBufferPointer { try read(window, into: $0) }
        return out
    }

    /// Reads the whole band decimated (nearest neighbour, by GDAL) to
    /// `width` x `height`, for quicklooks; memory is that of the small image only.
    public func readDecimated(width: Int, height: Int) throws -> [Float] {
        var out = [Float](repeating: 0, count: width * height)
        let w = Window(column: 0, row: 0, width: dataset.width, height: dataset.height)
        try GDALErrors.check("cannot read band \(index) of \(dataset.path)") {
            out.withUnsafeMutableBytes {
                GDALRasterIO(handle, GF_Read, 0, 0, Int32(w.width), Int32(w.height), $0.baseAddress,
                             Int32(width), Int32(height), GDT_Float32, 0, 0)
            }
        }
        return out
    }

    /// Writes `Float32` values of `window`, converted to the band's type by GDAL.
    public func write(_ window: Window, from buffer: UnsafeBufferPointer<Float>) throws {
        try rasterIO(GF_Write, window, UnsafeMutableRawPointer(mutating: buffer.baseAddress!), buffer.count, GDT_Float32)
    }

    /// Writes `Int16` values of `window`.
    public func write(_ window: Window, from buffer: UnsafeBufferPointer<Int16>) throws {
        try rasterIO(GF_Write, window, UnsafeMutableRawPointer(mutating: buffer.baseAddress!), buffer.count, GDT_Int16)
    }

    /// Reads `window` as `Int16` values.
    public func readInt16(_ window: Window) throws -> [Int16] {
        var out = [Int16](repeating: 0, count: window.pixelCount)
        try out.withUnsafeMutableBufferPointer {
            try rasterIO(GF_Read, window, UnsafeMutableRawPointer($0.baseAddress!), $0.count, GDT_Int16)
        }
        return out
    }

    /// Reads `window` converted to `Int32` (zone ids) into `buffer` (row-major, at least `window.pixelCount` long).
    public func readInt32(_ window: Window, into buffer: UnsafeMutableBufferPointer<Int32>) throws {
        try rasterIO(GF_Read, window, UnsafeMutableRawPointer(buffer.baseAddress!), buffer.count, GDT_Int32)
    }

    /// Reads `window` in the band's own 16-bit type (`Int16` or `UInt16`, by `unsigned`) into the
    /// raw memory `buffer` (at least `2 * window.pixelCount` bytes), with no conversion by GDAL.
    public func read16(_ window: Window, into buffer: UnsafeMutableRawBufferPointer, unsigned: Bool) throws {
        try rasterIO(GF_Read, window, buffer.baseAddress!, buffer.count / 2, unsigned ? GDT_UInt16 : GDT_Int16)
    }

    private func rasterIO(_ flag: GDALRWFlag, _ w: Window, _ data: UnsafeMutableRawPointer,
                          _ capacity: Int, _ type: GDALDataType) throws {
        precondition(capacity >= w.pixelCount, "buffer smaller than the window")
        let verb = flag == GF_Read ? "cannot read" : "cannot write"
        try GDALErrors.check("\(verb) window \(w) of band \(index) of \(dataset.path)") {
            GDALRasterIO(handle, flag, Int32(w.column), Int32(w.row), Int32(w.width), Int32(w.height),
                         data, Int32(w.width), Int32(w.height), type, 0, 0)
        }
    }
}

extension RasterBand {
    /// Sets the band's scale and offset (value = raw x scale + offset), which
    /// QGIS and GDAL apply when reading.
    public func setScale(_ scale: Double, offset: Double) throws {
        try GDALErrors.check("cannot set scale of band \(index) of \(dataset.path)") { GDALSetRasterScale(handle, scale) }
        try GDALErrors.check("cannot set offset of band \(index) of \(dataset.path)") { GDALSetRasterOffset(handle, offset) }
    }
}
