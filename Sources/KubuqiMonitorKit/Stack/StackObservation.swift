import KubuqiIndicators

/// One dated observation of a collection: a band of a file.
public struct StackObservation: Sendable, Hashable {
    /// The file.
    public var path: String
    /// The band (1-based).
    public var band: Int
    /// The acquisition date.
    public var date: CalendarDate
    /// Where the date came from (`name`, `band description`, `CSV row N`).
    public var dateSource: String
    /// The files read: the file itself, or a scene's band and quality files.
    public var files: [String]

    /// Creates an observation (`band` 0 and `files` for a scene).
    public init(path: String, band: Int, date: CalendarDate, dateSource: String, files: [String]? = nil) {
        self.path = path
        self.band = band
        self.date = date
        self.dateSource = dateSource
        self.files = files ?? [path]
    }
}
