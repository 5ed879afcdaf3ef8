/// Concrete overloads of `init(saturating:nan:)` for the conversions the per-pixel loops make (class
/// codes Float -> Int16/Int32, area units Double -> Int64). The generic form converts through
/// `FixedWidthInteger._convert(from:)`, a bit-by-bit routine: 4 % of an `ldn` run's periods went to
/// it in the area tallies. These give the same values (truncation toward zero, clamped, NaN -> `nan`)
/// with one hardware conversion: the bounds are the generic form's `F(Self.max)` and `F(Self.min)`.
extension Int16 {
    /// `value` truncated toward zero and clamped into Int16; NaN gives `nan`.
    @inlinable
    public init(saturating value: Float, nan: Int16 = 0) {
        if value.isNaN {
            self = nan
        } else if value >= 32767 {
            self = .max
        } else if value <= -32768 {
            self = .min
        } else {
            self = Int16(truncatingIfNeeded: Int32(value))
        }
    }
}

extension Int32 {
    /// `value` truncated toward zero and clamped into Int32; NaN gives `nan`.
    @inlinable
    public init(saturating value: Float, nan: Int32 = 0) {
        // Float(Int32.max) and Float(Int32.min) are 2^31 and -2^31.
        if value.isNaN {
            self = nan
        } else if value >= 0x1p31 {
            self = .max
        } else if value <= -0x1p31 {
            self = .min
        } else {
            self = Int32(value)
        }
    }
}

extension Int64 {
    /// `value` truncated toward zero and clamped into Int64; NaN gives `nan`.
    @inlinable
    public init(saturating value: Double, nan: Int64 = 0) {
        // Double(Int64.max) and Double(Int64.min) are 2^63 and -2^63.
        if value.isNaN {
            self = nan
        } else if value >= 0x1p63 {
            self = .max
        } else if value <= -0x1p63 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
