import ArgumentParser
import Foundation
import KubuqiRaster
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `tiles`: one region's work split into tiles (plan, reduce, merge, Slurm scripts).
    struct Tiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split one region's work into tiles for a cluster, and merge them into the single-machine answer.",
            discussion: """
            The steps, with change as the example (index, ldn and stack work the same way):

              1. kubuqi-monitor tiles plan INPUT --tile-size 4096 -o plan.json
              2. for every tile I:
                   kubuqi-monitor change ... -o OUT --plan plan.json --tile I --phase stats
              3. kubuqi-monitor tiles reduce plan.json OUT
                   (region-wide thresholds, end-members, maxima)
              4. for every tile I:
                   kubuqi-monitor change ... -o OUT --plan plan.json --tile I
              5. kubuqi-monitor tiles merge plan.json OUT
                   (the same rasters and reports as one machine)

            `tiles slurm plan.json -- kubuqi-monitor change ... -o OUT` writes (and with --submit submits) \
            steps 2-5 as Slurm job arrays chained by dependencies. See docs/scale-out.md.
            """ + ExitCodesHelp.section,
            subcommands: [Plan.self, Reduce.self, Merge.self, Slurm.self])
    }
}

extension KubuqiMonitor.Tiles {
    /// `tiles plan`.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split a raster's grid (or a bounding box) into tiles aligned to its blocks; write plan.json.",
            discussion: """
            Examples:
              kubuqi-monitor tiles plan before.tif --tile-size 4096 -o plan.json
              kubuqi-monitor tiles plan --bbox 300000,4300000,420000,4400000 \\
                --crs EPSG:32649 --res 30 --tile-size 2048 -o plan.json
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("A raster whose grid and blocks the plan follows (omit with --bbox).", valueName: "INPUT"))
        var input: String?

        @Option(help: ArgumentHelp("Tile size in pixels, rounded to a multiple of the block size (or a divisor of it when blocks are larger).", valueName: "PIXELS"))
        var tileSize: Int

        @Option(help: ArgumentHelp("A region without an input raster: its box in CRS units.", valueName: "minx,miny,maxx,maxy"))
        var bbox: String?

        @Option(help: ArgumentHelp("The CRS of --bbox.", valueName: "EPSG:N"))
        var crs: String?

        @Option(name: [.customLong("resolution"), .customLong("res")],
                help: ArgumentHelp("The pixel size of --bbox's grid, in CRS units (as index --resolution; --res also works).", valueName: "R"))
        var res: Double?

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The plan file to write.", valueName: "plan.json"))
        var output: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let plan: TilePlan
            switch (input, bbox) {
            case (let input?, nil):
                plan = try TilePlanner.plan(input: input, tileSize: tileSize)
            case (nil, let bbox?):
                let box = bbox.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard box.count == 4 else { throw ValidationError("--bbox must be four numbers minx,miny,maxx,maxy") }
                guard let crs, let code = Int(crs.uppercased().replacingOccurrences(of: "EPSG:", with: "")) else {
                    throw ValidationError("--bbox needs --crs EPSG:N")
                }
                guard let res else { throw ValidationError("--bbox needs --resolution R (the pixel size)") }
                plan = try TilePlanner.plan(bbox: box, epsg: code, resolution: res, tileSize: tileSize)
            case (nil, nil): throw ValidationError("give an INPUT raster or --bbox minx,miny,maxx,maxy --crs EPSG:N --resolution R")
            case (_?, _?): throw ValidationError("give an INPUT raster or --bbox, not both")
            }
            try plan.write(to: output)
            print("plan \(output): \(plan.grid.width)x\(plan.grid.height) grid in \(plan.tiles.count) tile\(plan.tiles.count == 1 ? "" : "s") of \(plan.tileSize[0])x\(plan.tileSize[1]) (blocks \(plan.blockSize[0])x\(plan.blockSize[1])); tiles 0-\(plan.tiles.count - 1)")
        }
    }

    /// `tiles reduce`.
    struct Reduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge every tile's statistics (OUTDIR/stats/I/) into OUTDIR/reduced.json for the per-tile pass.",
            discussion: """
            Run once every tile's --phase stats has finished, before the tiles' main pass.

            Example:
              kubuqi-monitor tiles reduce plan.json out
            """ + ExitCodesHelp.section)

        @OptionGroup var job: PlannedJob
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let p = try TilePlan.load(job.plan)
            let reduced = try ReducedStatistics.reduce(plan: p, outdir: job.outdir)
            print("reduced the statistics of \(reduced.tiles) tiles of \(reduced.kind) into \(job.outdir)/\(ReducedStatistics.fileName)")
        }
    }

    /// `tiles merge`.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assemble the tiles in OUTDIR into one raster per layer (VRT and COG) and the single-machine reports.",
            discussion: """
            Run once every tile has finished.

