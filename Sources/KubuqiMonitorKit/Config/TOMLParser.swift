/// A parser for the subset of TOML (v1.0) that configuration files need:
/// comments, `[table]` and `[a.b]` headers, `key = value` with bare or
/// quoted keys, basic and literal strings, integers, floats, booleans,
/// arrays (over several lines too) and inline tables. Every error names the
/// line and what was expected.
public struct TOMLParser {
    /// A syntax error at a line.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        /// 1-based line.
        public var line: Int
        /// What is wrong.
        public var message: String
        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    private let chars: [Character]
    private var i = 0
    private var line = 1

    private init(_ text: String) { chars = Array(text) }

    /// Parses a whole document into its root table.
    public static func parse(_ text: String) throws -> TOMLTable {
        var p = TOMLParser(text)
        return try p.document()
    }

    private mutating func document() throws -> TOMLTable {
        var root = TOMLTable()
        var path: [String] = []
        while true {
            skipBlankAndComments()
            guard i < chars.count else { break }
            if chars[i] == "[" {
                let headerLine = line
                i += 1
                guard i < chars.count, chars[i] != "[" else { throw fail("arrays of tables ([[...]]) are not supported") }
                skipSpaces()
                path = try keyPath()
                skipSpaces()
                try expect("]")
                try endOfLine()
                try define(table: path, in: &root, line: headerLine)
                continue
            }
            let keyLine = line
            let keys = try keyPath()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let v = try value()
            try endOfLine()
            try insert(v, at: path + keys, line: keyLine, into: &root)
        }
        return root
    }

    private mutating func define(table path: [String], in root: inout TOMLTable, line: Int) throws {
        try mutate(&root, path: Array(path.dropLast()), line: line) { t in
            let k = path.last!
            if let existing = t.entries[k] {
                guard case .table = existing.value else { throw SyntaxError(line: line, message: "[\(path.joined(separator: "."))] redefines the key \(k) of line \(existing.line)") }
                throw SyntaxError(line: line, message: "table [\(path.joined(separator: "."))] is defined twice (first on line \(existing.line))")
            }
            t.entries[k] = (.table(TOMLTable(line: line)), line)
            t.keys.append(k)
        }
    }

    private mutating func insert(_ v: TOMLValue, at path: [String], line: Int, into root: inout TOMLTable) throws {
        try mutate(&root, path: Array(path.dropLast()), line: line) { t in
            let k = path.last!
            if let existing = t.entries[k] {
                throw SyntaxError(line: line, message: "key \(path.joined(separator: ".")) is defined twice (first on line \(existing.line))")
            }
            t.entries[k] = (v, line)
            t.keys.append(k)
        }
    }

    /// Walks (creating implicit tables) to `path` and applies `body` there.
    private func mutate(_ t: inout TOMLTable, path: [String], line: Int, _ body: (inout TOMLTable) throws -> Void) throws {
        guard let first = path.first else { return try body(&t) }
        var child: TOMLTable
        if let existing = t.entries[first] {
            guard case .table(let c) = existing.value else {
                throw SyntaxError(line: line, message: "\(first) is \(existing.value.typeName) (line \(existing.line)), not a table")
            }
            child = c
        } else {
            child = TOMLTable(line: line)
            t.keys.append(first)
        }
        try mutate(&child, path: Array(path.dropFirst()), line: line, body)
        t.entries[first] = (.table(child), t.entries[first]?.line ?? line)
    }

    // MARK: lexing

    private func fail(_ message: String) -> SyntaxError { SyntaxError(line: line, message: message) }

    private mutating func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

