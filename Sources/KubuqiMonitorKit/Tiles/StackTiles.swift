import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `stack --plan P --tile I` and its part of `tiles merge`. With a plan, `-o`
/// is a folder: the merged stack is `OUTDIR/stack.tif` with `stack.count.tif`
/// and `stack.json`, the files `stack -o OUTDIR/stack.tif` writes on one machine.
extension StackJob {
    /// The merged stack's name in OUTDIR.
    public static let tiledName = "stack.tif"

    /// Computes one tile: every period with enough observations, reduced over the tile's window
    /// into `OUTDIR/tiles/I/stack.tif` and `stack.count.tif`, with the tally of each period.
    /// The stats pass has nothing to do (the completeness rule needs no region-wide figure).
    public static func runTile(_ o: StackOptions, request: TileRequest) throws -> TileRunOutcome {
        try StackTileJob(o).runTile(request)
    }

    /// Assembles the tiles of a plan into `OUTDIR/stack.tif`, `stack.count.tif` and `stack.json`:
    /// the tiles' bands are copied window by window through the single-machine writer (as `--append`
    /// copies unchanged periods), so the files are byte-identical to one machine's.
    public static func mergeTiles(_ o: StackOptions, plan: TilePlan, outdir: String, progress: (Double) -> Void = { _ in }) throws -> StackResult {
        let job = try StackTileJob(o)
        let destination = try OutputFolder(outdir)
        try destination.lock()
        // The tiles' mosaics are read in a work folder (registered for an interruption's clean-up), never left in OUTDIR.
        let work = try destination.workFolder()
        defer { work.remove() }
        let mosaic = try TileMosaic(plan: plan, outdir: outdir, destination: work.path)
        let figures = try mosaic.mergedFigures(StackTileFigures.self, required: true)!
        let setup = try StackJob.setup(job.options)
        if let diff = plan.grid.grid.difference(from: setup.grid) {
            throw KubuqiError(.input, "the plan's grid is not the stack's grid: \(diff)")
        }
        guard figures.periods.map(\.label) == setup.kept.map(\.period.label) else {
            throw KubuqiError(.input, "\(outdir): the tiles hold the periods \(figures.periods.map(\.label)), the inputs now give \(setup.kept.map(\.period.label)); rerun the tiles")
        }
        let vrts = try ["stack.tif", "stack.count.tif"].map { try mosaic.mosaic($0, into: "." + ($0 as NSString).deletingPathExtension + ".tiles.vrt") }
        let copied: StackReuse
        do {
            copied = StackReuse(stack: try Dataset.open(vrts[0]), counts: try Dataset.open(vrts[1]),
                                bands: Dictionary(uniqueKeysWithValues: figures.periods.indices.map { ($0, (band: $0 + 1, met: figures.periods[$0].met)) }))
        } catch let e as GDALError {
            throw KubuqiError.input(vrts[0], "cannot be read (\(e.messages.last ?? e.context))")
        }
        return try StackJob.write(setup, job.options, copying: copied, progress: progress)
    }
}

/// `stack` as a ``TiledJob``: no stats pass; each tile reduces its window of every period.
struct StackTileJob: TiledJob {
    /// The options, `output` set to `OUTDIR/stack.tif`.
    let options: StackOptions
    let outdir: String
    var needsStatistics: Bool { false }

    init(_ o: StackOptions) throws {
        guard !o.append else {
            throw KubuqiError(.usage, "--append and --plan exclude each other: a tiled stack is merged whole (rerun the tiles; complete ones are skipped)")
        }
        outdir = try OutputFolder(o.output).path
        var options = o
        options.output = (outdir as NSString).appendingPathComponent(StackJob.tiledName)
        self.options = options
    }

    func statistics(_ tile: TileContext) throws -> StackTileFigures? { nil }

    func compute(_ tile: TileContext, reduced: StackTileFigures?) throws -> TileOutput<StackTileFigures> {
        let setup = try StackJob.setup(options)
        try tile.request.plan.check(grid: setup.grid, planPath: tile.request.planPath)
        let layers = ["stack.tif", "stack.count.tif"]
        let tallies = try StackJob.stream(setup.kept, setup.plan.rule, inputs: setup.inputs, grid: setup.grid, options,
                                          stackAt: tile.file(layers[0]), countsAt: tile.file(layers[1]), region: tile.window, progress: { _ in })
        let periods = zip(setup.kept, tallies).map { p, t in
            StackTileFigures.Period(label: p.period.label, met: t.met, fewest: t.counts.lowerBound, most: t.counts.upperBound)
        }
        return TileOutput(figures: StackTileFigures(periods: periods), layers: layers)
    }
}
