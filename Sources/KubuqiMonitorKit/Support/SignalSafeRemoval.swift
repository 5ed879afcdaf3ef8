import Foundation

/// Removes a file or a folder tree from a signal handler (``CrashExit``): only `open`, `openat`, `getdents64`,
/// `unlinkat`, `rmdir` and `close`, into buffers allocated beforehand (``prepare()``), links never followed.
enum SignalSafeRemoval {
    /// How deep a tree is emptied (a run's work folder holds `stage/tiles/0/x.tif`: 3).
    static let maxDepth = 12

    /// Bytes of directory entries read at once, one buffer per depth.
    static let bufferSize = 8192

    nonisolated(unsafe) private static var buffers = UnsafeMutableRawPointer.allocate(byteCount: maxDepth * bufferSize, alignment: 16)

    #if os(Linux)
    private typealias GetDents = @convention(c) (Int32, UnsafeMutableRawPointer?, Int) -> Int
    nonisolated(unsafe) private static var getdents: GetDents?
    #endif

    /// Allocates the buffers and looks up `getdents64` (glibc 2.30), before any signal.
    static func prepare() {
        _ = buffers
        _ = name
        #if os(Linux)
        if let symbol = dlsym(nil, "getdents64") { getdents = unsafeBitCast(symbol, to: GetDents.self) }
        #endif
    }

    /// The first `length` bytes of `path` as a path (a registered folder's name without its trailing "/"), copied into a
    /// buffer allocated beforehand, removed as by ``remove(_:)``; false for a name longer than PATH_MAX.
    static func removeFolder(_ path: UnsafePointer<CChar>, length: Int) -> Bool {
        guard length < Int(PATH_MAX) else { return false }
        name.update(from: path, count: length)
        name[length] = 0
        return remove(name)
    }

    nonisolated(unsafe) private static var name = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)

    /// Removes `path`: a file, a link (not followed) or a folder and all in it; true when nothing is left there.
    /// Files another thread creates meanwhile are caught by the next pass (up to 50).
    static func remove(_ path: UnsafePointer<CChar>) -> Bool {
        for _ in 0..<50 {
            if unlink(path) == 0 { return true }
            if errno == ENOENT { return true }
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 { return errno == ENOENT }
            empty(fd, depth: 0)
            close(fd)
            if rmdir(path) == 0 || errno == ENOENT { return true }
        }
        return false
    }

    /// Removes everything in the open folder `fd`.
    private static func empty(_ fd: Int32, depth: Int) {
        #if os(Linux)
        guard depth < maxDepth, let getdents else { return }
        let buffer = buffers + depth * bufferSize
        while true {
            let n = getdents(fd, buffer, bufferSize)
            if n <= 0 { return }
            var offset = 0
            while offset < n {
                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
                let length = Int(buffer.load(fromByteOffset: offset + 16, as: UInt16.self))
                let name = (buffer + offset + 19).assumingMemoryBound(to: CChar.self)
                offset += length
                if length == 0 { return }
                if name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0)) { continue }   // "." and ".."
                if unlinkat(fd, name, 0) == 0 { continue }
                let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if sub >= 0 {
                    empty(sub, depth: depth + 1)
                    close(sub)
                    unlinkat(fd, name, AT_REMOVEDIR)
                }
            }
        }
        #endif
    }
}
