import ArgumentParser
import Foundation

/// Single-valued options given more than once: swift-argument-parser keeps the last value without a word
/// (`-o a -o b` wrote to `b`); like GDAL's utilities for their single-valued switches, the command is refused
/// (exit 2, naming the option). Repeatable options (`--co`, `--gdal-config`, ...) and flags are not concerned.
enum RepeatedOptions {
    /// The first single-valued option of the command named by `arguments` (the subcommand path first) that is given
    /// twice, as `-o/--output`, with the command's path (`tiles plan`); nil when none is, or when help is asked for.
    static func firstRepeated(_ arguments: [String], root: ParsableCommand.Type) -> (option: String, command: String)? {
        guard !arguments.contains(where: { ["-h", "--help", "--experimental-dump-help"].contains($0) }),
              let data = root._dumpHelp().data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              var node = json["command"] as? [String: Any] else { return nil }
        var rest = arguments[...], path: [String] = []
        while let first = rest.first, let subs = node["subcommands"] as? [[String: Any]],
              let sub = subs.first(where: { $0["commandName"] as? String == first }) {
            node = sub
            path.append(first)
            rest = rest.dropFirst()
        }
        // Every option's spellings (-o, --output) to one display name; whether it repeats.
        var names: [String: (display: String, repeats: Bool)] = [:]
        for a in node["arguments"] as? [[String: Any]] ?? [] where a["kind"] as? String == "option" {
            let spellings = (a["names"] as? [[String: Any]] ?? []).compactMap { n -> String? in
                guard let name = n["name"] as? String, let kind = n["kind"] as? String else { return nil }
                return (kind == "short" ? "-" : "--") + name
            }
            let display = spellings.sorted { $0.count < $1.count }.joined(separator: "/")
            for s in spellings { names[s] = (display, a["isRepeating"] as? Bool ?? false) }
        }
        var seen = Set<String>()
        var i = rest.startIndex
        while i < rest.endIndex {
            let token = rest[i]
            if token == "--" { break }
            let name = token.hasPrefix("--") ? String(token.split(separator: "=", maxSplits: 1)[0]) : token
            if let option = names[name] {
                if !option.repeats, !seen.insert(option.display).inserted { return (option.display, path.joined(separator: " ")) }
                // Its value is the next argument unless attached (--output=x).
                if !token.contains("=") { i += 1 }
            }
            i += 1
        }
        return nil
    }
}
