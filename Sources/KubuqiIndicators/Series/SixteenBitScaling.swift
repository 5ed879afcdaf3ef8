/// How a band's stored 16-bit integers (Int16 or UInt16; most NDVI/EVI collections store x 10000) become
/// physical values: `v * scale + offset`, NaN for the nodata value, for values at or above the valid
/// maximum and for non-finite results. The one implementation of that conversion, shared by `stack`'s
/// 16-bit reads (a window's rows turned into Float rows) and ``SeriesAccumulators``'s 16-bit
/// accumulation (a block of a row turned into Float values in the L1 cache and added at once).
///
/// Every stored value converts to Float exactly and the arithmetic is the float path's (a Float
/// multiply, then a Float add, then the masks), eight lanes at a time or one by one: the same bits.
public struct SixteenBitScaling: Sendable, Equatable {
    /// UInt16 storage (else Int16).
    public var unsigned: Bool
    /// Physical value = stored x scale + offset.
    public var scale: Float, offset: Float
    /// The stored nodata value, nil: none.
    public var nodata: Float?
    /// Stored values at or above this are nodata, nil: none.
    public var validMaximum: Float?

    /// A conversion of `unsigned` (else signed) 16-bit values.
    public init(unsigned: Bool, scale: Float, offset: Float, nodata: Float?, validMaximum: Float?) {
        self.unsigned = unsigned
        self.scale = scale
        self.offset = offset
        self.nodata = nodata
        self.validMaximum = validMaximum
    }

    /// Whether every stored value that is not nodata converts to a finite value that is kept: no valid
    /// maximum, and `|v| * |scale| + |offset|` finite for every 16-bit `v` (with margin). Then the
    /// conversion needs only the nodata test, and gives the same bits as the full set of masks
    /// (`v >= +inf` and "not finite" never hold; `v * 1 + 0` is `v` for these integers).
    public var alwaysFinite: Bool {
        guard validMaximum == nil, scale.isFinite, offset.isFinite else { return false }
        return 65_536 * Double(abs(scale)) + Double(abs(offset)) < Double(Float.greatestFiniteMagnitude) / 2
    }

    /// Converts the `n` stored values at `stored` into Float values at `out`, eight lanes at a time, front
    /// to back; `out` may overlap `stored` from below as long as a converted lane group (32 bytes at offset
    /// 4i of `out`) never reaches the values not yet read (stored at `out` + 2n: `stack`'s in-place rows).
    @inline(__always)
    public func convert(_ stored: UnsafeRawPointer, into out: UnsafeMutableRawPointer, count n: Int) {
        if unsigned {
            convert(UInt16.self, stored, into: out, count: n)
        } else {
            convert(Int16.self, stored, into: out, count: n)
        }
    }

    /// The physical value of the stored value at index `i` of `stored` (the scalar form of ``convert(_:into:count:)``).
    @inline(__always)
    public func value(_ stored: UnsafeRawPointer, at i: Int) -> Float {
        let v = unsigned ? Float(stored.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            : Float(stored.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
        return Self.scalar(v, identity: scale == 1 && offset == 0, scale: scale, offset: offset,
                           nodata: nodata ?? .nan, top: validMaximum ?? .infinity)
    }

    @inline(__always)
    private static func scalar(_ v: Float, identity: Bool, scale: Float, offset: Float, nodata: Float, top: Float) -> Float {
        let r = (v == nodata || v >= top) ? Float.nan : (identity ? v : v * scale + offset)
        return r.isFinite ? r : .nan
    }

    @inline(__always)
    private func convert<T: FixedWidthInteger & SIMDScalar>(_: T.Type, _ stored: UnsafeRawPointer, into base: UnsafeMutableRawPointer,
                                                              count n: Int) {
        typealias Lanes = SIMD8<Float>
        let alwaysFinite = alwaysFinite
        let identity = scale == 1 && offset == 0
        let ndScalar = nodata ?? .nan, topScalar = validMaximum ?? .infinity
        let nd = Lanes(repeating: ndScalar), top = Lanes(repeating: topScalar)
        let a = Lanes(repeating: scale), b = Lanes(repeating: offset)
        let nan = Lanes(repeating: .nan), low = Lanes(repeating: -.infinity), high = Lanes(repeating: .infinity)
        var i = 0
        if alwaysFinite {
            // No valid maximum and no result can overflow: the masks reduce to the nodata test (same bits).
            while i + Lanes.scalarCount <= n {
                let v = Lanes((stored + i * MemoryLayout<T>.stride).loadUnaligned(as: SIMD8<T>.self))
                var r = v * a + b
                r.replace(with: nan, where: v .== nd)
                (base + i * MemoryLayout<Float>.stride).storeBytes(of: r, as: Lanes.self)
                i += Lanes.scalarCount
            }
        }
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
            let r = Self.scalar(v, identity: identity, scale: scale, offset: offset, nodata: ndScalar, top: topScalar)
            (base + i * MemoryLayout<Float>.stride).storeBytes(of: r, as: Float.self)
            i += 1
        }
    }
}
