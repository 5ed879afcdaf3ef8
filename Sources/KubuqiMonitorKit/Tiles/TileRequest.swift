import Foundation
import KubuqiRaster

/// One tile of a plan to compute, as a job receives it from the command line
/// (`--plan plan.json --tile I [--phase stats]`).
public struct TileRequest: Sendable {
    /// The plan file as given.
    public var planPath: String
    /// The plan.
    public var plan: TilePlan
    /// The tile to compute.
    public var tile: PlannedTile
    /// The pass.
    public var phase: TilePhase
    /// The command's arguments without the tile options (`change --before ... -o OUT`):
    /// the same for every tile, so they identify the job, and `tiles merge` re-reads them.
    public var arguments: [String]
    /// The folder the command ran in (relative paths in `arguments` are relative to it).
    public var workingDirectory: String

    /// Loads the plan and picks the tile.
    public init(planPath: String, tile: Int, phase: TilePhase, arguments: [String],
                workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        self.planPath = planPath
        plan = try TilePlan.load(planPath)
        self.tile = try plan.tile(tile)
        self.phase = phase
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }

    /// The tile's window of the grid.
    public var window: Window { tile.window }

    /// Identifies the job: the plan and the arguments (not the phase or the tile).
    public var jobFingerprint: String { Self.fingerprint(plan: plan.fingerprint, arguments: arguments) }

    /// SHA-256 of the plan's fingerprint and the arguments.
    static func fingerprint(plan: String, arguments: [String]) -> String {
        var h = SHA256()
        h.update(Array((plan + "\n" + arguments.joined(separator: "\u{0}")).utf8))
        return h.hexDigest()
    }

    /// The arguments of a command line without the tile options and without
    /// `-q/--quiet` (which do not change the result).
    public static func jobArguments(_ commandLine: [String]) -> [String] {
        var out: [String] = []
        var skipNext = false
        for a in commandLine {
            if skipNext { skipNext = false; continue }
            if ["--plan", "--tile", "--phase"].contains(a) { skipNext = true; continue }
            if a.hasPrefix("--plan=") || a.hasPrefix("--tile=") || a.hasPrefix("--phase=") || a == "-q" || a == "--quiet" { continue }
            out.append(a)
        }
        return out
    }
}
