import Foundation

/// How an error message names a file inside one of a run's private folders (its work folder
/// `.kubuqi-work-PID-X`, a temporary folder `.kubuqi-tmp-PID-X`, a tile's staging), which the run
/// removes when it ends: never as a path that did not exist. A staged output is named by the output
/// it was to become, said to be staged (`out/hotspots.gpkg (staged, not published)`); a file being
/// written by the name it was written for (`out/ndvi.tif (being written, not published)`); a work
/// file by its real path, said to be one (`out/.kubuqi-work-7-Ab12Cd/alert-mask.tif (a work file of
/// this run, removed with its work folder)`); any other path in a private folder by its real path,
/// said to be a temporary (docs/robustness.md, "Names in messages while staging").
public enum StagedNames {
    /// After a staged output's name.
    public static let staged = " (staged, not published)"
    /// After the name a file was being written for (its temporary renamed).
    public static let beingWritten = " (being written, not published)"
    /// After a work file's real path.
    public static let workFile = " (a work file of this run, removed with its work folder)"
    /// After any other path in a run's private folder.
    public static let temporary = " (a temporary of this run, removed when it ended)"

    /// The characters that end a path in a message (`PATH: reason`, `(PATH)`, `PATH, ...`, quotes).
    static let ends: Set<Character> = [":", " ", ")", "(", ",", ";", "'", "\"", "\n", "]", "["]

    /// `message` with every occurrence of `temporary` (a file being written) named as `target`, explained.
    public static func writing(_ message: String, temporary: String, as target: String) -> String {
        guard temporary != target else { return message }
        return replacingPaths(in: message, under: temporary) { token, explained in
            target + String(token.dropFirst(temporary.count)) + (explained ? "" : beingWritten)
        }
    }

    /// `message` of a run staged in `work` (its outputs in `stage`, published into `output`): a staged output named
    /// `output/NAME`, a work file by its real path, each explained once.
    public static func staged(_ message: String, work: String, stage: String, output: String) -> String {
        let out = output.hasSuffix("/") ? String(output.dropLast()) : output
        let text = replacingPaths(in: message, under: work + "/") { token, explained in
            if token.hasPrefix(stage + "/") {
                return out + "/" + token.dropFirst(stage.count + 1) + (explained ? "" : staged)
            }
            return token + workFile
        }
        // A work file being written is a work file: one explanation.
        return text.replacingOccurrences(of: workFile + beingWritten, with: workFile)
            .replacingOccurrences(of: workFile + workFile, with: workFile)
            .replacingOccurrences(of: workFile + temporary, with: workFile)
    }

    /// `message` with every path in a run's private folder (`/.kubuqi-work-`, `/.kubuqi-tmp-`, `/.kubuqi-tile`) not yet
    /// explained followed by ``temporary``: the last step before a message is printed.
    public static func explainingPrivateFolders(_ message: String) -> String {
        var text = message
        for marker in ["/.kubuqi-work-", "/.kubuqi-tmp-", "/.kubuqi-tile"] {
            text = replacingPaths(in: text, under: marker) { token, explained in
                token + (explained ? "" : temporary)
            }
        }
        return text
    }

    /// Replaces each path of `message` that starts with `prefix` (or holds it, when `prefix` is a marker `/.NAME`)
    /// by `rewrite(path, explained)`, `explained` telling whether one of this type's explanations already follows it.
    static func replacingPaths(in message: String, under prefix: String,
                               _ rewrite: (_ token: String, _ explained: Bool) -> String) -> String {
        guard !prefix.isEmpty, message.contains(prefix) else { return message }
        var out = "", rest = Substring(message)
        while let found = rest.range(of: prefix) {
            // The path starts at `found` unless `prefix` is a marker within a path: then back to the path's start.
            var start = found.lowerBound
            if prefix.hasPrefix("/.") {
                while start > rest.startIndex, !ends.contains(rest[rest.index(before: start)]) { start = rest.index(before: start) }
            }
            var end = found.upperBound
            while end < rest.endIndex, !ends.contains(rest[end]) { end = rest.index(after: end) }
            let before = out + rest[..<start]
            let token = String(rest[start..<end])
            let after = rest[end...]
            let explained = [staged, beingWritten, workFile, temporary].contains { after.hasPrefix($0) }
            out = before + rewrite(token, explained)
            rest = after
        }
        return out + rest
    }
}
