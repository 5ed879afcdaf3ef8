import KubuqiGDAL
import KubuqiRaster

/// Everything `index` needs, parsed once from the command line (or built by
/// a caller of the library).
public struct IndexOptions: Sendable {
    /// The index to compute.
    public var index: SpectralIndex
    /// The band for each role the index needs.
    public var bands: [BandRole: BandSelection]
    /// The output raster.
    public var output: RasterOutputSpec
    /// No progress bar.
    public var quiet: Bool

    /// Creates options; the output's description and metadata are filled in by ``IndexJob``.
    public init(index: SpectralIndex, bands: [BandRole: BandSelection], output: RasterOutputSpec, quiet: Bool = false) {
        self.index = index
        self.bands = bands
        self.output = output
        self.quiet = quiet
    }
}
