import Foundation
import KubuqiGDAL
import KubuqiRaster

/// How an index is stored: `Float32` with NaN nodata, or `Int16` scaled by
/// 10000 with nodata -32768 (the MODIS/Trends.Earth convention, half the size).
public enum IndexEncoding: String, Sendable, CaseIterable {
    /// 32-bit float, nodata NaN.
    case float32 = "Float32"
    /// 16-bit integer, value x 10000, nodata -32768.
    case int16 = "Int16"
    /// 16-bit integer class codes stored as they are, nodata -32768.
    case classes = "Int16 classes"

    /// The GDAL data type written.
    public var dataType: RasterDataType { self == .float32 ? .float32 : .int16 }
    /// The nodata value written in the file.
    public var nodata: Double { self == .float32 ? .nan : -32768 }
    /// The Int16 encoding, nil for Float32.
    public var int16Encoding: ScaledInt16? {
        switch self {
        case .float32: return nil
        case .int16: return ScaledInt16()
        case .classes: return ScaledInt16(scale: 1)
        }
    }
}

/// Everything about an output raster but its pixels.
public struct RasterOutputSpec: Sendable {
    /// Final path.
    public var path: String
    /// Storage encoding.
    public var encoding: IndexEncoding
    /// User creation options, applied over ``defaultCreationOptions(for:)``.
    public var creationOptions: CreationOptions
    /// Band description.
    public var bandDescription: String
    /// Dataset metadata recorded in the file (index, formula, inputs...).
    public var metadata: [(String, String)]
    /// How the streamed pass stores the file (``writingCreationOptions``).
    public var storage: Storage
    /// The command's own layout over ``defaultCreationOptions(for:)`` and under the user's options
    /// (`stack`'s and `drought`'s band interleaving, `drought`'s tile side); kept when the file is staged.
    public var layout: CreationOptions

    /// How a written raster is stored while it is computed.
    public enum Storage: Sendable {
        /// With its published options (``effectiveCreationOptions``).
        case published
        /// Bound for ``CloudOptimizedOutput``: uncompressed while a COG is asked
        /// for (the COG copy encodes it once), else as published.
        case stagedForCOG
        /// An intermediate file never published: always uncompressed.
        case scratch
    }

    /// Creates an output spec.
    public init(path: String, encoding: IndexEncoding = .float32, creationOptions: CreationOptions = CreationOptions(),
                bandDescription: String = "", metadata: [(String, String)] = [], storage: Storage = .published,
                layout: CreationOptions = CreationOptions()) {
        self.path = path
        self.layout = layout
        self.encoding = encoding
        self.creationOptions = creationOptions
        self.bandDescription = bandDescription
        self.metadata = metadata
        self.storage = storage
    }

    /// Tiled 256x256 GeoTIFF, DEFLATE with the predictor that suits the type
    /// (3, floating point, for Float32; 2, horizontal differencing, for
    /// integers), compression on all cores, BigTIFF when needed.
    ///
    /// Index values (Float32 and scaled Int16) are compressed at DEFLATE
    /// level 1: their low-order bits are noise that no level compresses, and
    /// on a Sentinel-2 tile level 1 is 20 % faster than GDAL's default 6 for a
    /// file 0.04 % larger (Float32) or 2.7 % smaller (Int16); see
    /// docs/benchmarks.md. Class maps keep level 6 (long runs of one code).
    public static func defaultCreationOptions(for encoding: IndexEncoding) -> CreationOptions {
        var o = CreationOptions()
        o.set("TILED", "YES")
        o.set("BLOCKXSIZE", "256")
        o.set("BLOCKYSIZE", "256")
        o.set("COMPRESS", "DEFLATE")
        if encoding != .classes { o.set("ZLEVEL", "1") }
        o.set("PREDICTOR", encoding == .float32 ? "3" : "2")
        o.set("NUM_THREADS", "ALL_CPUS")
        o.set("BIGTIFF", "IF_SAFER")
        return o
    }

