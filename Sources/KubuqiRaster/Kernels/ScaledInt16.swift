/// Stores an index as `Int16` scaled by a factor (NDVI x 10000 is the
/// convention of MODIS MOD13, USGS ESPA and Trends.Earth).
///
/// Values are rounded half away from zero, clamped to `-32767...32767`, and
/// NaN becomes ``nodata``.
public struct ScaledInt16: Sendable, Hashable {
    /// The factor applied before rounding.
    public var scale: Float
    /// The value written for nodata pixels.
    public var nodata: Int16

    /// Creates an encoding with a scale (10000 by default) and nodata (-32768 by default).
    public init(scale: Float = 10_000, nodata: Int16 = -32768) {
        self.scale = scale
        self.nodata = nodata
    }

    /// Encodes `input` into `output`, which must be at least as long.
    public func encode(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int16>) {
        precondition(output.count >= input.count, "output buffer too short")
        let lo: Float = -32767, hi: Float = 32767
        for i in 0..<input.count {
            let v = input[i]
            if v.isNaN {
                output[i] = nodata
            } else {
                // Rounding half away from zero and clamping to integer bounds commute, so clamp first; then, within
                // ±32767, the truncation t and the fraction c − t are exact and round without libm's `roundf`
                // (a call per pixel of every written layer).
                let c = min(max(v * scale, lo), hi)
                let t = Int32(c), f = c - Float(t)
                // Added as 0/1 terms, not chosen by a branch: an index's fractions are random (a branch on them would
                // be mispredicted half the time).
                let up: Int32 = f >= 0.5 ? 1 : 0, down: Int32 = f <= -0.5 ? 1 : 0
                output[i] = Int16(truncatingIfNeeded: t &+ up &- down)
            }
        }
    }

    /// Decodes `Int16` values back to the index (nodata becomes NaN).
    public func decode(_ value: Int16) -> Float {
        value == nodata ? .nan : Float(value) / scale
    }
}
