import CGDAL
import Foundation
import Synchronization

/// Refuses a VRT that reads a file as raw pixels (`VRTRawRasterBand`), in
/// the VRT itself or in a VRT it reads from, unless the user allowed it with
/// `GDAL_VRT_ENABLE_RAWRASTERBAND=YES`. GDAL 3.7 and later refuse such
/// bands themselves under that option; GDAL 3.6 does not know the option, so
/// the check is made here, before GDAL opens the file: a downloaded VRT over
/// `/etc/passwd` must not turn its bytes into pixels.
enum VRTGuard {
    /// How deep VRTs reading VRTs are followed (a chain longer than this is refused).
    static let maximumDepth = 8
    /// The largest VRT text read (a VRT is XML of a few KB; a mosaic of thousands of tiles a few MB).
    static let maximumSize = 32 << 20

    /// Throws when `path` is a VRT with a raw band (directly or through nested VRTs) and raw bands are not allowed.
    static func check(_ path: String) throws {
        if let allowed = CPLGetConfigOption("GDAL_VRT_ENABLE_RAWRASTERBAND", nil).map({ String(cString: $0) }),
           ["YES", "TRUE", "ON", "1"].contains(allowed.uppercased()) { return }
        var visited = Set<String>()
        try check(path, depth: 0, visited: &visited, top: path)
    }

    private static func check(_ path: String, depth: Int, visited: inout Set<String>, top: String) throws {
        guard visited.insert(path).inserted else { return }
        let sources: [String]
        switch reading(path) {
        case .notVRT: return
        case .sources(let s): sources = s
        case .rawBand:
            throw GDALError("cannot open \(top) as a raster", messages: [
                (path == top ? "" : "\(path), which it reads, ")
                + "has a VRTRawRasterBand (raw bytes of another file read as pixels), refused for untrusted inputs; "
                + "set GDAL_VRT_ENABLE_RAWRASTERBAND=YES (--gdal-config) to allow it"])
        }
        guard !sources.isEmpty else { return }
        guard depth < maximumDepth else {
            throw GDALError("cannot open \(top) as a raster", messages: ["VRTs nested more than \(maximumDepth) deep"])
        }
        for source in sources { try check(source, depth: depth + 1, visited: &visited, top: top) }
    }

    /// What a file's text says: not a VRT, a VRT with a raw band, or a VRT reading these files.
    enum Reading: Sendable {
        case notVRT, rawBand
        case sources([String])
    }

    /// A file as `stat` sees it: a changed file (size, modification or status-change time, inode) is read again.
    struct Identity: Hashable, Sendable {
        let path: String, device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int, changed: Int, changedNanoseconds: Int
    }

    /// A file modified this recently (seconds) is not kept: on a file system with coarse times, a rewrite of the same
    /// size within one tick would keep its identity.
    static let settled = 2

    /// Readings of local files by identity. A VRT is opened once per group of observations (`stack`
    /// opens a collection 32 observations at a time, each group afresh): a 1 x 1 VRT of 4000 dated
    /// bands (1.2 MB of XML, one band per observation) was read and searched by regular expression
    /// 250 times, 2 s in all; at 65,535 bands (14 MB) 4,096 times, so `stack` ran for hours.
    private static let readings = Mutex<[Identity: Reading]>([:])

    /// The reading of `path`, from ``readings`` when the file is unchanged since it was read.
    static func reading(_ path: String) -> Reading {
        var st = stat()
        let id: Identity? = path.hasPrefix("/vsi") || stat(path, &st) != 0 ? nil
            : Identity(path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                       seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec),
                       changed: Int(st.st_ctim.tv_sec), changedNanoseconds: Int(st.st_ctim.tv_nsec))
        if let id, let known = readings.withLock({ $0[id] }) { return known }
        let r: Reading
        if let text = vrtText(path) {
            if text.range(of: "VRTRawRasterBand", options: .caseInsensitive) != nil { r = .rawBand } else {
                var seen = Set<String>()
                r = .sources(sourceFiles(in: text, vrt: path).filter { seen.insert($0).inserted })
            }
        } else {
            r = .notVRT
        }
        if let id, time(nil) - max(id.seconds, id.changed) >= Self.settled { readings.withLock { $0[id] = r } }
        return r
    }

    /// The text of `path` when it is a VRT (XML starting with `<VRTDataset`), nil otherwise.
    static func vrtText(_ path: String) -> String? {
        guard !path.hasPrefix("/vsicurl") && !path.hasPrefix("/vsis3") && !path.hasPrefix("/vsigs") && !path.hasPrefix("/vsiaz")
                && !path.hasPrefix("/vsihttp"),
              let fp = VSIFOpenL(path, "rb") else { return nil }
        defer { VSIFCloseL(fp) }
        var head = [UInt8](repeating: 0, count: 1024)
        let n = VSIFReadL(&head, 1, head.count, fp)
        let start = String(decoding: head[0..<n], as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard start.lowercased().hasPrefix("<vrtdataset") else { return nil }
        var bytes = Array(head[0..<n])
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < maximumSize {
            let m = VSIFReadL(&chunk, 1, chunk.count, fp)
            if m == 0 { break }
            bytes += chunk[0..<m]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `SourceFilename`s of a VRT, made absolute against its folder when relative.
    static func sourceFiles(in text: String, vrt: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: "<SourceFilename([^>]*)>([^<]*)</SourceFilename>", options: [.caseInsensitive]) else { return [] }
        let folder = (vrt as NSString).deletingLastPathComponent
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            guard let a = Range(m.range(at: 1), in: text), let v = Range(m.range(at: 2), in: text) else { return nil }
            let name = String(text[v]).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { return nil }
            let relative = text[a].lowercased().replacingOccurrences(of: " ", with: "").contains("relativetovrt=\"1\"")
            return relative && !name.hasPrefix("/") ? (folder.isEmpty ? name : folder + "/" + name) : name
        }
    }
}
