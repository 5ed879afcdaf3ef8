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
    /// Whether the streamed pass also compresses the published tiles as it writes the staged raster, for its COG
    /// copy to lay them out (``TileSpools``; class rasters staged for a COG, when their options allow).
    public var compressesTiles = false
    /// A run's ``StagingLedger`` decision for this raster staged for a COG: true keeps its uncompressed staging options,
    /// false stages it with its published options; nil lets ``createDataset(at:grid:bands:)`` ask the open
    /// ``RunStagingLedger`` covering the file (or, with none, weighs the file alone against the free space when it is created).
    public var stagingDecided: Bool?

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

    /// The DEFLATE level of class maps (Int16 codes with a class table): 4, not GDAL's default 6.
    /// On the real land-cover maps of `../shared/data/real` (NLCD 2011 in its 16 codes and in 8
    /// classes, ESA CCI, five CGLS LC100 years) libdeflate's level 4 writes 6.9 % more bytes than
    /// level 6 in total (at most 8.8 % on one map) for 53-63 % less encoding CPU; level 1 would be
    /// 18.5 % more bytes (docs/benchmarks.md, "Class layers' DEFLATE level 4"). `--co ZLEVEL=6`
    /// restores GDAL's default.
    public static let classDeflateLevel = "4"

    /// Tiled 256x256 GeoTIFF, DEFLATE with the predictor that suits the type
    /// (3, floating point, for Float32; 2, horizontal differencing, for
    /// integers), compression on all cores, BigTIFF when needed.
    ///
    /// Index values (Float32 and scaled Int16) are compressed at DEFLATE
    /// level 1: their low-order bits are noise that no level compresses, and
    /// on a Sentinel-2 tile level 1 is 20 % faster than GDAL's default 6 for a
    /// file 0.04 % larger (Float32) or 2.7 % smaller (Int16); see
    /// docs/benchmarks.md. Class maps are compressed at level ``classDeflateLevel``.
    public static func defaultCreationOptions(for encoding: IndexEncoding) -> CreationOptions {
        var o = CreationOptions()
        o.set("TILED", "YES")
        o.set("BLOCKXSIZE", "256")
        o.set("BLOCKYSIZE", "256")
        o.set("COMPRESS", "DEFLATE")
        o.set("ZLEVEL", encoding == .classes ? classDeflateLevel : "1")
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
    /// (``CloudOptimizedOutput/stagingFits(bytes:at:)``). The size counts whole tiles, as they are written: a
    /// thin grid's tiles are mostly padding (1000 x 1 pixels in 256 x 256 tiles: 256 times the pixels). A run that stages
    /// several rasters weighs them together first (``StagingLedger``, ``stagingDecided``).
    public func writingCreationOptions(width: Int, height: Int, bands: Int = 1, at path: String) -> CreationOptions {
        let staged = writingCreationOptions
        if storage == .stagedForCOG, let stagingDecided { return stagingDecided ? staged : effectiveCreationOptions }
        if storage == .stagedForCOG,
           !CloudOptimizedOutput.stagingFits(bytes: Self.stagedBytes(width: width, height: height, bands: bands,
                                                                     sampleBytes: encoding.dataType.byteSize, options: staged), at: path) {
            return effectiveCreationOptions
        }
        return staged
    }

    /// The bytes of an uncompressed tiled GeoTIFF of `width` x `height` x `bands` samples of `sampleBytes` written with
    /// `options`: whole tiles of `BLOCKXSIZE` x `BLOCKYSIZE` (256 when not given), padding included.
    static func stagedBytes(width: Int, height: Int, bands: Int, sampleBytes: Int, options: CreationOptions) -> Double {
        func padded(_ n: Int, _ key: String) -> Double {
            let block = max(1, Int(options.value(key) ?? "256") ?? 256)
            return Double((n + block - 1) / block) * Double(block)
        }
        return padded(width, "BLOCKXSIZE") * padded(height, "BLOCKYSIZE") * Double(bands) * Double(sampleBytes)
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
    ///
    /// A raster whose tile index would not fit ``maximumTileIndexBytes`` is refused first (an output error
    /// naming ``path``): libtiff holds the offset and size of every tile (16 bytes each) in memory while
    /// the file is written, so a huge declared grid (times its bands) would otherwise take gigabytes
    /// before the first pixel (docs/robustness.md, "Huge declared grids").
    public func createDataset(at path: String, grid: Grid, bands: Int = 1) throws -> Dataset {
        let options = try weighed(at: path, grid: grid, bands: bands).writingCreationOptions(width: grid.width, height: grid.height, bands: bands, at: path)
        try Self.refuseHugeTileIndex(options, grid: grid, bands: bands, output: self.path)
        let ds = try Dataset.create(path, width: grid.width, height: grid.height, bands: bands, type: encoding.dataType, options: options)
        try ds.setGeoreferencing(from: grid)
        return ds
    }

    /// This spec with its staging decided by the open run ledger covering `path` (``RunStagingLedger``), when it is staged
    /// for a COG (or a scratch raster, uncompressed whatever is decided) and not decided yet: the file weighed with every
    /// raster the run staged before it. Unchanged otherwise
    /// (no ledger covers `path`: the file is weighed alone, ``writingCreationOptions(width:height:bands:at:)``).
    public func weighed(at path: String, grid: Grid, bands: Int = 1) throws -> RasterOutputSpec {
        guard storage != .published, stagingDecided == nil, let run = RunStagingLedger.covering(path) else { return self }
        var decided = self
        decided.stagingDecided = try run.plan([StagingLedger.Entry(name: (self.path as NSString).lastPathComponent, spec: self,
                                                                   width: grid.width, height: grid.height, bands: bands)])[0]
        return decided
    }

    /// The most memory a file's tile index may take while it is written: 64 MiB, 4,194,304 tiles (a single
    /// band of 524,288 x 524,288 pixels in 256 x 256 tiles; 80 years of monthly bands on 11,000 x 11,000).
    public static let maximumTileIndexBytes = 64 << 20

    /// The tiles (or strips) of a `grid` x `bands` GeoTIFF created with `options`: per band when
    /// band-interleaved (the default of several bands in GDAL), else once.
    static func tileCount(_ options: CreationOptions, grid: Grid, bands: Int) -> Double {
        let tiled = (options.value("TILED") ?? "NO").uppercased() == "YES"
        let bx = tiled ? max(1, Int(options.value("BLOCKXSIZE") ?? "256") ?? 256) : grid.width
        let by = tiled ? max(1, Int(options.value("BLOCKYSIZE") ?? "256") ?? 256) : 1
        let separate = bands > 1 && (options.value("INTERLEAVE") ?? "PIXEL").uppercased() == "BAND"
        let across = (Double(grid.width) / Double(bx)).rounded(.up), down = (Double(grid.height) / Double(by)).rounded(.up)
        return across * down * Double(separate ? bands : 1)
    }

    /// An output error when the tile index of the file would exceed ``maximumTileIndexBytes``.
    static func refuseHugeTileIndex(_ options: CreationOptions, grid: Grid, bands: Int, output: String) throws {
        let tiles = tileCount(options, grid: grid, bands: bands)
        let bytes = tiles * 16
        guard bytes > Double(maximumTileIndexBytes) else { return }
        let block = (options.value("TILED") ?? "NO").uppercased() == "YES"
            ? "tiles of \(options.value("BLOCKXSIZE") ?? "256") x \(options.value("BLOCKYSIZE") ?? "256")" : "strips"
        throw KubuqiError.output(output, "\(grid.width) x \(grid.height) pixels x \(bands) band\(bands == 1 ? "" : "s") would be "
            + "\(String(format: "%.0f", tiles)) \(block), whose index alone takes \(String(format: "%.0f", bytes / 1_048_576)) MiB of memory while the file is written "
            + "(at most \(maximumTileIndexBytes >> 20) MiB); split the region (tiles plan) or give larger blocks (--co BLOCKXSIZE=1024 --co BLOCKYSIZE=1024)")
    }
}
