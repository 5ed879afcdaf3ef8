import CGDAL
import Foundation
import KubuqiRaster

/// An open GDAL raster dataset. Closed when the last reference goes away or
/// by ``close()``, which reports write errors.
///
/// A dataset is used from one thread at a time (GDAL handles are not
/// thread-safe); streamed pipelines give each thread its own datasets.
public final class Dataset: @unchecked Sendable {
    private(set) var handle: GDALDatasetH?
    /// The path or connection string the dataset was opened or created with.
    public let path: String

    /// A dataset that a derived one (a warped VRT) reads from, kept open while it lives.
    private let source: Dataset?

    private init(handle: GDALDatasetH, path: String, source: Dataset? = nil) {
        self.handle = handle
        self.path = path
        self.source = source
    }

    /// Wraps a dataset GDAL derived from `keepAlive` (reported under `path`).
    convenience init(adopting handle: GDALDatasetH, path: String, keepAlive: Dataset) {
        self.init(handle: handle, path: path, source: keepAlive)
    }

    deinit { if let handle { GDALClose(handle) } }

    /// Opens a raster read-only (or for update), with GDAL's messages in the error.
    public static func open(_ path: String, update: Bool = false) throws -> Dataset {
        GDALEnvironment.initialize()
        let flags = UInt32(GDAL_OF_RASTER) | UInt32(update ? GDAL_OF_UPDATE : GDAL_OF_READONLY)
            | UInt32(GDAL_OF_VERBOSE_ERROR)
        try VRTGuard.check(path)
        // As GDALErrors.check, keeping the warnings (a damaged file's skipped tags) on the dataset.
        let (opened, collected) = GDALErrors.capture { GDALOpenEx(path, flags, nil, nil, nil) }
        guard let h = opened, collected.failures.isEmpty else {
            if let opened { GDALClose(opened) }
            throw GDALError("cannot open \(path) as a raster", messages: collected.failures)
        }
        let ds = Dataset(handle: h, path: path)
        ds.openWarnings = collected.warnings
        ds.openedReadOnly = !update
        return ds
    }

    /// Whether ``open(_:update:)`` opened this dataset read-only (not created, not for update, not derived).
    private var openedReadOnly = false

    /// A second, independent read-only handle on the same file, for reading it on another thread at the same
    /// time (a handle is used from one thread at a time); nil when this dataset was not opened read-only by
    /// ``open(_:update:)`` (a created, updated or derived dataset may hold data a new handle would not see)
    /// or the file cannot be opened again.
    public func reopenedForReading() -> Dataset? {
        guard openedReadOnly, let again = try? Dataset.open(path), again.bandCount == bandCount,
              again.width == width, again.height == height else { return nil }
        return again
    }

    /// The warnings GDAL gave while opening the dataset (already shown to the user), e.g. a damaged
    /// TIFF's `TIFFFetchNormalTag:IO error during reading of "GDALMetadata"; tag ignored`.
    public private(set) var openWarnings: [String] = []

