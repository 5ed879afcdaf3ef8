/// The one cloud planted in the later Landsat scene: an opaque disc, a ring
/// of thin cloud around it, and its shadow displaced away from the sun.
///
/// With the sun at about 139 degrees azimuth and 57 degrees elevation
/// (mid-morning in August at 40 N), a cloud top near 1.5 km casts its shadow
/// about 1 km to the north-west: 25 rows up and 21 columns left.
public struct CloudPlan: Sendable, Hashable {
    /// Row of the cloud's centre pixel.
    public var row: Int
    /// Column of the cloud's centre pixel.
    public var column: Int
    /// Radius of the opaque cloud, pixels.
    public var radius: Int
    /// Width of the thin-cloud ring around it, pixels.
    public var dilation: Int
    /// Rows from the cloud centre to the shadow centre (negative: north).
    public var shadowRowOffset: Int
    /// Columns from the cloud centre to the shadow centre (negative: west).
    public var shadowColumnOffset: Int

    /// A cloud plan.
    public init(row: Int, column: Int, radius: Int = 8, dilation: Int = 3,
                shadowRowOffset: Int = -25, shadowColumnOffset: Int = -21) {
        self.row = row
        self.column = column
        self.radius = radius
        self.dilation = dilation
        self.shadowRowOffset = shadowRowOffset
        self.shadowColumnOffset = shadowColumnOffset
    }

    /// What the cloud does to pixel (`row`, `column`).
    public func pixel(row r: Int, column c: Int) -> CloudPixel {
        let dy = r - row, dx = c - column
        let d2 = dx * dx + dy * dy
        if d2 <= radius * radius { return .cloud }
        let outer = radius + dilation
        if d2 <= outer * outer { return .dilatedCloud }
        let sy = dy - shadowRowOffset, sx = dx - shadowColumnOffset
        if sx * sx + sy * sy <= radius * radius { return .shadow }
        return .clear
    }

    /// The rows and columns the cloud, its ring and its shadow can touch
    /// (top-left row and column, bottom-right row and column, inclusive).
    public var footprint: (top: Int, left: Int, bottom: Int, right: Int) {
        let outer = radius + dilation
        let sr = row + shadowRowOffset, sc = column + shadowColumnOffset
        return (min(row - outer, sr - radius), min(column - outer, sc - radius),
                max(row + outer, sr + radius), max(column + outer, sc + radius))
    }
}
