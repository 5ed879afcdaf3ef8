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