    /// Creates a new raster with `driver` (a GDAL short name such as `GTiff`).
    public static func create(
        _ path: String, driver: String = "GTiff", width: Int, height: Int, bands: Int,
        type: RasterDataType, options: CreationOptions = CreationOptions()
    ) throws -> Dataset {
        GDALEnvironment.initialize()
        guard let drv = GDALGetDriverByName(driver) else {
            throw GDALError("cannot create \(path)", messages: ["GDAL has no driver named \(driver)"])
        }
        // GDAL sizes are C ints: a larger raster is refused, not truncated (Int32(x) would trap).
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height), (1...65535).contains(bands) else {
            throw GDALError("cannot create \(path)", messages: ["a raster of \(width) x \(height) pixels and \(bands) bands is beyond GDAL's limits (1 to 2147483647 per side)"])
        }
        try options.validate(for: drv, driverName: driver)
        let h = try options.withCStringList { list in
            try GDALErrors.check("cannot create \(path)") {
                GDALCreate(drv, path, Int32(width), Int32(height), Int32(bands), type.gdal, list)
            }
        }
        return Dataset(handle: h, path: path)
    }

    /// Deletes a file GDAL wrote (including `/vsimem/` files), ignoring a missing one.
    public static func removeFile(_ path: String) {
        GDALEnvironment.initialize()
        _ = VSIUnlink(path)
    }

    /// Flushes and closes the dataset; throws when GDAL reports a failure
    /// (for example the disk filled up while the last blocks were written).
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        _ = try GDALErrors.check("cannot finish writing \(path)") { () -> Bool? in
            GDALClose(h)
            return true
        }
    }

    /// Closes a dataset whose file is being thrown away (a failed run's output or
    /// scratch), dropping GDAL's messages: on a full disk, closing it would otherwise
    /// warn about a sidecar of a file that is about to be deleted. No-op once closed.
    public func discard() {
        guard let h = handle else { return }
        handle = nil
        _ = GDALErrors.capture(echoWarnings: false) { GDALClose(h) }
    }

    var liveHandle: GDALDatasetH {
        guard let handle else { preconditionFailure("dataset \(path) used after close()") }
        return handle
    }

    /// Raster width in pixels.
    public var width: Int { Int(GDALGetRasterXSize(liveHandle)) }
    /// Raster height in pixels.
    public var height: Int { Int(GDALGetRasterYSize(liveHandle)) }
    /// Number of bands.
    public var bandCount: Int { Int(GDALGetRasterCount(liveHandle)) }
    /// Short name of the driver that opened the dataset, e.g. `GTiff`.
    public var driverName: String {
        guard let d = GDALGetDatasetDriver(liveHandle) else { return "unknown" }
        return String(cString: GDALGetDriverShortName(d))
    }

    /// Band `index` (1-based); throws when out of range.
    public func band(_ index: Int) throws -> RasterBand {
        guard index >= 1 && index <= bandCount else {
            throw GDALError("\(path): band \(index) does not exist (the raster has \(bandCount) band\(bandCount == 1 ? "" : "s"))")
        }
        return RasterBand(handle: GDALGetRasterBand(liveHandle, Int32(index)), dataset: self, index: index)
    }

    /// Reads `window` of every band into `buffer`, pixel-interleaved (row-major pixels, each pixel's samples in band
    /// order), as Float32 when `float` else as Int16.
    public func readInterleaved(_ window: Window, float: Bool, into buffer: UnsafeMutableRawBufferPointer) throws {
        let n = bandCount, size = float ? 4 : 2
        precondition(buffer.count >= window.pixelCount * n * size, "buffer smaller than the window's pixels")
        try GDALErrors.check("cannot read window \(window) of \(path)") {
            GDALDatasetRasterIO(liveHandle, GF_Read, Int32(window.column), Int32(window.row), Int32(window.width), Int32(window.height),
                                buffer.baseAddress, Int32(window.width), Int32(window.height), float ? GDT_Float32 : GDT_Int16,
                                Int32(n), nil, Int32(n * size), Int32(n * size * window.width), Int32(size))
        }
    }

    /// The affine geotransform, nil when the dataset has none.
    public var geoTransform: GeoTransform? {
        var c = [Double](repeating: 0, count: 6)
        let (err, _) = GDALErrors.capture { GDALGetGeoTransform(liveHandle, &c) }
        return err == CE_None ? GeoTransform(c) : nil
    }

    /// Sets the affine geotransform.
    public func setGeoTransform(_ t: GeoTransform) throws {
        var c = t.coefficients
        try GDALErrors.check("cannot set the geotransform of \(path)") { GDALSetGeoTransform(liveHandle, &c) }
    }

    /// The CRS as WKT, empty when the dataset has none.
    public var projectionWKT: String {
        String(cString: GDALGetProjectionRef(liveHandle))
    }

    /// The CRS, nil when the dataset has none.
    public var spatialReference: SpatialReference? { SpatialReference(wkt: projectionWKT) }

    /// Sets the CRS from WKT.
    public func setProjection(_ wkt: String) throws {
        try GDALErrors.check("cannot set the CRS of \(path)") { GDALSetProjection(liveHandle, wkt) }
    }

    /// The raster's grid: size, geotransform and CRS.
    public var grid: Grid {
        Grid(width: width, height: height, geoTransform: geoTransform, crsWKT: projectionWKT)
    }

    /// Copies the geotransform and CRS of `grid` onto this dataset.
    public func setGeoreferencing(from grid: Grid) throws {
        if let t = grid.geoTransform { try setGeoTransform(t) }
        if !grid.crsWKT.isEmpty { try setProjection(grid.crsWKT) }
    }

    /// Sets a dataset metadata item.
    public func setMetadataItem(_ key: String, _ value: String, domain: String? = nil) {
        _ = GDALErrors.capture { GDALSetMetadataItem(liveHandle, key, value, domain) }
    }

    /// A dataset metadata item, nil when absent.
    public func metadataItem(_ key: String, domain: String? = nil) -> String? {
        GDALGetMetadataItem(liveHandle, key, domain).map { String(cString: $0) }
    }
}