            Example:
              kubuqi-monitor tiles merge plan.json out
            """ + ExitCodesHelp.section)

        @OptionGroup var job: PlannedJob
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let p = try TilePlan.load(job.plan)
            let mosaic = try TileMosaic(plan: p, outdir: job.outdir)
            let first = mosaic.manifests[0]
            // The tiles' own command line says what to merge; relative paths are the tiles' working folder's.
            let outdir = PathNames.absolute(job.outdir, in: FileManager.default.currentDirectoryPath)
            guard FileManager.default.changeCurrentDirectoryPath(first.workingDirectory) else {
                throw KubuqiError.input(first.workingDirectory, "the tiles' working folder is not here; run merge where the tiles ran")
            }
            let command = try KubuqiMonitor.parseAsRoot(first.arguments + (global.quiet ? ["-q"] : []))
            guard let tiled = command as? any TiledCommand else {
                throw KubuqiError(.input, "\(outdir): the tiles were made by '\(first.arguments.first ?? "?")', which has nothing to merge")
            }
            try tiled.mergeTiles(plan: p, outdir: outdir)
        }
    }
}

extension KubuqiMonitor.Tiles {
    /// `tiles slurm`.
    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write (and with --submit, submit) the Slurm job arrays of a tiled job: stats, reduce, tiles, merge.",
            discussion: """
            COMMAND is the job as on one machine, with its -o OUTDIR; each array task runs \
            COMMAND --plan plan.json --tile $SLURM_ARRAY_TASK_ID (the stats array with --phase stats). \
            Scripts and per-tile logs go to OUTDIR/slurm/. A tile whose complete output exists skips itself; \
            --only-missing submits only the tiles without it.

            Example:
              kubuqi-monitor tiles slurm plan.json --submit --throttle 50 -- \\
                kubuqi-monitor change --before a.tif --after b.tif -o out
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("The plan.", valueName: "plan.json"))
        var plan: String

        @Flag(help: "Submit the steps with sbatch (each after the previous one succeeded) and print the job ids.")
        var submit = false

        @Option(help: ArgumentHelp("Run at most M tiles at once (--array=...%M).", valueName: "M"))
        var throttle: Int?

        @Flag(help: "Only the tiles (and steps) without complete output.")
        var onlyMissing = false

        @Option(name: .customLong("sbatch"), help: ArgumentHelp("An extra #SBATCH option for every step (repeatable), e.g. --sbatch=--time=2:00:00.", valueName: "OPTION"))
        var sbatchOptions: [String] = []

        @Argument(parsing: .postTerminator, help: ArgumentHelp("The job's command line (after --).", valueName: "COMMAND"))
        var command: [String] = []

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            var command = self.command
            if let first = command.first, KubuqiMonitor.tiledCommands.contains(first) {
                command.insert(Self.executable, at: 0)
            }
            let jobs = try SlurmJobs(planPath: plan, command: command, throttle: throttle, sbatchOptions: sbatchOptions)
            let steps = try jobs.write(onlyMissing: onlyMissing)
            for s in steps {
                print("\(s.name): \(s.script)" + (s.tiles.map { " (array \(jobs.arraySpec($0)))" } ?? ""))
            }
            guard submit else {
                print("submit with \(jobs.folder)/submit.sh (or rerun with --submit)")
                return
            }
            for (step, job) in try jobs.submit(steps) { print("submitted \(step) \(job)") }
        }

        /// This executable's absolute path.
        static var executable: String {
            let me = CommandLine.arguments[0]
            if me.contains("/") { return PathNames.absolute(me, in: FileManager.default.currentDirectoryPath) }
            return me
        }
    }
}

/// The two arguments of `tiles reduce` and `tiles merge`: the plan and the job's output folder, given after the
/// plan or with `-o` as in every other command (one of the two).
struct PlannedJob: ParsableArguments {
    @Argument(help: ArgumentHelp("The plan.", valueName: "plan.json"))
    var plan: String
    @Argument(help: ArgumentHelp("The job's output folder (or give it with -o).", valueName: "OUTDIR"))
    var positionalOutdir: String?
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The job's output folder, as its -o.", valueName: "OUTDIR"))
    var optionOutdir: String?

    /// The output folder, however it was given.
    var outdir: String { optionOutdir ?? positionalOutdir ?? "" }

    /// `path` as a folder name to compare: `x`, `./x` and `x/` are one folder.
    static func folder(_ path: String) -> String { URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.path }

    func validate() throws {
        switch (positionalOutdir, optionOutdir) {
        case (nil, nil): throw ValidationError("give the job's output folder: tiles ... plan.json OUTDIR, or -o OUTDIR")
        case let (a?, b?) where Self.folder(a) != Self.folder(b): throw ValidationError("two output folders given: \(a) and -o \(b)")
        default: break
        }
    }
}
