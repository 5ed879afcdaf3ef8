import Foundation

/// `OUTDIR/reduced.json`: every tile's statistics merged, the region-wide
/// figures the per-tile pass reads (so its thresholds, end-members and
/// performance maxima are those of a single-machine run).
public struct ReducedStatistics: Sendable, Codable {
    /// The tool and version that wrote it.
    public var tool: String
    /// The job kind.
    public var kind: String
    /// The plan's fingerprint.
    public var planFingerprint: String
    /// The job's fingerprint.
    public var jobFingerprint: String
    /// Number of tiles merged.
    public var tiles: Int
    /// The command's merged figures (stored under the key of its kind), nil when its tiles had none.
    public var figures: (any TileFigures)?

    /// The file's name in OUTDIR.
    public static let fileName = "reduced.json"

    /// Creates the record of a reduce.
    public init(tool: String, kind: String, planFingerprint: String, jobFingerprint: String, tiles: Int, figures: (any TileFigures)? = nil) {
        self.tool = tool
        self.kind = kind
        self.planFingerprint = planFingerprint
        self.jobFingerprint = jobFingerprint
        self.tiles = tiles
        self.figures = figures
    }

    /// The figures as the command's type, nil when absent or of another command.
    public func figures<F: TileFigures>(_ type: F.Type) -> F? { figures as? F }

    /// Merges the stats pass of every tile of `plan` in `outdir` and writes `OUTDIR/reduced.json`.
    @discardableResult
    public static func reduce(plan: TilePlan, outdir: String) throws -> ReducedStatistics {
        try OutputFolder(outdir).lock()
        let manifests = try TileFolder.collect(outdir: outdir, phase: .stats, plan: plan)
        let first = manifests[0]
        guard let type = TiledKinds.figures(first.kind) else {
            throw KubuqiError.input(TileFolder(outdir: outdir, phase: .stats, index: first.tile.index).manifestPath,
                                    "written by a job of kind '\(first.kind)', which this kubuqi-monitor does not tile")
        }
        let reduced = ReducedStatistics(tool: ToolVersion.nameAndVersion, kind: first.kind, planFingerprint: first.planFingerprint,
                                        jobFingerprint: first.jobFingerprint, tiles: manifests.count,
                                        figures: try mergeAll(type, manifests))
        try atomicWrite(try TileJSON.encode(reduced), to: (outdir as NSString).appendingPathComponent(fileName))
        return reduced
    }

    /// The figures of every manifest that has some, merged in tile order.
    static func mergeAll<F: TileFigures>(_ type: F.Type, _ manifests: [TileManifest]) throws -> (any TileFigures)? {
        try F.merged(manifests.compactMap { $0.figures(F.self) })
    }

    /// The reduced figures a tile of `request` needs, with their file's SHA-256;
    /// an input error saying what to run when they are missing or belong to another job.
    public static func load(outdir: String, request: TileRequest) throws -> (ReducedStatistics, String) {
        let path = (outdir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubuqiError(.input, "\(path): missing; this job needs region-wide statistics: run every tile with --phase stats, then kubuqi-monitor tiles reduce \(request.planPath) \(outdir)")
        }
        let reduced = try TileJSON.decode(ReducedStatistics.self, from: path)
        guard reduced.jobFingerprint == request.jobFingerprint else {
            throw KubuqiError(.input, "\(path): reduced from another job or plan (other arguments); rerun --phase stats and tiles reduce for this one")
        }
        var h = SHA256()
        h.update(data)
        return (reduced, h.hexDigest())
    }

    private enum CodingKeys: String, CodingKey { case tool, kind, planFingerprint, jobFingerprint, tiles }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tool = try c.decode(String.self, forKey: .tool)
        kind = try c.decode(String.self, forKey: .kind)
        planFingerprint = try c.decode(String.self, forKey: .planFingerprint)
        jobFingerprint = try c.decode(String.self, forKey: .jobFingerprint)
        tiles = try c.decode(Int.self, forKey: .tiles)
        figures = try decoder.container(keyedBy: FiguresKey.self).decodeFigures(kind: kind)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tool, forKey: .tool)
        try c.encode(kind, forKey: .kind)
        try c.encode(planFingerprint, forKey: .planFingerprint)
        try c.encode(jobFingerprint, forKey: .jobFingerprint)
        try c.encode(tiles, forKey: .tiles)
        var f = encoder.container(keyedBy: FiguresKey.self)
        try f.encodeFigures(figures)
    }
}
