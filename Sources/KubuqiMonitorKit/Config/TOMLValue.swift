/// A value of the TOML subset kubuqi-monitor's configuration files use.
public indirect enum TOMLValue: Sendable, Equatable, CustomStringConvertible {
    /// A quoted string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A floating-point number.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// `[a, b, ...]`.
    case array([TOMLValue])
    /// A `[table]` or `{ inline = table }`.
    case table(TOMLTable)

    /// The type's name, for messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "true or false"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// TOML notation of the value.
    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return String(b)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t): return "{ " + t.keys.map { "\($0) = \(t.entries[$0]!.value)" }.joined(separator: ", ") + " }"
        }
    }
}

/// A TOML table: its entries in file order, each with the line it was defined on.
public struct TOMLTable: Sendable, Equatable {
    /// Entries by key.
    public var entries: [String: (value: TOMLValue, line: Int)]
    /// Keys in file order.
    public var keys: [String]
    /// The line of the table's header (0 for the root).
    public var line: Int

    /// An empty table defined at `line`.
    public init(line: Int = 0) {
        entries = [:]
        keys = []
        self.line = line
    }

    /// The value of `key`, nil when absent.
    public subscript(key: String) -> TOMLValue? { entries[key]?.value }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        a.keys == b.keys && a.keys.allSatisfy { a.entries[$0]!.value == b.entries[$0]!.value }
    }
}
