import Foundation
import KubuqiGDAL
import KubuqiRaster

/// One band fed to a kernel, with how its stored values become physical
/// ones: `value = stored * scale + offset` (e.g. Landsat C2 L2 surface
/// reflectance `DN * 0.0000275 - 0.2`). Stored values equal to `nodata`
/// become NaN before scaling, so kernels see NaN as the only nodata.
public struct PixelInput: @unchecked Sendable {
    /// The band read.
    public var band: RasterBand
    /// The stored nodata value, nil when none.
    public var nodata: Float?
    /// Multiplier applied to stored values.
    public var scale: Float
    /// Added after scaling.
    public var offset: Float
    /// Stored values at or above this are invalid (e.g. saturated), nil for none.
    public var validMaximum: Float?
    /// Values (after scaling) outside this range become nodata, nil for no range
    /// (e.g. a reflectance band's plausible range).
    public var validRange: ClosedRange<Float>?
    /// Counts the values outside a range (after scaling), for a message after the run.
    public var rangeCheck: RangeCheck?

    /// An input with the band's own nodata and optional scaling.
    public init(band: RasterBand, scale: Float = 1, offset: Float = 0, nodata: Float?? = nil, validMaximum: Float? = nil,
                validRange: ClosedRange<Float>? = nil, rangeCheck: RangeCheck? = nil) {
        self.band = band
        self.nodata = nodata ?? band.nodata.map(Float.init)
        self.scale = scale
        self.offset = offset
        self.validMaximum = validMaximum
        self.validRange = validRange
        self.rangeCheck = rangeCheck
    }

    /// An input scaled by the band's own declared scale and offset (an index
    /// stored as Int16 x 10000 with scale 0.0001 reads as the index).
    /// A declared scale or offset that cannot be right is an input error (``DeclaredScaling``).
    public static func declared(_ band: RasterBand) throws -> PixelInput {
        let s = try DeclaredScaling.of(band)
        return PixelInput(band: band, scale: Float(s?.scale ?? 1), offset: Float(s?.offset ?? 0))
    }

    /// Turns stored values into physical ones in place (nodata -> NaN), eight lanes at a time.
    func prepare(_ buffer: UnsafeMutableBufferPointer<Float>) {
        scaleAndMask(buffer)
        if validRange != nil || rangeCheck != nil { applyRange(buffer) }
    }

    /// Counts the values outside `rangeCheck`'s range and turns those outside `validRange` into NaN.
    private func applyRange(_ buffer: UnsafeMutableBufferPointer<Float>) {
        let valid = validRange ?? -Float.infinity...Float.infinity
        let counted = rangeCheck?.range ?? valid
        var total = 0, outside = 0
        for i in 0..<buffer.count {
            let v = buffer[i]
            guard !v.isNaN else { continue }
            total += 1
            if !counted.contains(v) { outside += 1 }
            if !valid.contains(v) { buffer[i] = .nan }
        }
        rangeCheck?.add(total: total, outside: outside)
    }

    private func scaleAndMask(_ buffer: UnsafeMutableBufferPointer<Float>) {
        let identity = scale == 1 && offset == 0
        guard nodata != nil || validMaximum != nil || !identity else { return }
        let nd = Lanes(repeating: nodata ?? .nan), top = Lanes(repeating: validMaximum ?? .infinity)
        let a = Lanes(repeating: scale), b = Lanes(repeating: offset), nan = Lanes(repeating: .nan)
        let n = buffer.count, base = UnsafeMutableRawPointer(buffer.baseAddress!)
        var i = 0
        while i + Lanes.scalarCount <= n {
            let p = base + i * MemoryLayout<Float>.stride
            let v = p.loadUnaligned(as: Lanes.self)
            var r = identity ? v : v * a + b
            r.replace(with: nan, where: (v .== nd) .| (v .>= top))
            p.storeBytes(of: r, as: Lanes.self)
            i += Lanes.scalarCount
        }
        let ndScalar = nodata ?? .nan, topScalar = validMaximum ?? .infinity
        while i < n {
            let v = buffer[i]
            buffer[i] = (v == ndScalar || v >= topScalar) ? .nan : (identity ? v : v * scale + offset)
            i += 1
        }
    }
}

/// Valid values seen and how many of them fall outside `range` (thread-safe; chunks add concurrently).
public final class RangeCheck: @unchecked Sendable {
    /// The range checked.
    public let range: ClosedRange<Float>
    private let lock = NSLock()
    private var counts = (total: 0, outside: 0)

    /// A check of `range`.
    public init(_ range: ClosedRange<Float>) { self.range = range }

    func add(total: Int, outside: Int) { lock.withLock { counts.total += total; counts.outside += outside } }

    /// Valid values seen, and those outside the range.
    public var result: (total: Int, outside: Int) { lock.withLock { counts } }

    /// The share outside (0 when nothing was seen).
    public var share: Double { let r = result; return r.total > 0 ? Double(r.outside) / Double(r.total) : 0 }
}

/// A quality band whose values exclude pixels: a Sentinel-2 scene
/// classification (SCL) class list or a Landsat QA_PIXEL bit mask.
public struct PixelMask: @unchecked Sendable {
    /// How a quality value excludes a pixel.
    public enum Rule: Sendable, Hashable {
        /// Excluded when the value is one of these classes.
        case classes(Set<Int>)
        /// Excluded when any of these bits is set.
        case bits(UInt32)
    }

    /// The quality band.
    public var band: RasterBand
    /// The exclusion rule.
    public var rule: Rule

    /// Creates a mask.
    public init(band: RasterBand, rule: Rule) {
        self.band = band
        self.rule = rule
    }

    /// A 256-entry (classes) or bit test per value; true means excluded.
    func excludes(_ value: Float) -> Bool {
        guard value.isFinite else { return true }
        switch rule {
        case .classes(let set): return set.contains(Int(saturating: value))
        case .bits(let bits): return UInt32(truncatingIfNeeded: Int(saturating: value)) & bits != 0
        }
    }
}