    /// Checks user creation options against GDAL's GeoTIFF driver before any
    /// work, for outputs of `encodings`: an output error naming `output` and
    /// the offending key.
    ///
    /// Beyond GDAL's list of keys and values, the options are tried on a
    /// small raster in memory (`/vsimem`) of each encoding, so values that
    /// only fail when a file is written (a block size that is not a multiple
    /// of 16, a predictor the type does not take) are caught too.
    public static func checkCreationOptions(_ options: CreationOptions, output: String,
                                            encodings: [IndexEncoding] = [.float32, .classes]) throws {
        _ = try CloudOptimizedOutput.isRequested(options)
        let gtiff = CloudOptimizedOutput.geoTIFFOptions(options)
        do {
            try gtiff.check(driver: "GTiff")
            for encoding in encodings {
                let trial = "/vsimem/kubuqi-creation-options-\(getpid())-\(encoding.dataType.rawValue).tif"
                defer { Dataset.removeFile(trial) }
                let spec = RasterOutputSpec(path: trial, encoding: encoding, creationOptions: gtiff)
                let ds = try Dataset.create(trial, width: 256, height: 256, bands: 1, type: encoding.dataType,
                                            options: spec.effectiveCreationOptions)
                let zeros = [Float](repeating: 0, count: 256 * 256)
                try zeros.withUnsafeBufferPointer { try ds.band(1).write(Window(column: 0, row: 0, width: 256, height: 256), from: $0) }
                try ds.close()
                try CloudOptimizedOutput.check(options, output: output, trial: trial, encoding: encoding)
            }
        } catch let e as GDALError {
            var text = e.messages.isEmpty ? e.context : e.messages.joined(separator: "; ")
            // libtiff names the trial file; the user knows the option.
            text = text.replacingOccurrences(of: #"/vsimem/kubuqi-creation-options-[^:]*: ?"#, with: "", options: .regularExpression)
            throw KubuqiError.output(output, "--co: " + text)
        }
    }

    /// The GeoTIFF options of the published raster: the user's (the `COG` switch of
    /// ``CloudOptimizedOutput`` removed) over the command's ``layout`` over the defaults.
    public var effectiveCreationOptions: CreationOptions {
        CloudOptimizedOutput.geoTIFFOptions(creationOptions).over(layout.over(Self.defaultCreationOptions(for: encoding)))
    }

    /// The GeoTIFF options for a file of `width` x `height` x `bands` at `path`: a staged raster whose
    /// uncompressed size does not fit in half the free space there keeps its published options
    /// (``CloudOptimizedOutput/stagingFits(bytes:at:)``).
    public func writingCreationOptions(width: Int, height: Int, bands: Int = 1, at path: String) -> CreationOptions {
        if storage == .stagedForCOG,
           !CloudOptimizedOutput.stagingFits(bytes: Double(width) * Double(height) * Double(bands) * Double(encoding.dataType.byteSize), at: path) {
            return effectiveCreationOptions
        }
        return writingCreationOptions
    }

    /// The GeoTIFF options the streamed pass creates the file with (``storage``).
    public var writingCreationOptions: CreationOptions {
        switch storage {
        case .published: return effectiveCreationOptions
        case .stagedForCOG: return CloudOptimizedOutput.stagingOptions(published: effectiveCreationOptions, userOptions: creationOptions)
        case .scratch: return CloudOptimizedOutput.uncompressed(like: effectiveCreationOptions)
        }
    }

    /// Creates the file at `path` (the spec's own path, or a temporary standing for it) on `grid` with
    /// `bands` bands, with the creation options its ``storage`` calls for: the one place every command's
    /// rasters get their options and staging decided (`index`, `change`, `ldn`, `warn` through
    /// ``StreamedCalculation``; `stack` and `drought` directly). Georeferenced; bands, nodata and
    /// metadata are the caller's.
    public func createDataset(at path: String, grid: Grid, bands: Int = 1) throws -> Dataset {
        let ds = try Dataset.create(path, width: grid.width, height: grid.height, bands: bands, type: encoding.dataType,
                                    options: writingCreationOptions(width: grid.width, height: grid.height, bands: bands, at: path))
        try ds.setGeoreferencing(from: grid)
        return ds
    }
}
