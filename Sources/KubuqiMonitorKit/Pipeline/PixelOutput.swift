import KubuqiRaster

/// One result of a streamed calculation: a kernel over some of the inputs,
/// written to a raster.
public struct PixelOutput: Sendable {
    /// The kernel (NaN for nodata in its result).
    public var kernel: SpectralIndex.Kernel
    /// Which of the calculation's inputs the kernel takes, in kernel order.
    public var inputs: [Int]
    /// Where and how the result is written; nil computes without writing
    /// (statistics passes).
    public var spec: RasterOutputSpec?

    /// Creates an output.
    public init(kernel: @escaping SpectralIndex.Kernel, inputs: [Int], spec: RasterOutputSpec?) {
        self.kernel = kernel
        self.inputs = inputs
        self.spec = spec
    }
}
