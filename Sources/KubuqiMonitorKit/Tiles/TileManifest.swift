/// What one tile wrote: `tile.json` in `OUTDIR/tiles/I/` (or `OUTDIR/stats/I/`),
/// written last, so a tile folder holding it is complete.
///
/// The command's figures (a ``TileFigures``) are stored under the key of its
/// kind (`"change": {...}`), so the file reads the same whatever command wrote it.
public struct TileManifest: Sendable, Codable {
    /// The tool and version that wrote it.
    public var tool: String
    /// The job: `index`, `change`, `ldn`, `stack` (its figures' ``TileFigures/kind``).
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
    /// The command's figures of this tile and pass, nil when it has none.
    public var figures: (any TileFigures)?

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

    /// The figures as the command's type, nil when absent or of another command.
    public func figures<F: TileFigures>(_ type: F.Type) -> F? { figures as? F }

    private enum CodingKeys: String, CodingKey {
        case tool, kind, phase, tile, planFingerprint, jobFingerprint, arguments, workingDirectory, reducedFingerprint, layers
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tool = try c.decode(String.self, forKey: .tool)
        kind = try c.decode(String.self, forKey: .kind)
        phase = try c.decode(TilePhase.self, forKey: .phase)
        tile = try c.decode(PlannedTile.self, forKey: .tile)
        planFingerprint = try c.decode(String.self, forKey: .planFingerprint)
        jobFingerprint = try c.decode(String.self, forKey: .jobFingerprint)
        arguments = try c.decode([String].self, forKey: .arguments)
        workingDirectory = try c.decode(String.self, forKey: .workingDirectory)
        reducedFingerprint = try c.decodeIfPresent(String.self, forKey: .reducedFingerprint)
        layers = try c.decode([String].self, forKey: .layers)
        figures = try decoder.container(keyedBy: FiguresKey.self).decodeFigures(kind: kind)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tool, forKey: .tool)
        try c.encode(kind, forKey: .kind)
        try c.encode(phase, forKey: .phase)
        try c.encode(tile, forKey: .tile)
        try c.encode(planFingerprint, forKey: .planFingerprint)
        try c.encode(jobFingerprint, forKey: .jobFingerprint)
        try c.encode(arguments, forKey: .arguments)
        try c.encode(workingDirectory, forKey: .workingDirectory)
        try c.encodeIfPresent(reducedFingerprint, forKey: .reducedFingerprint)
        try c.encode(layers, forKey: .layers)
        var f = encoder.container(keyedBy: FiguresKey.self)
        try f.encodeFigures(figures)
    }
}
