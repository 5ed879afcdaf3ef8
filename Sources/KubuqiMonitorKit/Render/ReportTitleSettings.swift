import Foundation

/// What the user says about a report for its title block: `ldn`'s `[report]` section of the config,
/// overridden by `--area/--producer/--date/--sources` (`ldn`, `change`).
public struct ReportTitleSettings: Sendable, Equatable {
    /// The place the report covers ("Hangjin Banner, Ordos").
    public var area: String?
    /// Who produced the report (institution, unit).
    public var producer: String?
    /// The production date, YYYY-MM-DD.
    public var date: String?
    /// Sensors and data sources in words ("MODIS MOD13Q1 NDVI 250 m; ESA CCI land cover; SoilGrids SOC").
    public var sources: String?

    /// Creates settings.
    public init(area: String? = nil, producer: String? = nil, date: String? = nil, sources: String? = nil) {
        self.area = area; self.producer = producer; self.date = date; self.sources = sources
    }

    /// Whether `s` is a calendar date YYYY-MM-DD.
    public static func isDate(_ s: String) -> Bool {
        guard s.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { return false }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: s).map { f.string(from: $0) == s } ?? false
    }

    /// `other`'s values where given, else these.
    public func overridden(by other: ReportTitleSettings) -> ReportTitleSettings {
        ReportTitleSettings(area: other.area ?? area, producer: other.producer ?? producer, date: other.date ?? date,
                              sources: other.sources ?? sources)
    }
}


extension ReportTitleSettings {
    /// The date to print: the given one, else SOURCE_DATE_EPOCH (reproducible builds), else today, UTC.
    public var effectiveDate: String {
        if let date { return date }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        if let e = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let s = TimeInterval(e) { return f.string(from: Date(timeIntervalSince1970: s)) }
        return f.string(from: Date())
    }
}
