import KubuqiGDAL
import KubuqiRaster

/// Int16 and UInt16 bands (most NDVI/EVI collections: x 10000) read in their own type and turned into
/// physical values in one pass of ours: GDAL's Int16 -> Float32 conversion followed by the scaling,
/// nodata and non-finite passes over each value were about 1.5 CPU-s of a 230-date run
/// (docs/benchmarks.md, "Stack (issue 16)"). Every stored value converts to Float exactly and the
/// arithmetic is the float path's (`v * scale + offset`, then the same masks), so the values are identical.
extension StackReader {
    /// Whether a plain band's window can take the 16-bit path: nil when not, else whether it is unsigned.
    /// (Inputs with a valid range or a range check keep the float path, which counts and masks after scaling.)
    static func sixteenBit(_ input: PixelInput) -> Bool? {
        guard input.validRange == nil, input.rangeCheck == nil else { return nil }
        switch input.band.dataType {
        case .int16: return false
        case .uint16: return true
        default: return nil
        }
    }

    /// Reads window `w` of `input` as 16-bit integers into the upper half of `row`'s bytes, then converts,
    /// scales and masks them into `row` (nodata, values at or above the valid maximum and non-finite
    /// results -> NaN), eight lanes at a time, front to back: a converted lane group (32 bytes at
    /// offset 4i) never reaches the integers not yet read (offset 2n + 2i + 16 onwards) while i + 8 <= n.
    static func read16(_ input: PixelInput, unsigned: Bool, _ w: Window, into row: UnsafeMutableBufferPointer<Float>) throws {
        let n = w.pixelCount
        guard n > 0 else { return }
        let base = UnsafeMutableRawPointer(row.baseAddress!)
        let stored = base + 2 * n
        try input.band.read16(w, into: UnsafeMutableRawBufferPointer(start: stored, count: 2 * n), unsigned: unsigned)
        if unsigned {
            convert(UInt16.self, stored, into: base, count: n, input)
        } else {
            convert(Int16.self, stored, into: base, count: n, input)
        }
    }

    @inline(__always)
    private static func convert<T: FixedWidthInteger & SIMDScalar>(_: T.Type, _ stored: UnsafeRawPointer, into base: UnsafeMutableRawPointer,
                                                                     count n: Int, _ input: PixelInput) {
        let identity = input.scale == 1 && input.offset == 0
        let ndScalar = input.nodata ?? .nan, topScalar = input.validMaximum ?? .infinity
        let nd = Lanes(repeating: ndScalar), top = Lanes(repeating: topScalar)
        let a = Lanes(repeating: input.scale), b = Lanes(repeating: input.offset)
        let nan = Lanes(repeating: .nan), low = Lanes(repeating: -.infinity), high = Lanes(repeating: .infinity)
        var i = 0
        while i + Lanes.scalarCount <= n {
            let raw = (stored + i * MemoryLayout<T>.stride).loadUnaligned(as: SIMD8<T>.self)
            let v = Lanes(raw)
            var r = identity ? v : v * a + b
            r.replace(with: nan, where: (v .== nd) .| (v .>= top) .| .!((r .> low) .& (r .< high)))
            (base + i * MemoryLayout<Float>.stride).storeBytes(of: r, as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < n {
            let v = Float((stored + i * MemoryLayout<T>.stride).loadUnaligned(as: T.self))
            let r = (v == ndScalar || v >= topScalar) ? Float.nan : (identity ? v : v * input.scale + input.offset)
            (base + i * MemoryLayout<Float>.stride).storeBytes(of: r.isFinite ? r : .nan, as: Float.self)
            i += 1
        }
    }
}
