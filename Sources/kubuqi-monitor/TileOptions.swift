import ArgumentParser
import Foundation
import KubuqiMonitorKit

/// `--plan plan.json --tile I [--phase stats|tile]`: compute one tile of a plan.
struct TileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A tile plan (kubuqi-monitor tiles plan): compute only --tile of it, into OUTDIR/tiles/I/ (or OUTDIR/stats/I/).", valueName: "plan.json"))
    var plan: String?

    @Option(help: ArgumentHelp("The tile of --plan to compute (0-based; the Slurm array index).", valueName: "I"))
    var tile: Int?

    @Option(help: ArgumentHelp("stats: the tile's statistics only, for `tiles reduce`; tile (default): its rasters and tables, for `tiles merge`.", valueName: "PHASE"))
    var phase: String = "tile"

    /// The tile to compute, nil without --plan.
    func request() throws -> TileRequest? {
        guard let plan else {
            if tile != nil { throw ValidationError("--tile needs --plan plan.json") }
            if phase.lowercased() != "tile" { throw ValidationError("--phase needs --plan plan.json and --tile I") }
            return nil
        }
        guard let tile else { throw ValidationError("--plan needs --tile I (0-based)") }
        guard let p = TilePhase(rawValue: phase.lowercased()) else { throw ValidationError("--phase must be stats or tile, not '\(phase)'") }
        return try TileRequest(planPath: plan, tile: tile, phase: p,
                               arguments: TileRequest.jobArguments(Array(CommandLine.arguments.dropFirst())))
    }
}
