/// The two passes of a tiled job.
public enum TilePhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per-tile statistics that region-wide figures need (thresholds,
    /// end-members, performance maxima), merged by `tiles reduce`.
    case stats
    /// The tile's rasters and mergeable tables, merged by `tiles merge`.
    case tile

    /// The folder under OUTDIR holding this phase's tiles.
    public var folderName: String { self == .stats ? "stats" : "tiles" }
}
