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

    /// Applies `f` to every pixel of `inputs` (any number of bands), writing `out`.
    ///
    /// Used by indices of three or more bands; `nodata[k]` belongs to `inputs[k]`.
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