    private mutating func skipBlankAndComments() {
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" { i += 1 }
            else if c == "\n" { i += 1; line += 1 }
            else if c == "#" { while i < chars.count, chars[i] != "\n" { i += 1 } }
            else { break }
        }
    }

    private mutating func endOfLine() throws {
        skipSpaces()
        if i < chars.count, chars[i] == "#" { while i < chars.count, chars[i] != "\n" { i += 1 } }
        if i < chars.count, chars[i] == "\r" { i += 1 }
        guard i >= chars.count || chars[i] == "\n" else { throw fail("unexpected '\(chars[i])' after the value (one key = value per line)") }
    }

    private mutating func expect(_ c: Character) throws {
        guard i < chars.count, chars[i] == c else {
            throw fail("expected '\(c)'" + (i < chars.count ? " but found '\(chars[i])'" : " but the file ended"))
        }
        i += 1
    }

    private mutating func keyPath() throws -> [String] {
        var keys = [try key()]
        skipSpaces()
        while i < chars.count, chars[i] == "." {
            i += 1
            skipSpaces()
            keys.append(try key())
            skipSpaces()
        }
        return keys
    }

    private mutating func key() throws -> String {
        guard i < chars.count else { throw fail("expected a key but the file ended") }
        if chars[i] == "\"" || chars[i] == "'" { return try string() }
        let start = i
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" { i += 1 }
        guard i > start else { throw fail("expected a key but found '\(chars[i])'") }
        return String(chars[start..<i])
    }

    private mutating func value() throws -> TOMLValue {
        guard i < chars.count, chars[i] != "\n" else { throw fail("expected a value after '='") }
        switch chars[i] {
        case "\"", "'": return .string(try string())
        case "[": return try array()
        case "{": return try inlineTable()
        case "t", "f":
            for (word, b) in [("true", true), ("false", false)] where matches(word) {
                i += word.count
                return .boolean(b)
            }
            throw fail("expected a value (strings need quotes)")
        default: return try number()
        }
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word)
        guard i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w else { return false }
        return i + w.count == chars.count || !(chars[i + w.count].isLetter || chars[i + w.count].isNumber)
    }

    private mutating func number() throws -> TOMLValue {
        let start = i
        while i < chars.count, chars[i].isNumber || "+-._eE".contains(chars[i]) { i += 1 }
        let text = String(chars[start..<i]).replacingOccurrences(of: "_", with: "")
        if let n = Int(text) { return .integer(n) }
        if let d = Double(text), !text.isEmpty { return .float(d) }
        throw fail(text.isEmpty ? "expected a value (strings need quotes)" : "'\(text)' is not a number (strings need quotes)")
    }

    private mutating func string() throws -> String {
        let quote = chars[i]
        i += 1
        var out = ""
        while i < chars.count, chars[i] != quote {
            if chars[i] == "\n" { throw fail("the string is not closed on its line") }
            if quote == "\"" && chars[i] == "\\" {
                i += 1
                guard i < chars.count else { break }
                switch chars[i] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                default: throw fail("unknown escape \\\(chars[i]) in a string (use single quotes for Windows paths)")
                }
            } else {
                out.append(chars[i])
            }
            i += 1
        }
        guard i < chars.count else { throw fail("the string is not closed") }
        i += 1
        return out
    }

    private mutating func array() throws -> TOMLValue {
        i += 1
        var items: [TOMLValue] = []
        while true {
            skipBlankAndComments()
            guard i < chars.count else { throw fail("the array is not closed") }
            if chars[i] == "]" { i += 1; return .array(items) }
            items.append(try value())
            skipBlankAndComments()
            guard i < chars.count else { throw fail("the array is not closed") }
            if chars[i] == "," { i += 1; continue }
            guard chars[i] == "]" else { throw fail("expected ',' or ']' in the array but found '\(chars[i])'") }
        }
    }

    private mutating func inlineTable() throws -> TOMLValue {
        i += 1
        var t = TOMLTable(line: line)
        skipSpaces()
        if i < chars.count, chars[i] == "}" { i += 1; return .table(t) }
        while true {
            skipSpaces()
            let keyLine = line
            let k = try key()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let v = try value()
            if t.entries[k] != nil { throw fail("key \(k) is defined twice in the inline table") }
            t.entries[k] = (v, keyLine)
            t.keys.append(k)
            skipSpaces()
            guard i < chars.count else { throw fail("the inline table is not closed") }
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "}" { i += 1; return .table(t) }
            throw fail("expected ',' or '}' in the inline table but found '\(chars[i])'")
        }
    }
}
