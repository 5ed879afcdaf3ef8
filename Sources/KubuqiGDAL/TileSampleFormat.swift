/// The pixels of a COG's tiles as ``DeflateTileEncoder`` encodes them and ``CloudOptimizedTileWriter`` declares them:
/// the sample type, the samples per pixel (bands, pixel-interleaved: `PlanarConfiguration=1`) and the predictor
/// that goes with the type (docs/publishing.md, "COG from the workers' tiles"): 16-bit signed integers with the
/// horizontal differencing predictor (TIFF `Predictor=2`), 32-bit IEEE floats with the floating-point predictor
/// (`Predictor=3`), as GDAL's `PREDICTOR=2` and `PREDICTOR=3` write them.
public struct TileSampleFormat: Sendable, Equatable {
    /// A sample type.
    public enum SampleType: Sendable, Equatable {
        /// Int16, predictor 2.
        case int16
        /// Float32, predictor 3.
        case float32
    }

    /// The sample type.
    public let type: SampleType
    /// Samples per pixel (the bands, interleaved by pixel).
    public let samplesPerPixel: Int

    /// A format of `samplesPerPixel` samples of `type` a pixel.
    public init(_ type: SampleType, samplesPerPixel: Int = 1) {
        precondition(samplesPerPixel >= 1, "a pixel has at least one sample")
        self.type = type
        self.samplesPerPixel = samplesPerPixel
    }

    /// One Int16 band: the class layers' format.
    public static let int16 = TileSampleFormat(.int16)

    /// Bytes of one sample.
    public var bytesPerSample: Int { type == .int16 ? 2 : 4 }
    /// Bytes of one pixel (all its samples).
    public var bytesPerPixel: Int { bytesPerSample * samplesPerPixel }
    /// The TIFF predictor: 2 (horizontal differencing) for Int16, 3 (floating point) for Float32.
    public var predictor: Int { type == .int16 ? 2 : 3 }
}
