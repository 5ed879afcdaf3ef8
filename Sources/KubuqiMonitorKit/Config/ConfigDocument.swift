import Foundation
import TOMLKit

/// Reads a configuration file: TOML 1.0, parsed by TOMLKit (toml++), turned into a
/// ``ConfigTable`` whose keys carry the line they were written on. Every error is one
/// line naming the file and the line: `ldn.toml:3: ...`.
public enum ConfigDocument {
    /// Configs are a few hundred bytes; anything past this is not one.
    public static let maximumBytes = 1 << 20

    /// Reads and parses the file at `path`.
    public static func load(_ path: String) throws -> ConfigTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubuqiError.input(path, FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        return try parse(data, file: path)
    }

    /// Parses `data`, the contents of `file` (named in errors).
    public static func parse(_ data: Data, file: String) throws -> ConfigTable {
        guard data.count <= maximumBytes else {
            throw KubuqiError.input(file, "is \(data.count) bytes; a config is at most \(maximumBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw KubuqiError.input(file, "is not UTF-8 text") }
        // TOMLKit hands the text to C++ as a C string: a NUL would silently end the document there.
        if let nul = text.firstIndex(of: "\0") {
            let line = text[..<nul].reduce(1) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            throw KubuqiError(.input, "\(file):\(line): contains a NUL character (not allowed in TOML)")
        }
        if let line = nulEscapeLine(text) {
            throw KubuqiError(.input, "\(file):\(line): a string or key holds \\u0000 (a NUL character), which no path, name or keyword can hold "
                              + "(the string would end there: \"a.tif\\u0000x\" was read as a.tif)")
        }
        let lines = ConfigKeyLines(text)
        if let n = lines.headerWithoutName { throw KubuqiError(.input, "\(file):\(n): a table header needs a name after '['") }
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            let line = e.source.begin.line
            throw KubuqiError(.input, "\(file):\(line > 0 ? "\(line):" : "") \(oneLine(e.description))")
        }
        return convert(root, path: [], line: 0, lines: lines)
    }

    /// The line of the first `\u0000` or `\U00000000` escape (after an odd number of backslashes,
    /// so `\\u0000`, an escaped backslash then `u0000`, is not one), nil when there is none. TOML
    /// forbids a raw NUL but decodes this escape in basic strings and quoted keys into one, and
    /// TOMLKit hands strings to Swift as C strings: `"a.tif\u0000x"` was read as `a.tif`. The
    /// escape is refused wherever it is written (a comment or a literal string included: no
    /// config of this tool has a reason to hold it).
    static func nulEscapeLine(_ text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        var line = 1, backslashes = 0
        for (i, c) in scalars.enumerated() {
            if c == "\n" { line += 1 }
            if c == "\\" { backslashes += 1; continue }
            defer { backslashes = 0 }
            guard backslashes % 2 == 1 else { continue }
            let digits = c == "u" ? 4 : c == "U" ? 8 : 0
            guard digits > 0, i + digits < scalars.count else { continue }
            if scalars[(i + 1)...(i + digits)].allSatisfy({ $0 == "0" }) { return line }
        }
        return nil
    }

    /// toml++ quotes the offending text, which may hold a line end or a control character.
    static func oneLine(_ message: String) -> String {
        String(message.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined())
    }

    private static func convert(_ table: TOMLTable, path: [String], line: Int, lines: ConfigKeyLines) -> ConfigTable {
        var out = ConfigTable(line: line)
        for (key, value) in zip(table.keys, table.values) {
            let keyLine = lines.line(of: path + [key]) ?? line
            out.entries[key] = (convert(value, path: path + [key], line: keyLine, lines: lines), keyLine)
        }
        out.keys = out.entries.keys.sorted { (out.entries[$0]!.line, $0) < (out.entries[$1]!.line, $1) }
        return out
    }

    private static func convert(_ value: TOMLValue, path: [String], line: Int, lines: ConfigKeyLines) -> ConfigValue {
        switch value.type {
        case .table: return .table(convert(value.table!, path: path, line: line, lines: lines))
        case .array: return .array(value.array!.map { convert($0.tomlValue, path: path, line: line, lines: lines) })
        case .string: return .string(value.string!)
        case .int: return .integer(value.int!)
        case .double: return .float(value.double!)
        case .bool: return .boolean(value.bool!)
        case .date, .time, .dateTime: return .dateTime(value.debugDescription)
        }
    }
}
