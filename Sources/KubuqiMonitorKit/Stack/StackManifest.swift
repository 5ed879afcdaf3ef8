import Foundation

/// `OUT.json`: what went into each period of a stack.
public struct StackManifest: Codable, Sendable {
    /// One observation used.
    public struct Observation: Codable, Sendable {
        public var file: String
        public var band: Int
        public var date: String
        public var dateFrom: String
        public var sha256: String
    }
    /// One period, kept or dropped.
    public struct Period: Codable, Sendable {
        public var label: String
        public var first: String
        public var last: String
        /// The band of OUT.tif and OUT.count.tif; nil when dropped.
        public var band: Int?
        /// `complete`, or `dropped`.
        public var status: String
        public var reason: String?
        public var observations: [Observation]
        /// The share of the period the observations span (all pixels valid).
        public var coverage: Double
        /// Pixels that met the completeness rule (kept periods).
        public var pixelsMeetingRule: Int?
        /// Their share of all pixels.
        public var shareMeetingRule: Double?
    }
    /// The completeness rule.
    public struct Rule: Codable, Sendable {
        public var minimumObservations: Int
        public var minimumCoverage: Double
        public var stepDays: Double
        public var definition: String
    }
    public var tool: String
    public var output: String
    public var counts: String
    public var periodScheme: String
    public var reducer: String
    /// The smoother applied before reducing, nil for none.
    public var smoothing: String?
    public var inputScale: String
    public var encoding: String
    public var completeness: Rule
    public var width: Int
    public var height: Int
    public var observationsOutsidePeriods: Int
    public var periods: [Period]
    /// SHA-256 of OUT.tif and OUT.count.tif as written (checked by `--append`).
    public var stackSHA256: String?
    public var countsSHA256: String?

    /// The JSON text, keys sorted, pretty-printed.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }
}
