/// A day of the proleptic Gregorian calendar, validated, with its day number
/// (days since 1970-01-01) for arithmetic on dates.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year (1..9999).
    public let year: Int
    /// The month (1..12).
    public let month: Int
    /// The day of the month (1..28/29/30/31).
    public let day: Int

    /// A date; nil when the day does not exist (2001-02-29, month 13...).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The `dayOfYear`-th day of `year` (1 = 1 January); nil when the year is shorter.
    public init?(year: Int, dayOfYear: Int) {
        guard (1...9999).contains(year), dayOfYear >= 1, dayOfYear <= Self.daysInYear(year) else { return nil }
        self.init(dayNumber: CalendarDate(year: year, month: 1, day: 1)!.dayNumber + dayOfYear - 1)
    }

    /// The date of a day number (days since 1970-01-01; H. Hinnant's
    /// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Days since 1970-01-01 (Hinnant's `days_from_civil`).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// 1 for 1 January.
    public var dayOfYear: Int { dayNumber - CalendarDate(year: year, month: 1, day: 1)!.dayNumber + 1 }

    /// Whether `year` has 29 February.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// 365 or 366.
    public static func daysInYear(_ year: Int) -> Int { isLeap(year) ? 366 : 365 }

    /// 28..31.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m
            + "-" + (d.count < 2 ? "0" : "") + d
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.dayNumber < b.dayNumber }
}
