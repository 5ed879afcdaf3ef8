import KubuqiGDAL
import KubuqiRaster

/// A band of a scene with its radiometric scaling to surface reflectance.
public struct SceneBand: Sendable, Hashable {
    /// The file and band number.
    public var selection: BandSelection
    /// Multiplier from stored values to reflectance.
    public var scale: Float
    /// Added after the multiplier.
    public var offset: Float
    /// Stored nodata; nil to use the file's own.
    public var nodata: Float?
    /// Stored values at or above this are invalid (saturation), nil for none.
    public var validMaximum: Float?
    /// The plausible surface reflectance after scaling (``ReflectanceRange``); values
    /// outside are nodata. Nil for values used as given (bands without a scale).
    public var plausible: ClosedRange<Float>?

    /// Creates a scene band.
    public init(_ selection: BandSelection, scale: Float = 1, offset: Float = 0, nodata: Float? = nil, validMaximum: Float? = nil,
                plausible: ClosedRange<Float>? = nil) {
        self.selection = selection
        self.scale = scale
        self.offset = offset
        self.nodata = nodata
        self.validMaximum = validMaximum
        self.plausible = plausible
    }
}

/// A quality band and the rule that excludes pixels by its values.
public struct SceneMask: Sendable, Hashable {
    /// The quality band.
    public var selection: BandSelection
    /// What excludes a pixel.
    public var rule: PixelMask.Rule
    /// In words, for metadata and messages, e.g. `SCL classes 0,1,3,8,9,10,11`.
    public var summary: String
}

/// A satellite scene resolved to band files by role, with scaling and a cloud mask.
public struct Scene: Sendable {
    /// Sensor and product, e.g. `Landsat 8 OLI C2 L2`.
    public var sensor: String
    /// The folder or file the scene was read from.
    public var source: String
    /// Band files by role.
    public var bands: [BandRole: SceneBand]
    /// Files looked for per role, for the error when a role is missing.
    public var lookedFor: [BandRole: String]
    /// The quality mask, nil when none applies.
    public var mask: SceneMask?
    /// The albedo coefficient family of the sensor.
    public var albedoSensor: String
    /// Facts read from metadata (acquisition date, processing baseline...).
    public var facts: [String: String]

    /// Creates a scene.
    public init(sensor: String, source: String, bands: [BandRole: SceneBand], lookedFor: [BandRole: String] = [:],
                mask: SceneMask? = nil, albedoSensor: String = "landsat", facts: [String: String] = [:]) {
        self.sensor = sensor
        self.source = source
        self.bands = bands
        self.lookedFor = lookedFor
        self.mask = mask
        self.albedoSensor = albedoSensor
        self.facts = facts
    }

    /// The band of `role`, or an input error naming the role and the files looked for.
    public func band(_ role: BandRole, for index: String) throws -> SceneBand {
        if let b = bands[role] { return b }
        let looked = lookedFor[role].map { " (looked for \($0))" } ?? ""
        throw KubuqiError.input(source, "\(index) needs the \(role) band, which this \(sensor) scene lacks\(looked)")
    }
}
