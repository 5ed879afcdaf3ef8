/// Floating-point to integer conversion that cannot trap: Swift's `Int(x)`
/// stops the process when `x` is NaN, infinite or out of the type's range,
/// and raster values, metadata numbers and sizes computed from them can be
/// any of those. Every such conversion in the project goes through this.
extension FixedWidthInteger {
    /// `value` truncated toward zero and clamped into the type's range
    /// (+/-infinity to `max`/`min`); NaN gives `nan`.
    @inlinable
    public init<F: BinaryFloatingPoint>(saturating value: F, nan: Self = 0) {
        if value.isNaN {
            self = nan
        } else if value >= F(Self.max) {
            self = Self.max
        } else if value <= F(Self.min) {
            self = Self.min
        } else {
            self.init(value)
        }
    }

    /// `value` converted when it is finite and within the type's range
    /// (truncated toward zero), nil otherwise.
    @inlinable
    public init?<F: BinaryFloatingPoint>(inRange value: F) {
        guard value.isFinite, value < F(Self.max), value > F(Self.min) - 1 else { return nil }
        self.init(value)
    }
}
