import Foundation
import KubuqiRaster

/// Reads typed values out of a parsed config table (``ConfigDocument``), strictly: a wrong
/// type, a value out of its range, a missing required key or a key nobody reads is an error
/// naming the file, the line and the key. Numbers must be finite; years lie in
/// ``plausibleYears``. Relative paths are resolved against the config's folder.
public final class ConfigReader {
    /// The config file (for messages and relative paths).
    public let file: String
    private let table: ConfigTable
    private let prefix: String

    /// The years a config may name (the same span band descriptions are searched for).
    public static let plausibleYears = 1900...2199

    /// Reads the root table of `file`.
    public init(file: String, table: ConfigTable, prefix: String = "") {
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

    private func fetch(_ key: String) -> ConfigValue? { table[key] }

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

    /// An enumerated value, nil when absent, by the rule of every enumerated value, on the command line and here
    /// (``EnumeratedValue``; docs/cli.md, "How values are spelled"): one of `valid` ignoring case, returned as
    /// documented (`Temperate-Dry` is `temperate-dry`); separators exact (`temperate_dry` refused). `accepts` takes
    /// the value in lower case for an open set (`pNN`), listed as `forms`. Anything else is an error naming the file,
    /// line and key, the accepted spellings and the closest one.
    public func keyword(_ key: String, valid: [String], forms: [String] = [], accepts: ((String) -> Bool)? = nil) throws -> String? {
        guard let s = try string(key) else { return nil }
        if let c = EnumeratedValue.canonical(s, in: valid) { return c }
        if let accepts, accepts(s.lowercased()) { return s.lowercased() }
        throw error(key, EnumeratedValue.refusal(s, choices: valid, forms: forms))
    }

    /// A calendar date `YYYY-MM-DD`, written as a TOML local date (`date = 2026-06-30`) or as a string
    /// (`date = "2026-06-30"`), nil when absent; a time or an offset date-time is refused.
    public func date(_ key: String) throws -> String? {
        guard let v = fetch(key) else { return nil }
        let text: String
        switch v {
        case .string(let s), .dateTime(let s): text = s
        default: throw error(key, "expected a date YYYY-MM-DD, got \(v.typeName) \(v)")
        }
        guard ReportTitleSettings.isDate(text) else { throw error(key, "expected a date YYYY-MM-DD, got '\(text)'") }
        return text
    }

    /// A finite number (integer or float), nil when absent; inf and nan are refused.
    public func number(_ key: String) throws -> Double? {
        guard let v = fetch(key) else { return nil }
        switch v {
        case .integer(let i): return Double(i)
        case .float(let d):
            guard d.isFinite else { throw error(key, "must be a finite number, got \(d)") }
            return d
        default: throw error(key, "expected a number, got \(v.typeName) \(v)")
        }
    }

    /// A number strictly greater than 0 that is also finite and non-zero as a Float
    /// (what the rasters are scaled with); nil when absent.
    public func positiveFloat(_ key: String) throws -> Float? {
        guard let d = try number(key) else { return nil }
        guard d > 0 else { throw error(key, "must be greater than 0, got \(d)") }
        let f = Float(d)
        guard f.isFinite, f.isNormal else { throw error(key, "\(d) is outside the range of a 32-bit float (about 1e-38 to 3e38)") }
        return f
    }

    /// A year: an integer within ``plausibleYears``.
    func year(_ v: ConfigValue, key: String) throws -> Int {
        guard case .integer(let y) = v else { throw error(key, "expected a year, got \(v.typeName) \(v)") }
        guard Self.plausibleYears.contains(y) else {
            throw error(key, "\(y) is not a plausible year (\(Self.plausibleYears.lowerBound)-\(Self.plausibleYears.upperBound))")
        }
        return y
    }

    /// A path, resolved against the config's folder; nil when absent.
    public func path(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        // An empty path would resolve to the config's own folder (or the working folder).
        guard !s.isEmpty else { throw error(key, "the path is empty") }
        return resolve(s)
    }

    /// A path or a list of paths (`"a"` or `["a", "b"]`), each resolved; nil when absent.
    public func paths(_ key: String) throws -> [String]? {
        guard let v = fetch(key) else { return nil }
        switch v {
        case .string(let s):
            guard !s.isEmpty else { throw error(key, "the path is empty") }
            return [resolve(s)]
        case .array(let a):
            guard !a.isEmpty else { throw error(key, "needs at least one path") }
            return try a.map { item in
                guard case .string(let s) = item else { throw error(key, "expected paths (strings), got \(item.typeName) \(item)") }
                guard !s.isEmpty else { throw error(key, "a path in the list is empty") }
                return resolve(s)
            }
        default: throw error(key, "expected a path or a list of paths, got \(v.typeName)")
        }
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

    func yearRange(_ v: ConfigValue, key: String) throws -> ClosedRange<Int> {
        guard case .array(let a) = v, a.count == 2 else { throw error(key, "expected [first year, last year], got \(v)") }
        let y0 = try year(a[0], key: key), y1 = try year(a[1], key: key)
        guard y0 <= y1 else { throw error(key, "the first year \(y0) is after the last year \(y1)") }
        return y0...y1
    }

    /// `[[a, b], [c, d]]` of year ranges.
    public func yearRanges(_ key: String) throws -> [ClosedRange<Int>]? {
        guard let v = fetch(key) else { return nil }
        guard case .array(let a) = v else { throw error(key, "expected a list of [first year, last year], got \(v.typeName)") }
        let ranges = try a.map { try yearRange($0, key: key) }
        // One period twice would be computed twice into one folder and listed twice in the report.
        for (i, r) in ranges.enumerated() where ranges[..<i].contains(r) {
            throw error(key, "the period \(r.lowerBound)-\(r.upperBound) is given twice")
        }
        return ranges
    }

    /// `{ 2000 = "a.tif", 2024 = "b.tif" }`: paths by year, resolved. Keys are years written
    /// as plain digits within ``plausibleYears``; two keys naming one year (`2000`, `02000`) are an error.
    public func pathsByYear(_ key: String) throws -> [Int: String]? {
        guard let v = fetch(key) else { return nil }
        guard case .table(let t) = v else { throw error(key, "expected { YEAR = \"path\", ... }, got \(v.typeName)") }
        var out: [Int: String] = [:], keyOfYear: [Int: String] = [:]
        for k in t.keys {
            guard !k.isEmpty, k.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(k) else { throw error(key, "'\(k)' is not a year") }
            if let other = keyOfYear[year] { throw error(key, "'\(other)' and '\(k)' both name the year \(year)") }
            keyOfYear[year] = k
        }
        for k in t.keys {
            let year = Int(k)!
            guard Self.plausibleYears.contains(year) else {
                throw error(key, "\(k) is not a plausible year (\(Self.plausibleYears.lowerBound)-\(Self.plausibleYears.upperBound))")
            }
            guard String(year) == k else { throw error(key, "write the year '\(k)' as \(year)") }
            guard case .string(let p) = t[k]! else { throw error(key, "the value for \(k) must be a path string") }
            guard !p.isEmpty else { throw error(key, "the path for \(k) is empty") }
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
            // Keys are exact (TOML is case-sensitive); the closest one is suggested (`Scale`, `scael` -> `scale`).
            let guess = CommandSuggestion.closest(to: k, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw error(k, "unknown key\(guess) (valid here: \(known.joined(separator: ", ")))")
        }
    }

    /// A required value: throws when `value` is nil.
    public func required<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else { throw error(nil, "missing the required key \(name(key))") }
        return value
    }
}
