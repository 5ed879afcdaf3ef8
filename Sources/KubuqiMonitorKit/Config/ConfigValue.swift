/// A value of a configuration file, as read by ``ConfigDocument`` (TOML 1.0 through TOMLKit),
/// with no tie to the parser's own types.
public indirect enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    /// A string.
    case string(String)
    /// An integer (TOML integers are 64-bit).
    case integer(Int)
    /// A floating-point number (TOML allows inf and nan; readers reject them where a number is needed).
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// A date, time or date-time, kept as written (no config key takes one).
    case dateTime(String)
    /// `[a, b, ...]`.
    case array([ConfigValue])
    /// A `[table]` or `{ inline = table }`.
    case table(ConfigTable)

    /// The type's name, for messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "true or false"
        case .dateTime: return "a date"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// TOML notation of the value (for messages).
    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return String(b)
        case .dateTime(let d): return d
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t): return "{ " + t.keys.map { "\($0) = \(t.entries[$0]!.value)" }.joined(separator: ", ") + " }"
        }
    }
}

/// A table of a configuration file: its entries, each with the line it was defined on
/// (0 when unknown), and its keys in file order.
public struct ConfigTable: Sendable, Equatable {
    /// Entries by key.
    public var entries: [String: (value: ConfigValue, line: Int)]
    /// Keys in file order (by line, then name).
    public var keys: [String]
    /// The line of the table's header or key (0 for the root).
    public var line: Int

    /// An empty table defined at `line`.
    public init(line: Int = 0) {
        entries = [:]
        keys = []
        self.line = line
    }

    /// The value of `key`, nil when absent.
    public subscript(key: String) -> ConfigValue? { entries[key]?.value }

    public static func == (a: ConfigTable, b: ConfigTable) -> Bool {
        a.keys == b.keys && a.keys.allSatisfy { a.entries[$0]!.value == b.entries[$0]!.value }
    }
}
