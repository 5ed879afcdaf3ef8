/// What a tile run did, for the one line printed on stdout.
public struct TileRunOutcome: Sendable {
    /// The tile.
    public var tile: Int
    /// The pass.
    public var phase: TilePhase
    /// False when the tile's complete output was already there.
    public var computed: Bool
    /// The tile's folder.
    public var folder: String

    /// `tile 3 (stats): written to OUT/stats/3` or `... complete, skipped`.
    public var line: String {
        "tile \(tile) (\(phase.rawValue)): " + (computed ? "written to \(folder)" : "complete in \(folder), skipped")
    }
}
