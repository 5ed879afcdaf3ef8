import Foundation
import KubuqiRaster

/// Where one tile run writes, given to a command's passes by ``TiledJob/runTile(_:)``.
public struct TileContext: Sendable {
    /// The tile, its plan and pass.
    public let request: TileRequest
    /// The hidden folder the tile's rasters go into (renamed into `OUTDIR/tiles/I/` when complete).
    public let staging: String
    /// A private scratch folder inside `staging`, removed before the tile is committed.
    public let work: WorkFolder
    /// `OUTDIR/reduced.json`'s SHA-256 when the tile pass read it.
    public let reducedFingerprint: String?

    /// The tile's window of the plan's grid.
    public var window: Window { request.window }
    /// A path in the staging folder.
    public func file(_ relative: String) -> String { (staging as NSString).appendingPathComponent(relative) }
}

/// What a command's tile pass wrote: its figures and its rasters.
public struct TileOutput<Figures: TileFigures>: Sendable {
    /// The tile's mergeable figures (tables, tallies), nil when none.
    public var figures: Figures?
    /// The rasters written, relative to the staging folder, in the order `tiles merge` assembles them.
    public var layers: [String]

    /// Creates an output.
    public init(figures: Figures?, layers: [String]) {
        self.figures = figures
        self.layers = layers
    }
}

/// The per-command half of the tiling mechanism (docs/scale-out.md, "Adding a
/// command"): a command says whether its tile pass needs region-wide figures,
/// computes one tile's share of them (stats pass) and one tile's rasters and
/// tables (tile pass); ``runTile(_:)`` does the rest: skipping a tile already
/// complete for the same job, the per-tile lock, the hidden staging folder,
/// `reduced.json`, the manifest written last and the rename into place.
/// The merge side is ``TileMosaic``: the tiles' figures merged
/// (``TileMosaic/mergedFigures(_:required:)``), `reduced.json`
/// (``TileMosaic/reduced(_:)``) and each layer assembled.
public protocol TiledJob {
    /// The command's mergeable figures.
    associatedtype Figures: TileFigures
    /// OUTDIR: the folder holding `tiles/`, `stats/` and `reduced.json`.
    var outdir: String { get }
    /// Whether the tile pass needs `reduced.json` (then `--phase stats` and `tiles reduce` run first).
    var needsStatistics: Bool { get }
    /// Checks made once the tile is known to need computing, before its lock and staging folder are taken.
    func prepare(_ request: TileRequest) throws
    /// The stats pass: this tile's share of the region-wide figures.
    func statistics(_ tile: TileContext) throws -> Figures?
    /// The tile pass: writes the tile's rasters into `tile.staging`; `reduced` are the region's
    /// merged stats-pass figures when ``needsStatistics``.
    func compute(_ tile: TileContext, reduced: Figures?) throws -> TileOutput<Figures>
}

extension TiledJob {
    /// No checks by default.
    public func prepare(_ request: TileRequest) throws {}

    /// Runs one tile of `request` into `OUTDIR/stats/I/` or `OUTDIR/tiles/I/`.
    public func runTile(_ request: TileRequest) throws -> TileRunOutcome {
        let start = try TileFolder.start(outdir: outdir, request: request, needsStatistics: needsStatistics)
        if let done = start.done { return done }
        try prepare(request)
        let folder = start.folder
        let staging = try folder.begin()
        defer { folder.discard(staging: staging) }
        let work = try WorkFolder(in: staging)
        defer { work.remove() }
        let context = TileContext(request: request, staging: staging, work: work, reducedFingerprint: start.reduced?.1)
        var manifest = TileManifest(kind: Figures.kind, request: request, reducedFingerprint: start.reduced?.1)
        if request.phase == .stats {
            manifest.figures = try statistics(context)
        } else {
            let out = try compute(context, reduced: start.reduced?.0.figures(Figures.self))
            manifest.figures = out.figures
            manifest.layers = out.layers
        }
        work.remove()
        try folder.commit(staging: staging, manifest: manifest)
        return TileRunOutcome(tile: request.tile.index, phase: request.phase, computed: true, folder: folder.path)
    }
}
