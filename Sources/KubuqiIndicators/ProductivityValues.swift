/// How the productivity values handed to the indicator kernels relate to
/// productivity, and so how the rules compare them (docs/ldn-method.md,
/// "Exact comparisons").
public enum ProductivityValues: Sendable, Hashable, Codable {
    /// Physical values in floating point (a Float32 stack, or bands whose
    /// scalings differ): every comparison is made in Double, as numpy would.
    case floating
    /// Stored integers (exact in Float below 2^24), productivity = stored ×
    /// `scale` + `offset` with the scale and offset as the decimals they are
    /// written with: every comparison of the rules is made in exact fractions.
    case integer(scale: Rational, offset: Rational)

    /// Integer values with a decimal scale and offset (nil when either is
    /// not a finite decimal or the scale is not positive).
    public static func integer(scale: Double, offset: Double) -> ProductivityValues? {
        guard let s = Rational(decimal: scale), s.signum > 0, let o = Rational(decimal: offset) else { return nil }
        return .integer(scale: s, offset: o)
    }

    /// The exact stored value of a Float holding an integer (nil for NaN,
    /// infinities and fractions).
    @inlinable
    public static func storedInteger(_ v: Float) -> Int? {
        // |v| <= 2^24 first (false for NaN and infinities), then integral by a truncating conversion
        // (no libm `round` call: this runs for every value of every pixel of the exact passes).
        guard abs(v) <= 16_777_216 else { return nil }
        let i = Int32(v)
        return Float(i) == v ? Int(i) : nil
    }
}

extension ProductivityValues {
    /// `storedInteger` of eight values at once, without a branch or a conversion instruction (the block
    /// kernels' loads): for |v| < 2^22, v + 1.5·2^23 lies in [2^23, 2^24), where Float steps by exactly 1, so
    /// the sum is 1.5·2^23 + round(v) (IEEE round to nearest); v is integral iff subtracting 1.5·2^23 again
    /// gives v back, and round(v) is the sum's bit pattern minus that of 1.5·2^23 (0x4B40_0000). `values`
    /// holds the stored integers where `valid` (0 elsewhere); `beyond` marks the stored integers this cannot
    /// convert, 2^22 ≤ |v| ≤ 2^24, for which the caller uses `storedInteger`. NaN and infinities are neither
    /// valid nor beyond (`storedInteger` gives nil for them).
    @inline(__always)
    public static func fastStoredIntegers(_ v: SIMD8<Float>)
        -> (values: SIMD8<Int32>, valid: SIMDMask<SIMD8<Int32>>, beyond: SIMDMask<SIMD8<Int32>>) {
        let magnitude = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        let shifted = v + 12_582_912
        let valid = (magnitude .< 4_194_304) .& (shifted - 12_582_912 .== v)
        let values = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000) & unsafeBitCast(valid, to: SIMD8<Int32>.self)
        return (values, valid, (magnitude .>= 4_194_304) .& (magnitude .<= 16_777_216))
    }

    /// Eight values at `src` as stored integers (0 where not one) and which of them are
    /// (`storedInteger`, through `fastStoredIntegers`).
    @inline(__always)
    public static func storedIntegers(_ src: UnsafePointer<Float>) -> (values: SIMD8<Int32>, valid: SIMDMask<SIMD8<Int32>>) {
        let (values, valid, beyond) = fastStoredIntegers(UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self))
        guard any(beyond) else { return (values, valid) }
        var v = SIMD8<Int32>(), ok = SIMDMask<SIMD8<Int32>>()
        for k in 0..<8 {
            let x = storedInteger(src[k])
            v[k] = Int32(x ?? 0)
            ok[k] = x != nil
        }
        return (v, ok)
    }
}
