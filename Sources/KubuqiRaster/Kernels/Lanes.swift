/// The SIMD vector every kernel works in: eight `Float` lanes.
public typealias Lanes = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// Lanes holding a finite value (neither NaN nor an infinity).
    ///
    /// `x - x` is 0 for every finite `x` and NaN for NaN and the infinities.
    @inlinable @inline(__always)
    public var finiteMask: SIMDMask<SIMD8<Int32>> { (self - self) .== Self.zero }
}

/// Element-wise maps over `Float` buffers, eight lanes at a time, with one
/// nodata rule for every kernel: a pixel is nodata in the output when any
/// input is its band's nodata value or not finite, or when the formula gives
/// a non-finite result (a zero denominator, an overflow). Nodata is written
/// as NaN.
///
/// A band without a nodata value passes `nil`.
public enum VectorMap {
    @inlinable @inline(__always)
    static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int) -> Lanes {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: Lanes.self)
    }

    @inlinable @inline(__always)
    static func loadTail(_ p: UnsafeBufferPointer<Float>, _ i: Int, _ count: Int) -> Lanes {
        var v = Lanes(repeating: 0)
        for lane in 0..<count { v[lane] = p[i + lane] }
        return v
    }

    @inlinable @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutableBufferPointer<Float>, _ i: Int, _ count: Int) {
        if count == Lanes.scalarCount {
            UnsafeMutableRawPointer(p.baseAddress! + i).storeBytes(of: v, as: Lanes.self)
        } else {
            for lane in 0..<count { p[i + lane] = v[lane] }
        }
    }

    @inlinable @inline(__always)
    static func valid(_ v: Lanes, _ nodata: Float) -> SIMDMask<SIMD8<Int32>> {
        // Comparing with NaN is always "not equal", so a missing nodata masks nothing.
        v.finiteMask .& (v .!= Lanes(repeating: nodata))
    }

    /// Applies `f` to every pixel of `a` and `b`, writing `out`.
    @inlinable
    public static func binary(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        _ b: UnsafeBufferPointer<Float>, nodata bNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: (Lanes, Lanes) -> Lanes
    ) {
        let n = out.count
        precondition(a.count >= n && b.count >= n, "input buffers are shorter than the output")
        let na = aNodata ?? .nan, nb = bNodata ?? .nan
        let nan = Lanes(repeating: .nan)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let va = count == Lanes.scalarCount ? load(a, i) : loadTail(a, i, count)
            let vb = count == Lanes.scalarCount ? load(b, i) : loadTail(b, i, count)
            let r = f(va, vb)
            let ok = valid(va, na) .& valid(vb, nb) .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }

    /// Eight lanes starting at pixel `i`, or the `count` (< 8) remaining ones
    /// with zeros in the unused lanes.
    @inlinable @inline(__always)
    static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int, _ count: Int) -> Lanes {
        count == Lanes.scalarCount ? load(p, i) : loadTail(p, i, count)
    }

    /// Applies `f` to every pixel of `a`, writing `out`.
    ///
    /// Used by kernels over one derived layer (e.g. fractional vegetation
    /// cover from NDVI).
    @inlinable
    public static func unary(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: (Lanes) -> Lanes
    ) {
        let n = out.count
        precondition(a.count >= n, "input buffer is shorter than the output")
        let na = aNodata ?? .nan
        let nan = Lanes(repeating: .nan)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let va = load(a, i, count)
            let r = f(va)
            let ok = valid(va, na) .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }

    /// Applies `f` to every pixel of three bands, writing `out`.
    ///
    /// The fixed-arity form of ``nary(_:nodata:into:_:)``: the lanes go to
    /// `f` as arguments, so nothing is built per block and the closure
    /// inlines.
    @inlinable
    public static func ternary(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        _ b: UnsafeBufferPointer<Float>, nodata bNodata: Float?,
        _ c: UnsafeBufferPointer<Float>, nodata cNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: (Lanes, Lanes, Lanes) -> Lanes
    ) {
        let n = out.count
        precondition(a.count >= n && b.count >= n && c.count >= n, "input buffers are shorter than the output")
        let na = aNodata ?? .nan, nb = bNodata ?? .nan, nc = cNodata ?? .nan
        let nan = Lanes(repeating: .nan)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let va = load(a, i, count), vb = load(b, i, count), vc = load(c, i, count)
            let r = f(va, vb, vc)
            let ok = valid(va, na) .& valid(vb, nb) .& valid(vc, nc) .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }

    /// Applies `f` to every pixel of four bands, writing `out`; see
    /// ``ternary(_:nodata:_:nodata:_:nodata:into:_:)``.
    @inlinable
    public static func quaternary(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        _ b: UnsafeBufferPointer<Float>, nodata bNodata: Float?,
        _ c: UnsafeBufferPointer<Float>, nodata cNodata: Float?,
        _ d: UnsafeBufferPointer<Float>, nodata dNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: (Lanes, Lanes, Lanes, Lanes) -> Lanes
    ) {
        let n = out.count
        precondition(a.count >= n && b.count >= n && c.count >= n && d.count >= n,
                     "input buffers are shorter than the output")
        let na = aNodata ?? .nan, nb = bNodata ?? .nan, nc = cNodata ?? .nan, nd = dNodata ?? .nan
        let nan = Lanes(repeating: .nan)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let va = load(a, i, count), vb = load(b, i, count)
            let vc = load(c, i, count), vd = load(d, i, count)
            let r = f(va, vb, vc, vd)
            let ok = valid(va, na) .& valid(vb, nb) .& valid(vc, nc) .& valid(vd, nd) .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }

    /// Applies `f` to every pixel of five bands, writing `out`; see
    /// ``ternary(_:nodata:_:nodata:_:nodata:into:_:)``.
    @inlinable
    public static func quinary(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        _ b: UnsafeBufferPointer<Float>, nodata bNodata: Float?,
        _ c: UnsafeBufferPointer<Float>, nodata cNodata: Float?,
        _ d: UnsafeBufferPointer<Float>, nodata dNodata: Float?,
        _ e: UnsafeBufferPointer<Float>, nodata eNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: (Lanes, Lanes, Lanes, Lanes, Lanes) -> Lanes
    ) {
        let n = out.count
        precondition(a.count >= n && b.count >= n && c.count >= n && d.count >= n && e.count >= n,
                     "input buffers are shorter than the output")
        let na = aNodata ?? .nan, nb = bNodata ?? .nan, nc = cNodata ?? .nan
        let nd = dNodata ?? .nan, ne = eNodata ?? .nan
        let nan = Lanes(repeating: .nan)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            let va = load(a, i, count), vb = load(b, i, count), vc = load(c, i, count)
            let vd = load(d, i, count), ve = load(e, i, count)
            let r = f(va, vb, vc, vd, ve)
            let ok = valid(va, na) .& valid(vb, nb) .& valid(vc, nc) .& valid(vd, nd) .& valid(ve, ne)
                .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }

    /// Applies `f` to every pixel of `inputs` (any number of bands), writing `out`.
    ///
    /// `nodata[k]` belongs to `inputs[k]`. Works for any number of bands;
    /// the fixed-arity forms (``unary(_:nodata:into:_:)`` to
    /// ``quinary(_:nodata:_:nodata:_:nodata:_:nodata:_:nodata:into:_:)``)
    /// are faster because they pass the lanes as arguments, not in an array.
    @inlinable
    public static func nary(
        _ inputs: [UnsafeBufferPointer<Float>], nodata: [Float?],
        into out: UnsafeMutableBufferPointer<Float>,
        _ f: ([Lanes]) -> Lanes
    ) {
        let n = out.count
        precondition(inputs.allSatisfy { $0.count >= n }, "input buffers are shorter than the output")
        precondition(nodata.count == inputs.count, "one nodata entry per input")
        let nd = nodata.map { $0 ?? .nan }
        let nan = Lanes(repeating: .nan)
        var lanes = [Lanes](repeating: .zero, count: inputs.count)
        var i = 0
        while i < n {
            let count = min(Lanes.scalarCount, n - i)
            var ok = SIMDMask<SIMD8<Int32>>(repeating: true)
            for k in 0..<inputs.count {
                let v = count == Lanes.scalarCount ? load(inputs[k], i) : loadTail(inputs[k], i, count)
                lanes[k] = v
                ok = ok .& valid(v, nd[k])
            }
            let r = f(lanes)
            ok = ok .& r.finiteMask
            store(r.replacing(with: nan, where: .!ok), out, i, count)
            i += count
        }
    }
}
