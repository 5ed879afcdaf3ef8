import Foundation

/// One period of a stack: a span of days reduced to one band.
public struct SeriesPeriod: Sendable, Hashable {
    /// The band description: `2001`, `2001-04` or `2001-04-01..2001-10-31`.
    public let label: String
    /// First day (inclusive).
    public let first: CalendarDate
    /// Last day (inclusive).
    public let last: CalendarDate

    /// Creates a period.
    public init(label: String, first: CalendarDate, last: CalendarDate) {
        precondition(first <= last, "a period ends after it starts")
        self.label = label
        self.first = first
        self.last = last
    }

    /// Its length in days.
    public var days: Int { last.dayNumber - first.dayNumber + 1 }

    /// Whether `date` falls in it.
    public func contains(_ date: CalendarDate) -> Bool { first <= date && date <= last }
}

/// How a time series is cut into periods.
public enum PeriodScheme: Sendable, Hashable, CustomStringConvertible {
    /// Calendar years, labelled `2001`.
    case year
    /// Calendar months, labelled `2001-04`.
    case month
    /// A window of each year from month-day to month-day, across the new year
    /// when the end comes before the start; labelled by its dates and
    /// attributed to the year it starts in.
    case season(startMonth: Int, startDay: Int, endMonth: Int, endDay: Int)

    /// Parses `MM-DD..MM-DD`; nil when malformed. 29 February is refused
    /// (it would not exist in three years out of four).
    public static func season(parsing text: String) -> PeriodScheme? {
        let ends = text.components(separatedBy: "..")
        guard ends.count == 2 else { return nil }
        func monthDay(_ s: String) -> (Int, Int)? {
            let p = s.split(separator: "-", omittingEmptySubsequences: false)
            guard p.count == 2, p[0].count == 2, p[1].count == 2, let m = Int(p[0]), let d = Int(p[1]),
                  !(m == 2 && d == 29), CalendarDate(year: 2001, month: m, day: d) != nil else { return nil }
            return (m, d)
        }
        guard let a = monthDay(ends[0]), let b = monthDay(ends[1]), a != b else { return nil }
        return .season(startMonth: a.0, startDay: a.1, endMonth: b.0, endDay: b.1)
    }

    public var description: String {
        switch self {
        case .year: return "calendar year"
        case .month: return "calendar month"
        case let .season(sm, sd, em, ed): return "season \(Self.two(sm))-\(Self.two(sd))..\(Self.two(em))-\(Self.two(ed))"
        }
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Whether a season runs across the new year.
    public var crossesNewYear: Bool {
        if case let .season(sm, sd, em, ed) = self { return (em, ed) < (sm, sd) }
        return false
    }

    /// The periods from the one holding `from` to the one holding `to`, in
    /// order (seasons: every season that overlaps `from...to`).
    public func periods(from: CalendarDate, to: CalendarDate) -> [SeriesPeriod] {
        switch self {
        case .year:
            return (from.year...to.year).map {
                SeriesPeriod(label: String($0), first: CalendarDate(year: $0, month: 1, day: 1)!, last: CalendarDate(year: $0, month: 12, day: 31)!)
            }
        case .month:
            var out: [SeriesPeriod] = []
            var (y, m) = (from.year, from.month)
            while (y, m) <= (to.year, to.month) {
                let first = CalendarDate(year: y, month: m, day: 1)!
                let last = CalendarDate(year: y, month: m, day: CalendarDate.daysInMonth(year: y, month: m))!
                out.append(SeriesPeriod(label: String(first.description.prefix(7)), first: first, last: last))
                (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
            }
            return out
        case let .season(sm, sd, em, ed):
            let wraps = crossesNewYear
            return ((from.year - 1)...to.year).compactMap { y in
                let first = CalendarDate(year: y, month: sm, day: sd)!
                let last = CalendarDate(year: wraps ? y + 1 : y, month: em, day: ed)!
                guard last >= from, first <= to else { return nil }
                return SeriesPeriod(label: "\(first)..\(last)", first: first, last: last)
            }
        }
    }
}
