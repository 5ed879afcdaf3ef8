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
    /// The files read: the file itself, or a scene's band and quality files (a same-day mosaic: every member's).
    public var files: [String]
    /// A same-day mosaic's observations (on different grids), empty for a single observation.
    public var members: [StackObservation] = []

    /// The single observations this one stands for: its members, or itself.
    public var parts: [StackObservation] { members.isEmpty ? [self] : members }

    /// One observation standing for several of one date on different grids (see ``StackSources``).
    public init(mosaicOf members: [StackObservation]) {
        self.init(path: members[0].path, band: members[0].band, date: members[0].date,
                  dateSource: "same-day mosaic of \(members.count)", files: members.flatMap(\.files))
        self.members = members
    }

    /// Creates an observation (`band` 0 and `files` for a scene).
    public init(path: String, band: Int, date: CalendarDate, dateSource: String, files: [String]? = nil) {
        self.path = path
        self.band = band
        self.date = date
        self.dateSource = dateSource
        self.files = files ?? [path]
    }
}
