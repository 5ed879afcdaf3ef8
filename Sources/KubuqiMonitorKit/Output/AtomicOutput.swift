import Foundation
import KubuqiRaster

/// An output file that appears only when complete: the work is written into
/// a new private folder beside the target (`.kubuqi-tmp-PID-XXXXXX`, mode
/// 0700, created by `mkdtemp`, so no one can plant a link where the writer
/// writes), renamed onto the target by ``commit()``, and removed on failure
/// or interruption. The target is replaced only when it is absent or a
/// regular file of this user; a device, FIFO, socket, folder or link is refused.
public final class AtomicOutput: @unchecked Sendable {
    /// The final path.
    public let target: String
    /// The temporary path written meanwhile (same folder, so the rename is atomic).
    public let temporary: String
    /// The private folder holding ``temporary``.
    public let temporaryFolder: String
    private var finished = false

    /// Checks that `target` can be written and reserves a temporary path.
    ///
    /// - Parameter inputs: paths read by the same command; writing over one
    ///   of them is refused.
    public init(_ target: String, inputs: [String] = []) throws {
        let folder = PathNames.parent(target)
        let shownFolder = folder.isEmpty ? "." : folder
        guard let dir = SafeFiles.target(shownFolder), dir.isDirectory else {
            throw KubuqiError.output(target, "the folder \(Quoted.name(shownFolder)) does not exist")
        }
        guard access(shownFolder, W_OK) == 0 else {
            throw KubuqiError.output(target, "the folder \(Quoted.name(shownFolder)) is not writable (\(String(cString: strerror(errno))))")
        }
        if let e = SafeFiles.entry(target), e.isDirectory {
            throw KubuqiError.output(target, "is a folder, not a file")
        }
        try SafeFiles.requireReplaceable(target)
        // The previous output's sidecar is removed on commit: it must be removable (a planted link is refused).
        try SafeFiles.requireReplaceable(SafeFiles.sidecar(of: target))
        let resolvedTarget = Self.resolved(target)
        for input in inputs where Self.resolved(input) == resolvedTarget {
            throw KubuqiError.output(target, "is also an input; choose another output path")
        }
        SafeFiles.removeStale(in: shownFolder)
        self.target = target
        temporaryFolder = try SafeFiles.privateFolder(in: shownFolder, blame: target)
        let name = (target as NSString).lastPathComponent
        temporary = temporaryFolder + "/" + (name.isEmpty ? "output" : name)
    }

    /// Moves the finished temporary file onto the target, and removes the
    /// replaced file's `.aux.xml` (``SafeFiles/removeStaleSidecar(of:)``), which
    /// GDAL would otherwise read as the new file's (a stale nodata, scale or
    /// offset, baked into the COG when the file is rewritten in place).
    public func commit() throws {
        do { try SafeFiles.renameFinished(temporary, onto: target) } catch {
            discard()
            throw error
        }
        SafeFiles.removeStaleSidecar(of: target)
        finished = true
        removeFolder()
    }

    /// Moves the finished temporaries of `outputs` onto their targets together, with no interruption's clean-up in
    /// between (``Interruption/whileCreating(_:)``): a signal finds all of them published or none (session 17; `stack`'s
    /// OUT.tif, OUT.count.tif and OUT.json). Each replaced file's stale `.aux.xml` and each private folder are removed
    /// after. A rename that fails stops there, with an output error naming its target.
    public static func commitAll(_ outputs: [AtomicOutput]) throws {
        defer { for o in outputs { o.discard() } }   // the private folders, whatever happened
        try Interruption.whileCreating {
            for (k, o) in outputs.enumerated() {
                if k > 0 { TestPause.at("between-renames") }
                try SafeFiles.renameFinished(o.temporary, onto: o.target)
                o.published = true
            }
        }
        for o in outputs where o.published { SafeFiles.removeStaleSidecar(of: o.target) }
    }

    /// Set once ``commitAll(_:)`` moved the temporary onto the target.
    private var published = false

    /// Removes the temporary file and its folder (idempotent).
    public func discard() {
        guard !finished else { return }
        finished = true
        removeFolder()
    }

    private func removeFolder() {
        SafeFiles.removeTree(temporaryFolder)
    }

    deinit { discard() }

    /// The canonical path of `path` (symlinks resolved), or the path as given
    /// when it does not exist.
    static func resolved(_ path: String) -> String {
        guard let r = realpath(path, nil) else { return URL(fileURLWithPath: path).standardizedFileURL.path }
        defer { free(r) }
        return String(cString: r)
    }
}
