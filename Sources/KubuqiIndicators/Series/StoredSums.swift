/// Exact sums of a period's stored 16-bit integers, for the accumulating reducers `mean`, `sum` and `count`
/// (``SeriesAccumulators/sumStored(_:)``): each valid value is added as the integer it is stored as (Int32
/// sums, exact), and the band's scale and offset are applied once per pixel when the period is finished:
///
///     mean = Float( (Double(scale) x Double(S)) / Double(n) + Double(offset) )
///     sum  = Float(  Double(scale) x Double(S) + Double(offset) x Double(n) )
///
/// with `S` the sum of the `n` valid stored integers. `Double(scale) x Double(S)` is exact (a 24-bit significand
/// times |S| < 2^29), so with offset 0 the division is the one rounding before Float's, and the mean is the Float
/// nearest the exact mean `scale x S / n` (no double rounding while n <= ``maximumObservations``: docs/stack.md,
/// "Sixteen-bit inputs"); the sum with offset 0 is the Float nearest `scale x S`. With an offset the result is
/// within one Float unit of the exact value. (The Float path rounds each value `v x scale + offset` to Float
/// before a Double sum: one more rounding per value.)
public struct StoredSums: Sendable, Equatable {
    /// UInt16 storage (else Int16).
    public var unsigned: Bool
    /// Physical value = stored x scale + offset.
    public var scale: Float, offset: Float

    /// The most observations of a period whose stored integers are summed: Int32 sums of up to 8192 16-bit values
    /// cannot overflow (8192 x 65535 < 2^31), `scale x S` stays exact in a Double (|S| < 2^29), and the mean has no
    /// double rounding (docs/stack.md).
    public static let maximumObservations = 8192

    /// The sums shared by a period's rows, converted by `scalings` (one per observation; nil: not a plain 16-bit
    /// band), for `reducer`: nil unless the reducer is `mean`, `sum` or `count`, every row is 16-bit of one
    /// signedness, one scale and one offset (bit for bit), no stored value converts to a non-finite value (so the
    /// Float path would keep every value that is not nodata or capped), and there are at most ``maximumObservations``.
    public init?(_ scalings: [SixteenBitScaling?], reducer: SeriesReducer) {
        guard [.mean, .sum, .count].contains(reducer), let first = scalings.first ?? nil,
              scalings.count <= Self.maximumObservations else { return nil }
        self.init(unsigned: first.unsigned, scale: first.scale, offset: first.offset)
        guard Self.finite(first), scalings.allSatisfy({ $0.map(sums) ?? false }) else { return nil }
    }

    /// Sums of values stored `unsigned` (else signed), scaled by `scale` and `offset`.
    public init(unsigned: Bool, scale: Float, offset: Float) {
        self.unsigned = unsigned
        self.scale = scale
        self.offset = offset
    }

    /// Equal when the signedness, scale and offset are (bit for bit: -0.0 is not 0.0).
    public static func == (a: StoredSums, b: StoredSums) -> Bool {
        a.unsigned == b.unsigned && a.scale.bitPattern == b.scale.bitPattern && a.offset.bitPattern == b.offset.bitPattern
    }

    /// Whether rows converted by `s` can be added to these sums (same signedness, scale and offset).
    public func sums(_ s: SixteenBitScaling) -> Bool {
        self == StoredSums(unsigned: s.unsigned, scale: s.scale, offset: s.offset)
    }

    /// Whether every 16-bit value converts to a finite value by `s` (with margin).
    static func finite(_ s: SixteenBitScaling) -> Bool {
        guard s.scale.isFinite, s.offset.isFinite else { return false }
        return 65_536 * Double(abs(s.scale)) + Double(abs(s.offset)) < Double(Float.greatestFiniteMagnitude) / 2
    }

    /// The mean (else the sum) of `count` values whose stored integers sum to `sum`.
    @inline(__always)
    public func value(sum: Int32, count: Int, mean: Bool) -> Float {
        let product = Double(scale) * Double(sum)
        return mean ? Float(product / Double(count) + Double(offset)) : Float(product + Double(offset) * Double(count))
    }

    /// A row's validity tests on its stored integers (widened to Int32): valid when not `nodata` and below `top`.
    /// The Float path's tests exactly, as every 16-bit value is a Float exactly: `v == nodata` only for an
    /// integral nodata (else `nodata` is Int32.min, which no widened value equals), and `v >= validMaximum`
    /// exactly when `v >= ceil(validMaximum)`.
    struct Mask {
        var nodata: Int32, top: Int32

        init(_ s: SixteenBitScaling) {
            nodata = s.nodata.flatMap { Int32(exactly: $0) } ?? .min
            if let t = s.validMaximum, !t.isNaN {
                top = t > 1e6 ? .max : t < -1e6 ? .min : Int32(t.rounded(.up))
            } else {
                top = .max
            }
        }
    }
}
