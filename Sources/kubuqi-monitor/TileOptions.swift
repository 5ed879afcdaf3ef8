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
        let p = try EnumeratedValue.parse(phase, option: "--phase", choices: TilePhase.allCases.map { ($0.rawValue, $0) })
        return try TileRequest(planPath: plan, tile: tile, phase: p,
                               arguments: TileRequest.jobArguments(Array(CommandLine.arguments.dropFirst())))
    }
}

/// A command that runs in tiles (`--plan/--tile/--phase`): `tiles merge` re-reads its
/// command line from the tiles' manifests and calls ``mergeTiles(plan:outdir:)``;
/// `tiles slurm` knows it by name. Adding a command: conform here and in
/// KubuqiMonitorKit (``TiledJob``, ``TileFigures``, ``TiledKinds``), see docs/scale-out.md.
protocol TiledCommand: ParsableCommand {
    /// Assembles the tiles of `plan` in `outdir` into the single-machine outputs.
    func mergeTiles(plan: TilePlan, outdir: String) throws
}

extension KubuqiMonitor {
    /// The names of the commands that run in tiles.
    static var tiledCommands: [String] {
        configuration.subcommands.filter { $0 is any TiledCommand.Type }.map { $0._commandName }
    }
}
