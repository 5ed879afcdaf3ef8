/// The line on which each key of a (valid) TOML document is written, for messages:
/// TOMLKit does not report where a value came from. A light scan of the text, not a
/// parser: it follows `[table]` headers and `key =` lines outside strings and
/// multi-line arrays; keys inside inline tables and arrays of tables take their
/// parent's line (``line(of:)`` returns nil for them).
///
/// It also finds the first `[` header with no name (`[` then a line end, `[[[`): toml++ 3.4
/// asserts on those instead of reporting an error (toml-test's `key/single-open-bracket`).
struct ConfigKeyLines {
    private var lines: [String: Int] = [:]
    /// The first line holding a table header with no name, nil when none.
    private(set) var headerWithoutName: Int?

    init(_ text: String) {
        var table: [String] = []
        var depth = 0                    // open [ and { of a value spanning lines
        var multiline: Character? = nil  // the quote of an open """ or ''' string
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = Array(raw)
            var i = 0
            if multiline == nil && depth == 0 {
                Self.skipSpaces(line, &i)
                if i < line.count, line[i] == "[" {
                    let array = i + 1 < line.count && line[i + 1] == "["
                    i += array ? 2 : 1
                    if headerWithoutName == nil, !Self.headerNameFollows(line, i) { headerWithoutName = n + 1 }
                    if let keys = Self.keyPath(line, &i) {
                        table = keys
                        record(keys, line: n + 1)
                    }
                    continue
                } else if let keys = Self.keyPath(line, &i), i < line.count, line[i] == "=" {
                    record(table + keys, line: n + 1)
                    i += 1
                }
            }
            Self.scanValue(line, from: i, depth: &depth, multiline: &multiline)
        }
    }

    /// The 1-based line of `path` (table names then key), nil when not found.
    func line(of path: [String]) -> Int? { lines[path.joined(separator: "\u{1}")] }

    private mutating func record(_ path: [String], line: Int) {
        for k in 1...max(1, path.count) where !path.isEmpty {
            let key = path.prefix(k).joined(separator: "\u{1}")
            if lines[key] == nil { lines[key] = line }
        }
    }

    /// Whether, after spaces and tabs, `s[i...]` starts a key or closes the header (what toml++ expects there).
    private static func headerNameFollows(_ s: [Character], _ start: Int) -> Bool {
        var i = start
        while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
        guard i < s.count else { return false }
        let c = s[i]
        return c == "\"" || c == "'" || c == "]" || (c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-"))
    }

    private static func skipSpaces(_ s: [Character], _ i: inout Int) {
        while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\r" { i += 1 }
    }

    /// `a.b."c d"`, then any spaces; nil when the text there is not a key path.
    private static func keyPath(_ s: [Character], _ i: inout Int) -> [String]? {
        var keys: [String] = []
        while true {
            skipSpaces(s, &i)
            guard i < s.count else { return nil }
            if s[i] == "\"" || s[i] == "'" {
                let quote = s[i]
                var key = ""
                i += 1
                while i < s.count, s[i] != quote {
                    if quote == "\"", s[i] == "\\", i + 1 < s.count { i += 1 }
                    key.append(s[i])
                    i += 1
                }
                guard i < s.count else { return nil }
                i += 1
                keys.append(key)
            } else {
                let start = i
                while i < s.count, s[i].isASCII, s[i].isLetter || s[i].isNumber || s[i] == "_" || s[i] == "-" { i += 1 }
                guard i > start else { return nil }
                keys.append(String(s[start..<i]))
            }
            skipSpaces(s, &i)
            if i < s.count, s[i] == "." { i += 1; continue }
            return keys
        }
    }

    /// Follows strings, brackets and comments to the end of the line.
    private static func scanValue(_ s: [Character], from start: Int, depth: inout Int, multiline: inout Character?) {
        var i = start
        while i < s.count {
            if let q = multiline {
                if s[i] == "\\", q == "\"" { i += 2; continue }
                if i + 2 < s.count, s[i] == q, s[i + 1] == q, s[i + 2] == q { multiline = nil; i += 3; continue }
                i += 1
                continue
            }
            switch s[i] {
            case "#": return
            case "[", "{": depth += 1
            case "]", "}": depth = max(0, depth - 1)
            case "\"", "'":
                let q = s[i]
                if i + 2 < s.count, s[i + 1] == q, s[i + 2] == q { multiline = q; i += 3; continue }
                i += 1
                while i < s.count, s[i] != q {
                    if q == "\"", s[i] == "\\" { i += 1 }
                    i += 1
                }
            default: break
            }
            i += 1
        }
    }
}
