import Foundation

/// A private scratch file of a computation (the R-tree's spilled runs, the COG tiles' spool): created new with
/// `O_NOFOLLOW | O_CLOEXEC`, mode 0600, so a link planted at its path is refused and the file it names is never
/// touched; whole buffers written and read at given offsets (`pwrite`/`pread`, safe from several threads at
/// distinct offsets). ``remove()`` closes and deletes it; releasing it only closes it.
final class ScratchFile: @unchecked Sendable {
    /// The file's path.
    let path: String
    /// What the file is, for errors (e.g. `the tile spool`).
    let name: String
    private var fd: Int32

    /// Creates (or truncates) the regular file at `path`; an error naming `name` and `path` when it cannot.
    init(path: String, name: String) throws {
        self.path = path
        self.name = name
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)   // never through a link planted at the path
        guard fd >= 0 else { throw GDALError("cannot create \(name) \(path)", messages: [String(cString: strerror(errno))]) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            guard n > 0 else { throw GDALError("cannot write \(name) \(path)", messages: [String(cString: strerror(errno))]) }
            done += n
        }
    }

    /// Fills all of `bytes` from `offset`; an error when the file ends first.
    func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pread(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            guard n > 0 else { throw GDALError("cannot read \(name) \(path)", messages: [n == 0 ? "short file" : String(cString: strerror(errno))]) }
            done += n
        }
    }

    /// Closes and deletes the file.
    func remove() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(path)
    }
}
