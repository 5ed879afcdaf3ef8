import Foundation
import KubuqiRaster

/// The sbatch scripts of a tiled job: a job array of the stats pass, the
/// reduce step, a job array of the tile pass and the merge step, each
/// depending on the previous one (`--dependency=afterok:JOBID`), with one log
/// per tile in `OUTDIR/slurm/logs/`.
public struct SlurmJobs: Sendable {
    /// One step of the chain.
    public struct Step: Sendable {
        /// `stats`, `reduce`, `tiles` or `merge`.
        public var name: String
        /// The script's path.
        public var script: String
        /// The array's tiles (nil for a single job).
        public var tiles: [Int]?
    }

    /// The plan's absolute path.
    public let planPath: String
    /// The plan.
    public let plan: TilePlan
    /// The job's command: the executable, then its arguments (`kubuqi-monitor change ... -o OUT`).
    public let command: [String]
    /// OUTDIR (absolute), from the command's `-o`/`--output`.
    public let outdir: String
    /// The folder jobs run in (relative paths of the command are relative to it).
    public let workingDirectory: String
    /// At most this many tiles at once (`%M`), nil for no limit.
    public let throttle: Int?
    /// Extra `#SBATCH` options (`--partition=x`, `--time=2:00:00`, `--mem=8G`).
    public let sbatchOptions: [String]

    /// Reads the plan and finds OUTDIR in the command.
    public init(planPath: String, command: [String], throttle: Int?, sbatchOptions: [String] = [],
                workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        guard command.count >= 2 else {
            throw KubuqiError(.usage, "give the job's command after --: -- kubuqi-monitor change --before A --after B -o OUT")
        }
        guard !command.contains("--plan") && !command.contains("--tile") && !command.contains(where: { $0.hasPrefix("--plan=") || $0.hasPrefix("--tile=") }) else {
            throw KubuqiError(.usage, "leave --plan and --tile out of the command: the scripts add them for each tile")
        }
        if let t = throttle, t < 1 { throw KubuqiError(.usage, "--throttle must be at least 1") }
        func absolute(_ p: String) -> String { PathNames.absolute(p, in: workingDirectory) }
        var out: String?
        for (i, a) in command.enumerated() {
            if (a == "-o" || a == "--output"), i + 1 < command.count { out = command[i + 1] }
            if a.hasPrefix("--output=") { out = String(a.dropFirst("--output=".count)) }
        }
        guard let out else { throw KubuqiError(.usage, "the command has no -o OUTDIR; the tiles, reduce and merge need it") }
        self.planPath = absolute(planPath)
        plan = try TilePlan.load(self.planPath)
        self.command = command
        outdir = absolute(out)
        self.workingDirectory = workingDirectory
        self.throttle = throttle
        self.sbatchOptions = sbatchOptions
    }

    /// The job's fingerprint, as each tile computes it.
    public var jobFingerprint: String {
        TileRequest.fingerprint(plan: plan.fingerprint, arguments: TileRequest.jobArguments(Array(command.dropFirst())))
    }

    /// `OUTDIR/slurm`.
    public var folder: String { (outdir as NSString).appendingPathComponent("slurm") }

    /// SHA-256 of the current reduced.json when it belongs to this job.
    func currentReduced() -> String? {
        let path = (outdir as NSString).appendingPathComponent(ReducedStatistics.fileName)
        guard let data = FileManager.default.contents(atPath: path),
              let r = try? JSONDecoder().decode(ReducedStatistics.self, from: data), r.jobFingerprint == jobFingerprint else { return nil }
        var h = SHA256()
        h.update(data)
        return h.hexDigest()
    }

    /// Tiles whose pass has no complete output of this job.
    public func missing(_ phase: TilePhase) -> [Int] {
        let reduced = phase == .tile ? currentReduced() : nil
        return plan.tiles.map(\.index).filter { i in
            guard let m = TileFolder(outdir: outdir, phase: phase, index: i).manifest(), m.jobFingerprint == jobFingerprint else { return true }
            // A tile that used reduced figures is outdated when they changed.
            if phase == .tile, let used = m.reducedFingerprint { return used != reduced }
            return false
        }
    }

