/// A sum of Double terms kept **exactly** in fixed point: each term is
/// rounded to a multiple of 2^-20 and the multiples are added as a 128-bit
/// integer. Integer addition is associative, so sums gathered over any split
/// of a raster (windows, threads, tiles, machines) and merged in any order
/// have the same bits; a Double sum's last bits depend on the split.
///
/// Meant for area-weighted sums (m2, metric x m2, map coordinate x m2): the
/// rounding of one term is at most 2^-21 (5e-7); a term must be below 2^86
/// (7.7e25) and the sum below 2^107 (1.6e32). A term or sum beyond that (or a
/// non-finite term) marks the sum ``overflowed``, and it reads as NaN rather
/// than wrapping.
public struct ExactSum: Sendable, Hashable, Codable {
    /// Fraction bits of the fixed point.
    public static let fractionBits = 20
    static let scale = Double(1 << fractionBits)

    /// The sum in units of 2^-20.
    public private(set) var units: Int128 = 0
    /// Whether a term or a merge went beyond the capacity.
    public private(set) var overflowed = false

    /// Zero.
    public init() {}

    /// Adds `x` (rounded to a multiple of 2^-20); a non-finite term marks the sum overflowed.
    public mutating func add(_ x: Double) {
        let y = (x * 0x1p20).rounded()
        guard y.magnitude < 0x1p106 else { overflowed = true; return }  // |x| < 2^86
        let (sum, o) = units.addingReportingOverflow(Int128(y))
        if o { overflowed = true } else { units = sum }
    }

    /// Adds another sum.
    public mutating func merge(_ other: ExactSum) {
        let (sum, o) = units.addingReportingOverflow(other.units)
        overflowed = overflowed || other.overflowed || o
        if !o { units = sum }
    }

    /// The sum (NaN when it overflowed).
    public var value: Double { overflowed ? .nan : Double(units) / Self.scale }

    enum CodingKeys: String, CodingKey { case units, overflowed }

    /// Decodes the decimal text of ``units``.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .units)
        guard let u = Int128(text) else {
            throw DecodingError.dataCorruptedError(forKey: .units, in: c, debugDescription: "not an integer: \(text)")
        }
        units = u
        overflowed = try c.decodeIfPresent(Bool.self, forKey: .overflowed) ?? false
    }

    /// Encodes ``units`` as decimal text (JSON numbers do not hold 128 bits).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(String(units), forKey: .units)
        if overflowed { try c.encode(true, forKey: .overflowed) }
    }
}
