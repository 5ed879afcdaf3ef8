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
    /// Merged change figures.
    public var change: ChangeTileFigures?
    /// Merged LDN figures.
    public var ldn: LDNTileFigures?
    /// Merged index figures.
    public var index: IndexTileFigures?

    /// The file's name in OUTDIR.
    public static let fileName = "reduced.json"

    /// Merges the stats pass of every tile of `plan` in `outdir` and writes `OUTDIR/reduced.json`.
    @discardableResult
    public static func reduce(plan: TilePlan, outdir: String) throws -> ReducedStatistics {
        try OutputFolder(outdir).lock()
        let manifests = try TileFolder.collect(outdir: outdir, phase: .stats, plan: plan)
        let first = manifests[0]
        var reduced = ReducedStatistics(tool: ToolVersion.nameAndVersion, kind: first.kind, planFingerprint: first.planFingerprint,
                                        jobFingerprint: first.jobFingerprint, tiles: manifests.count)
        for m in manifests {
            if let c = m.change { if reduced.change == nil { reduced.change = c } else { try reduced.change!.merge(c) } }
            if let l = m.ldn { if reduced.ldn == nil { reduced.ldn = l } else { try reduced.ldn!.merge(l) } }
            if let i = m.index { if reduced.index == nil { reduced.index = i } else { reduced.index!.merge(i) } }
        }
        try atomicWrite(try TileJSON.encode(reduced), to: (outdir as NSString).appendingPathComponent(fileName))
        return reduced
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
}
