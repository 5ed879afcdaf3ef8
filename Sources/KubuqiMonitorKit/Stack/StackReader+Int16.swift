import KubuqiGDAL
import KubuqiIndicators
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

    /// The conversion of a plain 16-bit band's stored values (nil when the reader is a scene, a mosaic or
    /// not a 16-bit band that can take the 16-bit path): `stack`'s accumulating reducers then read the
    /// stored rows and convert them block by block as they add them (``SeriesAccumulators``).
    var sixteenBitScaling: SixteenBitScaling? {
        guard parts.isEmpty, kernel == nil, mask == nil, inputs.count == 1, let unsigned = Self.sixteenBit(inputs[0]) else { return nil }
        return Self.scaling(inputs[0], unsigned: unsigned)
    }

    /// The conversion of `input`'s stored values.
    static func scaling(_ input: PixelInput, unsigned: Bool) -> SixteenBitScaling {
        SixteenBitScaling(unsigned: unsigned, scale: input.scale, offset: input.offset, nodata: input.nodata, validMaximum: input.validMaximum)
    }

    /// Reads window `w` of a plain 16-bit band (``sixteenBitScaling`` not nil) in its stored type into `raw`
    /// (at least `2 * w.pixelCount` bytes), unconverted.
    func readStored(_ w: Window, into raw: UnsafeMutableRawBufferPointer) throws {
        try Self.readStored(inputs[0], direct: direct, w, into: raw)
    }

    /// Window `w` of `input`'s band in its stored 16-bit type into `raw`: decoded by `direct` when it takes the
    /// window, else by GDAL (the same values).
    static func readStored(_ input: PixelInput, direct: DirectTileReader?, _ w: Window, into raw: UnsafeMutableRawBufferPointer) throws {
        if let direct, try direct.read(w, into: raw) { return }
        try input.band.read16(w, into: raw, unsigned: input.band.dataType == .uint16)
    }

    /// Reads window `w` of `input` as 16-bit integers into the upper half of `row`'s bytes, then converts,
    /// scales and masks them into `row` (nodata, values at or above the valid maximum and non-finite
    /// results -> NaN; ``SixteenBitScaling``), eight lanes at a time, front to back: a converted lane group
    /// (32 bytes at offset 4i) never reaches the integers not yet read (offset 2n + 2i + 16 onwards) while i + 8 <= n.
    static func read16(_ input: PixelInput, unsigned: Bool, direct: DirectTileReader? = nil, _ w: Window,
                       into row: UnsafeMutableBufferPointer<Float>) throws {
        let n = w.pixelCount
        guard n > 0 else { return }
        let base = UnsafeMutableRawPointer(row.baseAddress!)
        let stored = base + 2 * n
        try readStored(input, direct: direct, w, into: UnsafeMutableRawBufferPointer(start: stored, count: 2 * n))
        scaling(input, unsigned: unsigned).convert(stored, into: base, count: n)
    }
}