    /// Writes the scripts; with `onlyMissing`, the arrays hold only the tiles
    /// without complete output (and steps with nothing to do are left out).
    public func write(onlyMissing: Bool) throws -> [Step] {
        let logs = (folder as NSString).appendingPathComponent("logs")
        do { try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true) } catch {
            throw KubuqiError.output(logs, "cannot create the folder (\(error.localizedDescription))")
        }
        let all = plan.tiles.map(\.index)
        let stats = onlyMissing ? missing(.stats) : all
        let reduceNeeded = !onlyMissing || !stats.isEmpty || currentReduced() == nil
        // New reduced figures may outdate any tile: then every tile runs (each skips itself when still valid).
        let tiles = onlyMissing && !reduceNeeded ? missing(.tile) : all
        var steps: [Step] = []
        if !stats.isEmpty {
            steps.append(Step(name: "stats", script: try script("stats", array: stats, log: "stats-%a.out",
                                                                body: command + ["--plan", planPath, "--tile", "$SLURM_ARRAY_TASK_ID", "--phase", "stats", "-q"]), tiles: stats))
        }
        if reduceNeeded {
            steps.append(Step(name: "reduce", script: try script("reduce", array: nil, log: "reduce-%j.out",
                                                                 body: [command[0], "tiles", "reduce", planPath, outdir]), tiles: nil))
        }
        if !tiles.isEmpty {
            steps.append(Step(name: "tiles", script: try script("tiles", array: tiles, log: "tile-%a.out",
                                                                body: command + ["--plan", planPath, "--tile", "$SLURM_ARRAY_TASK_ID", "-q"]), tiles: tiles))
        }
        steps.append(Step(name: "merge", script: try script("merge", array: nil, log: "merge-%j.out",
                                                            body: [command[0], "tiles", "merge", planPath, outdir, "-q"]), tiles: nil))
        try writeSubmitScript(steps)
        return steps
    }

    /// Submits the steps with sbatch, each after the previous one succeeded; returns (step, job id).
    public func submit(_ steps: [Step]) throws -> [(step: String, job: String)] {
        var submitted: [(String, String)] = []
        var previous: String?
        for step in steps {
            var args = ["--parsable"]
            if let previous { args.append("--dependency=afterok:\(previous)") }
            args.append(step.script)
            let (status, out, err) = Self.runProcess("sbatch", args)
            guard status == 0, let id = out.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty else {
                throw KubuqiError(.output, "sbatch \(args.joined(separator: " ")) failed (exit \(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            submitted.append((step.name, id))
            previous = id
        }
        return submitted
    }

    /// The array notation `0-3,7%M`.
    public func arraySpec(_ tiles: [Int]) -> String {
        TileFolder.ranges(tiles) + (throttle.map { "%\($0)" } ?? "")
    }

    private func script(_ name: String, array: [Int]?, log: String, body: [String]) throws -> String {
        var lines = ["#!/bin/bash", "# \(ToolVersion.nameAndVersion): \(name) step of the tiled job in \(outdir)",
                     "#SBATCH --job-name=kubuqi-\(name)",
                     "#SBATCH --output=\((folder as NSString).appendingPathComponent("logs/" + log))",
                     "#SBATCH --chdir=\(workingDirectory)"]
        if let array { lines.append("#SBATCH --array=\(arraySpec(array))") }
        lines += sbatchOptions.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail",
                  "echo \"$(date -u +%Y-%m-%dT%H:%M:%SZ) \(name)\(array == nil ? "" : " tile ${SLURM_ARRAY_TASK_ID}") on $(hostname)\" >&2",
                  "exec " + body.map(Self.shellQuote).joined(separator: " ")]
        let path = (folder as NSString).appendingPathComponent("\(name).sbatch")
        try atomicWrite(Data((lines.joined(separator: "\n") + "\n").utf8), to: path)
        chmod(path, 0o755)
        return path
    }

    private func writeSubmitScript(_ steps: [Step]) throws {
        var lines = ["#!/bin/bash", "# Submits the steps in order, each after the previous one succeeded (what --submit does).", "set -euo pipefail", "dep=()"]
        for s in steps {
            lines.append("id=$(sbatch --parsable \"${dep[@]}\" \(Self.shellQuote(s.script)) | cut -d';' -f1); echo \"\(s.name) $id\"; dep=(--dependency=afterok:$id)")
        }
        let path = (folder as NSString).appendingPathComponent("submit.sh")
        try atomicWrite(Data((lines.joined(separator: "\n") + "\n").utf8), to: path)
        chmod(path, 0o755)
    }

    /// Single-quoted for bash, except `$SLURM_ARRAY_TASK_ID`, which must expand.
    static func shellQuote(_ s: String) -> String {
        if s == "$SLURM_ARRAY_TASK_ID" { return "\"$SLURM_ARRAY_TASK_ID\"" }
        if !s.isEmpty && s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs a program found on PATH; returns status, stdout and stderr.
    static func runProcess(_ program: String, _ args: [String]) -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return (127, "", "\(program): \(error.localizedDescription)") }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
