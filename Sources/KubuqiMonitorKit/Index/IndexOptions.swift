import KubuqiGDAL
import KubuqiRaster

/// Everything `index` needs, parsed once from the command line (or built by
/// a caller of the library).
public struct IndexOptions: Sendable {
    /// The indices to compute in one pass (names from ``SpectralIndex/catalogue``).
    public var indices: [String]
    /// A scene folder or file and its sensor preset, nil when bands are given one by one.
    public var scene: (path: String, sensor: SensorPreset)?
    /// Options of the sensor preset.
    public var sensorOptions: SensorPreset.Options
    /// Bands given by role (`--red FILE[:BAND]`...), over the scene's.
    public var bands: [BandRole: BandSelection]
    /// Scale applied to the bands given by role (reflectance = DN x scale + offset).
    public var scale: Float
    /// Offset applied to the bands given by role.
    public var offset: Float
    /// Keep pixels the scene's quality mask would exclude.
    public var noMask: Bool
    /// A quality band and rule (`--mask FILE[:BAND] --mask-rule NAME`), over the scene's own mask.
    public var mask: MaskOption?
    /// The output grid's pixel size in CRS units; nil for the finest of the bands used.
    public var resolution: Double?
    /// How bands on another grid of the same scene are resampled; nil for bilinear
    /// when refining and average when coarsening.
    public var resampling: Resampling?
    /// SAVI's soil adjustment factor L.
    public var saviL: Float
    /// FVC and DDI parameters (derived from the scene when nil).
    public var sceneDependent: SceneDependentOptions
    /// The output file (one index) or folder (several: `NAME.tif` in it).
    public var output: String
    /// Output encoding.
    public var encoding: IndexEncoding
    /// GDAL creation options over the defaults.
    public var creationOptions: CreationOptions
    /// No progress bar.
    public var quiet: Bool

    /// Creates options with defaults for everything but the indices, bands and output.
    public init(indices: [String], bands: [BandRole: BandSelection] = [:], output: String,
                scene: (path: String, sensor: SensorPreset)? = nil, sensorOptions: SensorPreset.Options = .init(),
                scale: Float = 1, offset: Float = 0, noMask: Bool = false, mask: MaskOption? = nil, resolution: Double? = nil,
                resampling: Resampling? = nil, saviL: Float = 0.5, sceneDependent: SceneDependentOptions = .init(), encoding: IndexEncoding = .float32,
                creationOptions: CreationOptions = CreationOptions(), quiet: Bool = false) {
        self.indices = indices
        self.bands = bands
        self.output = output
        self.scene = scene
        self.sensorOptions = sensorOptions
        self.scale = scale
        self.offset = offset
        self.noMask = noMask
        self.mask = mask
        self.resolution = resolution
        self.resampling = resampling
        self.saviL = saviL
        self.sceneDependent = sceneDependent
        self.encoding = encoding
        self.creationOptions = creationOptions
        self.quiet = quiet
    }
}
