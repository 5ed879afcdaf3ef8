import Foundation

/// Input files read whole (metadata, configs, plans): only a regular file is
/// opened, so a FIFO, device or socket never blocks the run, and a file
/// larger than the limit is refused before it is read into memory.
public enum InputFile {
    /// The largest metadata or configuration file read (64 MiB; an MTL is ~10 KB, a STAC item ~50 KB).
    public static let sizeLimit = 64 << 20

    /// An input error unless `path` leads to a regular file (links followed).
    public static func requireRegular(_ path: String, allowFolder: Bool = false) throws {
        guard let e = SafeFiles.target(path) else {
            throw KubuqiError.input(path, SafeFiles.entry(path) != nil ? "is a broken or looping symbolic link" : "no such file" + bandHint(path))
        }
        if e.isRegular || (allowFolder && e.isDirectory) { return }
        if e.isDirectory { throw KubuqiError.input(path, "is a folder, not a file") }
        throw KubuqiError.input(path, "is \(e.kind), not a regular file; only regular files are read")
    }

    /// For a missing `FILE:WORD` whose FILE exists (`ndvi.tif:abc`, `ndvi.tif:-1`): that WORD is not a band
    /// number, which is what the user meant to give; empty otherwise.
    static func bandHint(_ path: String) -> String {
        guard let colon = path.lastIndex(of: ":"), colon != path.startIndex else { return "" }
        let file = String(path[..<colon]), word = String(path[path.index(after: colon)...])
        // A whole number would have been read as the band where FILE:BAND is taken: no hint where it is not.
        guard SafeFiles.target(file)?.isRegular == true, !(Int(word).map { $0 >= 0 } ?? false) else { return "" }
        return "; \(Quoted.name(file)) exists, but '\(word)' after it is not a band number (FILE:BAND, bands numbered from 1)"
    }

    /// The bytes of a regular file of at most `limit` bytes.
    public static func read(_ path: String, limit: Int = sizeLimit) throws -> Data {
        try requireRegular(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw KubuqiError.input(path, "cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw KubuqiError.input(path, "is not a regular file; only regular files are read")
        }
        guard Int(st.st_size) <= limit else {
            throw KubuqiError.input(path, "is \(st.st_size) bytes; a file of this kind over \(limit >> 20) MiB is refused")
        }
        var data = Data(count: Int(st.st_size))
        var filled = 0
        let ok = data.withUnsafeMutableBytes { raw -> Bool in
            while filled < raw.count {
                let n = Foundation.read(fd, raw.baseAddress! + filled, raw.count - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n == 0 }
                filled += n
            }
            return true
        }
        guard ok else { throw KubuqiError.input(path, "cannot be read (\(String(cString: strerror(errno))))") }
        return data.prefix(filled)
    }

    /// The UTF-8 text of a regular file (invalid bytes replaced).
    public static func text(_ path: String, limit: Int = sizeLimit) throws -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }
}
