import KubuqiGDAL
import KubuqiRaster

/// Everything `change` needs, parsed once.
public struct ChangeOptions: Sendable {
    /// The change method.
    public enum Method: String, Sendable, CaseIterable {
        /// Difference of one index (after - before).
        case diff
        /// Change vector analysis over two indices.
        case cva
    }

    /// A minimum mapping unit.
    public enum MinimumMappingUnit: Sendable, Hashable, CustomStringConvertible {
        /// In pixels.
        case pixels(Int)
        /// In hectares (converted with the grid's pixel area).
        case hectares(Double)

        /// Parses `12` (pixels) or `0.5ha`.
        public init?(parsing text: String) {
            let t = text.lowercased()
            if t.hasSuffix("ha"), let v = Double(t.dropLast(2)), v.isFinite, v >= 0 { self = .hectares(v) }
            else if t.hasSuffix("px"), let v = Int(t.dropLast(2)), v >= 0 { self = .pixels(v) }
            else if let v = Int(t), v >= 0 { self = .pixels(v) }
            else { return nil }
        }

        /// `12px` or `0.5ha`.
        public var description: String {
            switch self {
            case .pixels(let n): return "\(n)px"
            case .hectares(let h): return "\(h)ha"
            }
        }
    }

    /// The earlier date: an index raster `FILE[:BAND]`, or a scene with ``sensor``.
    public var before: String
    /// The later date.
    public var after: String
    /// When set, `before` and `after` are scenes of this sensor.
    public var sensor: SensorPreset?
    /// The method.
    public var method: Method
    /// The indices: one for diff (default NDVI), two for CVA (default NDVI and BSI).
    public var indices: [String]
    /// How thresholds are chosen.
    public var threshold: ThresholdMethod
    /// Patches smaller than this are removed from the class map (8-connected).
    public var mmu: MinimumMappingUnit?
    /// Resample `after` onto `before`'s grid when they differ.
    public var align: Bool
    /// A zone raster (class codes) or vector file.
    public var zones: String?
    /// For vector zones: the field naming each zone.
    public var zoneField: String?
    /// Scale of the index rasters' stored values (index = stored x scale + offset), over
    /// their declared scale; nil to use the declared one (or 1). Not for scenes.
    public var scale: Float?
    /// Offset of the index rasters' stored values, over their declared offset; nil: declared (or 0).
    public var offset: Float?
    /// Quality masks (`--mask`): none, one for both dates, or one per date (before, after).
    /// Over the scenes' own masks with --sensor.
    public var masks: [MaskOption]
    /// The output folder.
    public var outputFolder: String
    /// GDAL creation options over the defaults.
    public var creationOptions: CreationOptions
    /// No progress bar.
    public var quiet: Bool
    /// The title block of change-stats.json and the quicklook (area, producer, date, sources).
    public var titleBlock = ReportTitleSettings()
    /// Whether the degradation and improvement patches are written as polygons
    /// (`change-patches.gpkg`, the default); `--no-patches` leaves them out (a noisy map
    /// of a large scene can hold half a million one-pixel patches; docs/benchmarks.md).
    public var patches = true

    /// Creates options with the documented defaults.
    public init(before: String, after: String, outputFolder: String, sensor: SensorPreset? = nil, method: Method = .diff,
                indices: [String]? = nil, threshold: ThresholdMethod = .sigma(1), mmu: MinimumMappingUnit? = nil,
                align: Bool = false, zones: String? = nil, zoneField: String? = nil, scale: Float? = nil, offset: Float? = nil, masks: [MaskOption] = [],
                creationOptions: CreationOptions = CreationOptions(), quiet: Bool = false) {
        self.before = before
        self.after = after
        self.outputFolder = outputFolder
        self.sensor = sensor
        self.method = method
        self.indices = indices ?? (method == .diff ? ["ndvi"] : ["ndvi", "bsi"])
        self.threshold = threshold
        self.mmu = mmu
        self.align = align
        self.zones = zones
        self.zoneField = zoneField
        self.scale = scale
        self.masks = masks
        self.offset = offset
        self.creationOptions = creationOptions
        self.quiet = quiet
    }
}
