import KubuqiRaster

/// The window buffers of `drought`, allocated once for the run: every month of
/// the window's pixels, the SPI of each scale, the pixel areas, a year's
/// classes and the population, vulnerability and zone rows.
final class DroughtBuffers: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Float>
    let spiValues: UnsafeMutableBufferPointer<Float>
    let areas: UnsafeMutableBufferPointer<Double>
    let classes: UnsafeMutableBufferPointer<Int16>
    let layers: UnsafeMutableBufferPointer<Float>
    let months: Int

    init(capacity: Int, months: Int, scales: Int, layers count: Int) {
        self.months = months
        values = .allocate(capacity: capacity * months)
        spiValues = .allocate(capacity: capacity * months * scales)
        areas = .allocate(capacity: capacity)
        classes = .allocate(capacity: capacity)
        layers = .allocate(capacity: capacity * max(1, count))
    }

    /// The SPI rows of scale number `s` for a window of `n` pixels.
    func spi(_ s: Int, n: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: spiValues[(s * months * n)..<((s + 1) * months * n)])
    }

    /// Layer row `l` for a window of `n` pixels.
    func layer(_ l: Int, n: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: layers[(l * n)..<((l + 1) * n)])
    }

    func deallocate() {
        values.deallocate(); spiValues.deallocate(); areas.deallocate(); classes.deallocate(); layers.deallocate()
    }
}
