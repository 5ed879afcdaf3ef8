import Foundation
import KubuqiRaster

/// Reads typed values out of a parsed TOML table, strictly: a wrong type, a
/// missing required key or a key nobody reads is an error naming the file,
/// the line and the key. Relative paths are resolved against the config's folder.
public final class ConfigReader {
    /// The config file (for messages and relative paths).
    public let file: String
    private let table: TOMLTable
    private let prefix: String

    /// Reads the root table of `file`.
    public init(file: String, table: TOMLTable, prefix: String = "") {
        self.file = file
        self.table = table
        self.prefix = prefix
    }

    /// The config's folder, against which relative paths resolve.
    public var folder: String { PathNames.parent(file) }

    private func name(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// An error at the line of `key` (or of the table).
    public func error(_ key: String?, _ message: String) -> KubuqiError {
        let line = key.flatMap { table.entries[$0]?.line } ?? table.line
        return KubuqiError(.input, "\(file):\(line > 0 ? "\(line):" : "") \(key.map { name($0) + ": " } ?? "")\(message)")
    }

    private func fetch(_ key: String) -> TOMLValue? { table[key] }

    /// Whether the key is present.
    public func has(_ key: String) -> Bool { table[key] != nil }

    /// A sub-table, nil when absent.
    public func table(_ key: String) throws -> ConfigReader? {
        guard let v = fetch(key) else { return nil }
        guard case .table(let t) = v else { throw error(key, "expected a table, got \(v.typeName)") }
        return ConfigReader(file: file, table: t, prefix: name(key))
    }

    /// A string, nil when absent.
    public func string(_ key: String) throws -> String? {
        guard let v = fetch(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "expected a string, got \(v.typeName) \(v)") }
        return s
    }

    /// A number (integer or float), nil when absent.
    public func number(_ key: String) throws -> Double? {
        guard let v = fetch(key) else { return nil }
        switch v {
        case .integer(let i): return Double(i)
        case .float(let d): return d
        default: throw error(key, "expected a number, got \(v.typeName) \(v)")
        }
    }

    /// A path, resolved against the config's folder; nil when absent.
    public func path(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        return resolve(s)
    }

    /// `path` made absolute against the config's folder.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") || path.hasPrefix("/vsi") ? path : (folder as NSString).appendingPathComponent(path)
    }

    /// `[a, b]` of integers.
    public func yearRange(_ key: String) throws -> ClosedRange<Int>? {
        guard let v = fetch(key) else { return nil }
        return try yearRange(v, key: key)
    }

    func yearRange(_ v: TOMLValue, key: String) throws -> ClosedRange<Int> {
        guard case .array(let a) = v, a.count == 2, case .integer(let y0) = a[0], case .integer(let y1) = a[1] else {
            throw error(key, "expected [first year, last year], got \(v)")
        }
        guard y0 <= y1 else { throw error(key, "the first year \(y0) is after the last year \(y1)") }
        return y0...y1
    }

    /// `[[a, b], [c, d]]` of year ranges.
    public func yearRanges(_ key: String) throws -> [ClosedRange<Int>]? {
        guard let v = fetch(key) else { return nil }
        guard case .array(let a) = v else { throw error(key, "expected a list of [first year, last year], got \(v.typeName)") }
        return try a.map { try yearRange($0, key: key) }
    }

    /// `{ 2000 = "a.tif", 2024 = "b.tif" }`: paths by year, resolved.
    public func pathsByYear(_ key: String) throws -> [Int: String]? {
        guard let v = fetch(key) else { return nil }
        guard case .table(let t) = v else { throw error(key, "expected { YEAR = \"path\", ... }, got \(v.typeName)") }
        var out: [Int: String] = [:]
        for k in t.keys {
            guard let year = Int(k) else { throw error(key, "'\(k)' is not a year") }
            guard case .string(let p) = t[k]! else { throw error(key, "the value for \(k) must be a path string") }
            out[year] = resolve(p)
        }
        return out
    }

    /// Throws naming the first key that is not in `known` (a typo, or an
    /// option this version does not know), with its line. Called as soon as
    /// a table is read, so a mistyped key is named before a required one is
    /// reported missing.
    public func rejectUnknown(known: [String]) throws {
        for k in table.keys where !known.contains(k) {
            throw error(k, "unknown key (valid here: \(known.joined(separator: ", ")))")
        }
    }

    /// A required value: throws when `value` is nil.
    public func required<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else { throw error(nil, "missing the required key \(name(key))") }
        return value
    }
}
