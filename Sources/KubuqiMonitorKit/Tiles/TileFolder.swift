import Foundation
import KubuqiRaster

/// The output folder of one tile and one pass: `OUTDIR/tiles/I/` (or
/// `OUTDIR/stats/I/`). A tile writes into a hidden folder beside it
/// (`.kubuqi-tileI-PID-XXXXXX`) and renames it into place when everything, `tile.json`
/// last, is written; so a tile folder exists only complete, and a rerun
/// skips tiles whose folder holds the same job's manifest.
public struct TileFolder: Sendable {
    /// OUTDIR.
    public let outdir: String
    /// The pass.
    public let phase: TilePhase
    /// The tile number.
    public let index: Int

    /// The manifest's file name.
    public static let manifestName = "tile.json"

    /// The tile folder of `index` in `outdir`.
    public init(outdir: String, phase: TilePhase, index: Int) {
        self.outdir = outdir
        self.phase = phase
        self.index = index
    }

    /// `OUTDIR/tiles` or `OUTDIR/stats`.
    public var root: String { (outdir as NSString).appendingPathComponent(phase.folderName) }
    /// The finished folder.
    public var path: String { (root as NSString).appendingPathComponent(String(index)) }
    /// Its manifest.
    public var manifestPath: String { (path as NSString).appendingPathComponent(Self.manifestName) }

    /// The manifest of a complete tile, nil when the tile is missing or incomplete.
    public func manifest() -> TileManifest? {
        guard FileManager.default.fileExists(atPath: manifestPath) else { return nil }
        return try? TileJSON.decode(TileManifest.self, from: manifestPath)
    }

    /// How a tile run starts: its folder, the reduced region-wide figures when
    /// a tile pass needs them, and the outcome to return at once when the
    /// tile's complete output from the same job is already there.
    public struct Start {
        /// The tile's folder.
        public let folder: TileFolder
        /// `reduced.json` and its fingerprint, for a tile pass that needs region-wide figures.
        public let reduced: (ReducedStatistics, String)?
        /// Set when the tile is already complete (a rerun skips it).
        public let done: TileRunOutcome?
    }

    /// Looks at a tile before running it (the start shared by index, change and ldn).
    public static func start(outdir: String, request: TileRequest, needsStatistics: Bool) throws -> Start {
        let folder = TileFolder(outdir: outdir, phase: request.phase, index: request.tile.index)
        var reduced: (ReducedStatistics, String)?
        if request.phase == .tile && needsStatistics { reduced = try ReducedStatistics.load(outdir: outdir, request: request) }
        let done = folder.isComplete(jobFingerprint: request.jobFingerprint, reducedFingerprint: reduced?.1)
            ? TileRunOutcome(tile: request.tile.index, phase: request.phase, computed: false, folder: folder.path) : nil
        return Start(folder: folder, reduced: reduced, done: done)
    }

    /// Whether the tile is complete for this job (and the reduced figures it used).
    public func isComplete(jobFingerprint: String, reducedFingerprint: String?) -> Bool {
        guard let m = manifest() else { return false }
        return m.jobFingerprint == jobFingerprint && m.reducedFingerprint == reducedFingerprint
    }

    /// Takes this tile's lock (so two runs of one tile never write at once)
    /// and creates the hidden folder to write into.
    public func begin() throws -> String {
        try SafeFiles.makeFolders(phase.folderName, under: outdir)
        let lockPath = (root as NSString).appendingPathComponent(".\(index).lock")
        // On the file still named .I.lock (SafeFiles.takeLock: an interrupted run of this tile may remove the one it held).
        guard try SafeFiles.takeLock(lockPath).fd != nil else {
            throw KubuqiError.output(path, "another run of tile \(index) is writing it; wait for it to finish")
        }
        // The descriptor stays open, and the lock held, until the process exits.
        // Holding the tile's lock, an earlier staging folder of this tile is a dead run's.
        SafeFiles.removeStale(in: root, lockedPrefix: ".kubuqi-tile\(index)-")
        SafeFiles.removeStale(in: root, lockedPrefix: ".\(index).part-")
        return try SafeFiles.privateFolder(in: root, purpose: "tile\(index)")
    }

    /// Writes `manifest` into `staging`, then puts `staging` in the tile's place
    /// (an earlier, incomplete or outdated folder is moved away and removed).
    public func commit(staging: String, manifest: TileManifest) throws {
        try atomicWrite(try TileJSON.encode(manifest), to: (staging as NSString).appendingPathComponent(Self.manifestName))
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw KubuqiError.output(path, "is a file, not a tile folder; remove it")
            }
            guard SafeFiles.entry(path)?.isDirectory == true else {
                throw KubuqiError.output(path, "is a link, not a tile folder; remove it")
            }
            let old = try SafeFiles.privateFolder(in: root) + "/old"
            guard rename(path, old) == 0 else {
                throw KubuqiError.output(path, "cannot move the previous tile folder away (\(String(cString: strerror(errno))))")
            }
            SafeFiles.removeTree(PathNames.parent(old))
        }
        _ = chmod(staging, 0o777 & ~SafeFiles.currentUmask)
        guard rename(staging, path) == 0 else {
            throw KubuqiError.output(path, "cannot move the finished tile into place (\(String(cString: strerror(errno))))")
        }
        Interruption.unregister(staging)
    }

    /// Removes the hidden folder of a failed run.
    public func discard(staging: String) {
        SafeFiles.removeTree(staging)
    }

    /// Every complete tile's manifest of `plan` for this pass; an input error
    /// listing the missing tiles (and the command to run them) when some are.
    public static func collect(outdir: String, phase: TilePhase, plan: TilePlan) throws -> [TileManifest] {
        var manifests: [TileManifest] = []
        var missing: [Int] = []
        for t in plan.tiles {
            if let m = TileFolder(outdir: outdir, phase: phase, index: t.index).manifest() { manifests.append(m) } else { missing.append(t.index) }
        }
        guard missing.isEmpty else {
            throw KubuqiError(.input, "\(outdir): \(missing.count) of \(plan.tiles.count) tile\(plan.tiles.count == 1 ? "" : "s") have no complete \(phase.folderName) output: \(ranges(missing)); run them\(phase == .stats ? " with --phase stats" : "") first")
        }
        let first = manifests[0]
        for m in manifests where m.jobFingerprint != first.jobFingerprint || m.planFingerprint != first.planFingerprint {
            throw KubuqiError(.input, "\(outdir): tile \(m.tile.index) was computed by another job or plan than tile \(first.tile.index) (arguments \(m.arguments.joined(separator: " ")) vs \(first.arguments.joined(separator: " "))); rerun it")
        }
        for m in manifests where m.planFingerprint != plan.fingerprint {
            throw KubuqiError(.input, "\(outdir): tile \(m.tile.index) was computed with another plan; rerun it with this one")
        }
        return manifests
    }

    /// `0-3,7,9-10`: Slurm's array notation.
    public static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let s = indices.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(j == i ? "\(s[i])" : "\(s[i])-\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
