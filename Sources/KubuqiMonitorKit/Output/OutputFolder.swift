import Foundation
import KubuqiRaster

/// A command's output folder: created when its parent exists, refused when
/// it is a file; a hidden work folder inside holds intermediate rasters and
/// is removed when the command ends.
public struct OutputFolder: Sendable {
    /// The folder's path.
    public let path: String
    /// Whether this run created the folder.
    public let created: Bool

    /// Checks or creates the folder. An existing path must be a folder (or a
    /// link to one the user named); a file, device, FIFO or socket is refused.
    public init(_ path: String) throws {
        var made = false
        if let e = SafeFiles.target(path) {
            guard e.isDirectory else {
                let what = e.isRegular ? "a file" : e.kind
                throw KubuqiError.output(path, "is \(what); the output must be a folder")
            }
        } else if let e = SafeFiles.entry(path) {
            throw KubuqiError.output(path, "is \(e.kind) leading nowhere; the output must be a folder")
        } else {
            let parent = PathNames.parent(path)
            guard parent.isEmpty || SafeFiles.target(parent)?.isDirectory == true else {
                throw KubuqiError.output(path, "the folder \(Quoted.name(parent)) does not exist")
            }
            // Created and registered with no interruption's clean-up in between (it would leave the folder).
            let failure: String? = Interruption.whileCreating {
                guard mkdir(path, 0o777) == 0 else { return String(cString: strerror(errno)) }
                Interruption.registerCreatedFolder(path)
                return nil
            }
            if let failure { throw KubuqiError.output(path, "cannot create the folder (\(failure))") }
            made = true
        }
        guard access(path, W_OK) == 0 else {
            throw KubuqiError.output(path, "the folder is not writable (\(String(cString: strerror(errno))))")
        }
        self.path = path
        created = made
    }

