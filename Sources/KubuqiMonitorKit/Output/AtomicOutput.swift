import Foundation

/// An output file that appears only when complete: the work is written to a
/// hidden temporary file beside the target, renamed onto the target by
/// ``commit()``, and removed on failure or interruption.
public final class AtomicOutput: @unchecked Sendable {
    /// The final path.
    public let target: String
    /// The temporary path written meanwhile (same folder, so the rename is atomic).
    public let temporary: String
    private var finished = false

    /// Checks that `target` can be written and reserves a temporary path.
    ///
    /// - Parameter inputs: paths read by the same command; writing over one
    ///   of them is refused.
    public init(_ target: String, inputs: [String] = []) throws {
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw KubuqiError.output(target, "the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw KubuqiError.output(target, "the folder \(folder) is not writable (\(String(cString: strerror(errno))))")
        }
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDir), isDir.boolValue {
            throw KubuqiError.output(target, "is a folder, not a file")
        }
        let resolvedTarget = Self.resolved(target)
        for input in inputs where Self.resolved(input) == resolvedTarget {
            throw KubuqiError.output(target, "is also an input; choose another output path")
        }
        self.target = target
        self.temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).part-\(getpid())").path
        Interruption.register(temporary)
    }

    /// Moves the finished temporary file onto the target.
    public func commit() throws {
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw KubuqiError.output(target, "cannot move the finished file into place (\(reason))")
        }
        finished = true
        Interruption.unregister(temporary)
    }

    /// Removes the temporary file (idempotent).
    public func discard() {
        guard !finished else { return }
        unlink(temporary)
        finished = true
        Interruption.unregister(temporary)
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
