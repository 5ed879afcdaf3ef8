import Foundation

/// `OUT.json`: what went into each period of a stack.
public struct StackManifest: Codable, Sendable {
    /// One observation used.
    public struct Observation: Codable, Sendable {
        /// The file (or scene) read.
        public var file: String
        /// Its band (0 for a scene).
        public var band: Int
        /// The acquisition date, YYYY-MM-DD.
        public var date: String
        /// Where the date came from.
        public var dateFrom: String
        /// SHA-256 of the file (of a scene: of its files' digests, see docs/stack.md).
        public var sha256: String
    }
    /// One period, kept or dropped.
    public struct Period: Codable, Sendable {
        /// The band description: `2001`, `2001-04`, `2001-04-01..2001-10-31`.
        public var label: String
        /// First and last day, YYYY-MM-DD.
        public var first: String
        public var last: String
        /// The band of OUT.tif and OUT.count.tif; nil when dropped.
        public var band: Int?
        /// `complete`, or `dropped`.
        public var status: String
        /// Why it was dropped.
        public var reason: String?
        /// Its observations, by date.
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
        /// `--min-obs`.
        public var minimumObservations: Int
        /// `--min-coverage`.
        public var minimumCoverage: Double
        /// The collection's median gap between dates, in days.
        public var stepDays: Double
        /// The rule in words.
        public var definition: String
    }
    /// The tool and version that wrote it.
    public var tool: String
    /// OUT.tif and OUT.count.tif.
    public var output: String
    public var counts: String
    /// Calendar year, calendar month, or the season.
    public var periodScheme: String
    /// The reducer's name.
    public var reducer: String
    /// The smoother applied before reducing, nil for none.
    public var smoothing: String?
    /// How stored values became physical ones.
    public var inputScale: String
    /// How OUT.tif stores them.
    public var encoding: String
    /// The completeness rule.
    public var completeness: Rule
    /// The grid's size in pixels.
    public var width: Int
    public var height: Int
    /// Observations between seasons, not used.
    public var observationsOutsidePeriods: Int
    /// Every period, kept or dropped.
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
