import CGDAL
import Foundation

/// GDAL creation options (`-co KEY=VALUE`), in order, later keys overriding
/// earlier ones.
public struct CreationOptions: Sendable, Hashable {
    /// One `KEY=VALUE` option.
    public struct Option: Sendable, Hashable {
        /// The key, as given.
        public var key: String
        /// The value.
        public var value: String
    }

    /// The options in order.
    public private(set) var pairs: [Option] = []

    /// An empty set of options.
    public init() {}

    /// Creates options from `KEY=VALUE` strings; throws on text without `=`.
    public init(parsing items: [String]) throws {
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw GDALError("invalid creation option '\(item)': expected KEY=VALUE")
            }
            // A key given twice is ambiguous (which value was meant?), not "the last wins".
            if let earlier = value(String(item[..<eq])) {
                throw GDALError("creation option \(item[..<eq]) given twice (\(item[..<eq])=\(earlier) and \(item))")
            }
            set(String(item[..<eq]), String(item[item.index(after: eq)...]))
        }
    }

    /// Sets `key` (case-insensitive, as GDAL treats keys) to `value`.
    public mutating func set(_ key: String, _ value: String) {
        pairs.removeAll { $0.key.uppercased() == key.uppercased() }
        pairs.append(Option(key: key, value: value))
    }

    /// The value of `key`, nil when unset.
    public func value(_ key: String) -> String? {
        pairs.last { $0.key.uppercased() == key.uppercased() }?.value
    }

    /// These options on top of `defaults` (ours win).
    public func over(_ defaults: CreationOptions) -> CreationOptions {
        var merged = defaults
        for o in pairs { merged.set(o.key, o.value) }
        return merged
    }

    /// The `KEY=VALUE` strings.
    public var strings: [String] { pairs.map { "\($0.key)=\($0.value)" } }

    /// Runs `body` with a NULL-terminated C string list of the options.
    func withCStringList<T>(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws -> T) rethrows -> T {
        try CStringList.withList(strings, body)
    }

    /// Checks the options against a driver (by short name, e.g. `GTiff`)
    /// before any work, so a wrong `--co` fails at once, naming the key.
    public func check(driver name: String) throws {
        GDALEnvironment.initialize()
        guard let driver = GDALGetDriverByName(name) else { throw GDALError("no \(name) driver in this GDAL", messages: []) }
        try validate(for: driver, driverName: name)
    }

    /// Asks the driver whether it knows every key and accepts every value;
    /// an unknown key is an error naming it (GDAL itself only warns).
    func validate(for driver: GDALDriverH, driverName: String) throws {
        guard !pairs.isEmpty else { return }
        let (ok, collector) = CStringList.withList(strings) { list in
            GDALErrors.capture(echoWarnings: false) { GDALValidateCreationOptions(driver, list) }
        }
        if ok == 0 || !collector.failures.isEmpty {
            throw GDALError("invalid creation option for the \(driverName) driver",
                            messages: collector.failures + collector.warnings)
        }
    }
}
