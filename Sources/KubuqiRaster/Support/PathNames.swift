/// File-name arithmetic on path strings, without Foundation.
///
/// swift-corelibs-foundation's `NSString.deletingLastPathComponent` traps on a
/// one-character last component ("x", "T/"), which users type as output
/// folders; these functions are the project's one place for it.
public enum PathNames {
    /// The folder part of `path`, as `deletingLastPathComponent` defines it:
    /// trailing slashes ignored, "" for a bare name, "/" for a name in the
    /// root. `parent("a/b") == "a"`, `parent("x") == ""`, `parent("/a") == "/"`,
    /// `parent("T/") == ""`.
    public static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        var folder = p[..<slash]
        while folder.count > 1 && folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The path of `name` in the folder of `path`: `sibling("a/b.json", ".b.part")
    /// == "a/.b.part"`, `sibling("b.json", ".b.part") == ".b.part"` (a bare
    /// name's folder is the working directory, not "/").
    public static func sibling(of path: String, named name: String) -> String {
        let folder = parent(path)
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `path` made absolute against the folder `base` (itself absolute), with
    /// `.` and `..` resolved by name (links are not followed).
    /// `absolute("../b", in: "/w/a") == "/w/b"`, `absolute("/x/./y", in: "/w") == "/x/y"`.
    public static func absolute(_ path: String, in base: String) -> String {
        var parts: [Substring] = []
        for c in (path.hasPrefix("/") ? path : base + "/" + path).split(separator: "/") where c != "." {
            if c == ".." { _ = parts.popLast() } else { parts.append(c) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The path of `target` seen from the folder `base` (both absolute), with
    /// `..` steps: `relative(from: "/o/baseline", to: "/o/tiles/0/x.tif") == "../tiles/0/x.tif"`.
    public static func relative(from base: String, to target: String) -> String {
        let b = base.split(separator: "/"), t = target.split(separator: "/")
        var common = 0
        while common < b.count && common < t.count - 1 && b[common] == t[common] { common += 1 }
        return (Array(repeating: "..", count: b.count - common) + t[common...].map(String.init)).joined(separator: "/")
    }
}
