/// What one tile wrote: `tile.json` in `OUTDIR/tiles/I/` (or `OUTDIR/stats/I/`),
/// written last, so a tile folder holding it is complete.
public struct TileManifest: Sendable, Codable {
    /// The tool and version that wrote it.
    public var tool: String
    /// The job: `index`, `change` or `ldn`.
    public var kind: String
    /// The pass.
    public var phase: TilePhase
    /// The tile.
    public var tile: PlannedTile
    /// The plan's fingerprint.
    public var planFingerprint: String
    /// The job's fingerprint (plan and arguments).
    public var jobFingerprint: String
    /// The command's arguments without the tile options.
    public var arguments: [String]
    /// The folder the command ran in.
    public var workingDirectory: String
    /// SHA-256 of the `reduced.json` the tile used, nil when it needed none.
    public var reducedFingerprint: String?
    /// Rasters written, relative to the tile folder.
    public var layers: [String]
    /// The change job's figures.
    public var change: ChangeTileFigures?
    /// The LDN job's figures.
    public var ldn: LDNTileFigures?
    /// The index job's figures.
    public var index: IndexTileFigures?

    /// A manifest for `request`, figures to be filled in.
    public init(kind: String, request: TileRequest, reducedFingerprint: String?, layers: [String] = []) {
        tool = ToolVersion.nameAndVersion
        self.kind = kind
        phase = request.phase
        tile = request.tile
        planFingerprint = request.plan.fingerprint
        jobFingerprint = request.jobFingerprint
        arguments = request.arguments
        workingDirectory = request.workingDirectory
        self.reducedFingerprint = reducedFingerprint
        self.layers = layers
    }
}
