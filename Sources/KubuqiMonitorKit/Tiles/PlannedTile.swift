import KubuqiRaster

/// One tile of a plan: its number (the Slurm array index) and its window of the grid.
public struct PlannedTile: Sendable, Hashable, Codable {
    /// 0-based number, in row-major order.
    public var index: Int
    /// The pixels it covers (whole-grid columns and rows).
    public var window: Window

    /// Creates a tile.
    public init(index: Int, window: Window) {
        self.index = index
        self.window = window
    }
}
