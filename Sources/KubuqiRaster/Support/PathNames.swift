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
}