    /// After a failed run: removes the lock file when this run holds it, and
    /// the folder itself when this run created it and nothing else is in it,
    /// so a refused command leaves no debris. A lock file this run does not
    /// hold stays (another run may have taken the folder between this run's
    /// `mkdir` and its `flock`).
    ///
    /// - Parameter keepLock: leave the lock file even if this run holds it.
    public func cleanUpAfterFailure(keepLock: Bool = false) {
        let lockPath = file(".kubuqi.lock")
        if !keepLock, Interruption.holdsLock(lockPath) { unlink(lockPath) }
        if created, (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true {
            rmdir(path)
        }
    }

    /// A path in the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Takes the folder's lock (`.kubuqi.lock`, an advisory `flock`) for the
    /// rest of the process, so two runs never write one folder at once; the
    /// second run stops with a message naming the first. The kernel releases
    /// the lock when the process ends, however it ends. The lock is checked to
    /// be on the file still named `.kubuqi.lock` (``SafeFiles/takeLock(_:)``).
    public func lock() throws {
        let lockPath = file(".kubuqi.lock")
        TestPause.at("before-lock")
        // The lock is on the file still named .kubuqi.lock (SafeFiles.takeLock), noted as this run's with no
        // interruption's clean-up in between.
        let (taken, holder) = try SafeFiles.takeLock(lockPath)
        guard let fd = taken else {
            throw KubuqiError.output(path, "another kubuqi-monitor run (pid \(holder)) is writing this folder; wait for it to finish")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        // The descriptor stays open (and the lock held) until the process exits.
        // Holding the lock, any temporary of another run here is a dead run's.
        SafeFiles.removeStale(in: path)
        TestPause.at("after-lock")
    }

    /// An output error when one of `targets` is one of `inputs` (after
    /// resolving links and relative paths): an output would replace its input.
    public func refuseOverwriting(_ inputs: [String], with targets: [String]) throws {
        let resolvedInputs = Set(inputs.map(AtomicOutput.resolved))
        for target in targets where resolvedInputs.contains(AtomicOutput.resolved(target)) {
            throw KubuqiError.output(target, "is also an input; choose another output folder")
        }
    }

    /// Runs a command that writes into this folder through a staging folder:
    /// takes the folder's lock, gives `body` a work folder and the staging
    /// folder inside it, and when `body` returns publishes the staged files
    /// (never over one of the `protecting` inputs it names). The work folder
    /// is removed however the run ends; after a failure the folder is left
    /// as it was (removed if this run created it and nothing else is in it). The rasters it stages in the work folder
    /// are weighed together against the free space (``RunStagingLedger``, opened before `body` runs).
    public func runStaged<T>(_ body: (_ work: WorkFolder, _ stage: OutputFolder) throws -> (result: T, protecting: [String])) throws -> T {
        try lock()
        var succeeded = false
        defer { if !succeeded { cleanUpAfterFailure() } }
        let work = try workFolder()
        defer { work.remove() }
        let stage = try work.staging()
        // Every raster the run stages in its work folder weighed with those before it against the free space measured now.
        let ledger = RunStagingLedger(folder: path, covering: [work.path])
        do {
            let (result, inputs) = try ledger.whileOpen { try body(work, stage) }
            TestPause.at("before-publish")
            try publish(stage.path, protecting: inputs)
            succeeded = true
            return result
        } catch var e as KubuqiError {
            // A staged output named by the output it was to become, said to be staged; a work file by its real path,
            // said to be one (never a path in this folder that did not exist: StagedNames).
            e.message = StagedNames.staged(e.message, work: work.path, stage: stage.path, output: path)
            throw e
        }
    }

    /// A fresh hidden work folder inside.
    public func workFolder() throws -> WorkFolder { try WorkFolder(in: path) }

    /// Moves every file of `staging` (recursively) into this folder, replacing
    /// files of the same name. Each move is a rename on the same file system, so
    /// a run's outputs replace the previous run's only once all are complete;
    /// an interrupted run leaves the previous outputs as they were.
    ///
    /// Nothing is moved when a file would replace one of `inputs` (an input
    /// kept in the output folder under an output's name): an output error
    /// naming it.
    public func publish(_ staging: String, protecting inputs: [String] = []) throws {
        let files = try SceneFiles.list(staging)
        let relatives = files.map { String($0.dropFirst(staging.count + 1)) }
        let targets = relatives.map { self.file($0) }
        try refuseOverwriting(inputs, with: targets)
        // A published file whose `.aux.xml` is not published with it: the previous output's sidecar, if
        // any, described the file replaced and is removed (GDAL would read it as the new file's).
        let published = Set(relatives)
        let bare = zip(relatives, targets).filter { !published.contains(SafeFiles.sidecar(of: $0.0)) }.map(\.1)
        // Every target checked before any is moved: a link, device or folder in
        // the way stops the publication with the previous outputs intact.
        for (relative, target) in zip(relatives, targets) {
            try SafeFiles.makeFolders(PathNames.parent(relative), under: path)
            try SafeFiles.requireReplaceable(target)
        }
        for target in bare { try SafeFiles.requireReplaceable(SafeFiles.sidecar(of: target)) }
        // All moved with no interruption's clean-up in between: an interrupted run publishes all or nothing.
        try Interruption.whileCreating {
            for (file, target) in zip(files, targets) {
                try SafeFiles.renameFinished(file, onto: target)
            }
        }
        for target in bare { SafeFiles.removeStaleSidecar(of: target) }
        TestPause.at("after-publish")
    }
}

/// A hidden folder of intermediate files (`.kubuqi-work-PID-XXXXXX`, private,
/// created by `mkdtemp`), removed by ``remove()`` and on interruption.
public struct WorkFolder: Sendable {
    /// Its path.
    public let path: String

    init(in parent: String) throws {
        path = try SafeFiles.privateFolder(in: parent, purpose: "work")
    }

    /// A path inside.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// A staging output folder inside, where a run writes before ``OutputFolder/publish(_:protecting:)``.
    public func staging() throws -> OutputFolder {
        try OutputFolder(file("stage"))
    }

    /// Removes the folder and everything in it.
    public func remove() {
        SafeFiles.removeTree(path)
    }
}
