/// Finds the acquisition date in a file name or a band description.
///
/// The forms, tried in this order (the first form found decides):
/// 1. Sentinel-2 product or granule names: `..._20200219T112141_...` (the
///    first `YYYYMMDDTHHMMSS`, the sensing time);
/// 2. Landsat Collection product IDs `LC08_L2SP_128032_20230820_20230826_02_T1`
///    (the fourth field, the acquisition date; the fifth is the processing date);
/// 3. Landsat scene IDs `LE70230282011250...` (year and day of year after path/row);
/// 4. MODIS names `...A2000049...` (`A` + year + day of year);
/// 5. ISO-like dates `2000-02-18`, `2000.02.18`, `2000_02_18` (R's `X2000.02.18`
///    band names included); two different such dates in one text are ambiguous.
///
/// A form that is found but names no real day (`A2001400`, `2001-02-30`) is an
/// error, not a fall-through: the text clearly meant a date.
public enum DateInText {
    /// Why no date could be taken from a text.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No recognised form.
        case none
        /// A recognised form naming no real day.
        case invalid(String)
        /// Two different dates of the ISO form.
        case ambiguous(String, String)

        public var description: String {
            switch self {
            case .none:
                return "no date in it (expected a Sentinel-2 or Landsat product name, a MODIS AYYYYDDD, or YYYY-MM-DD)"
            case .invalid(let s): return "'\(s)' is not a real date (of the years \(DateInText.years.lowerBound)-\(DateInText.years.upperBound))"
            case .ambiguous(let a, let b): return "two different dates in it (\(a) and \(b))"
            }
        }
    }

    /// The years an observation may carry: a date outside them (`9999-01-15`, `0001-01-01`, a
    /// Unix-epoch default) is a corrupt or placeholder date, not an acquisition, and would
    /// otherwise become the "latest" period of `warn` or a year of its own in `stack`.
    public static let years = 1800...2199

    /// A real day within ``years`` (nil otherwise).
    static func day(year: Int, month: Int, day: Int) -> CalendarDate? {
        years.contains(year) ? CalendarDate(year: year, month: month, day: day) : nil
    }

    /// The `dayOfYear`-th day of `year` within ``years`` (nil otherwise).
    static func day(year: Int, dayOfYear: Int) -> CalendarDate? {
        years.contains(year) ? CalendarDate(year: year, dayOfYear: dayOfYear) : nil
    }

    /// The date in `text`.
    public static func find(_ text: String) -> Result<CalendarDate, Failure> {
        let chars = Array(text.utf8)
        if let r = sentinel2(chars) { return r }
        if let r = landsatProduct(chars) { return r }
        if let r = landsatScene(chars) { return r }
        if let r = modis(chars) { return r }
        return iso(chars)
    }

    // MARK: - forms

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func number(_ c: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from >= 0, from + count <= c.count else { return nil }
        var v = 0
        for i in from..<(from + count) {
            guard isDigit(c[i]) else { return nil }
            v = v * 10 + Int(c[i] - 48)
        }
        return v
    }
    private static func digitsOnlyAt(_ c: [UInt8], _ from: Int, _ count: Int) -> Bool {
        number(c, from, count) != nil && (from == 0 || !isDigit(c[from - 1]))
            && (from + count == c.count || !isDigit(c[from + count]))
    }
    private static func ymd(_ c: [UInt8], _ at: Int, text: (Int, Int) -> String) -> Result<CalendarDate, Failure> {
        let y = number(c, at, 4)!, m = number(c, at + 4, 2)!, d = number(c, at + 6, 2)!
        guard let date = Self.day(year: y, month: m, day: d) else { return .failure(.invalid(text(at, 8))) }
        return .success(date)
    }
    private static func slice(_ c: [UInt8]) -> (Int, Int) -> String {
        { from, count in String(decoding: c[from..<min(c.count, from + count)], as: UTF8.self) }
    }

    /// `YYYYMMDDTHHMMSS` with `_` before it.
    private static func sentinel2(_ c: [UInt8]) -> Result<CalendarDate, Failure>? {
        guard c.count >= 16 else { return nil }
        for i in 0...(c.count - 15) where digitsOnlyAt(c, i, 8) && c[i + 8] == UInt8(ascii: "T") && number(c, i + 9, 6) != nil
            && (i == 0 || c[i - 1] == UInt8(ascii: "_")) {
            return ymd(c, i, text: slice(c))
        }
        return nil
    }

    /// `L?0N_LLLL_PPPRRR_YYYYMMDD_YYYYMMDD_NN_TT`.
    private static func landsatProduct(_ c: [UInt8]) -> Result<CalendarDate, Failure>? {
        let letters = Set("COTEM".utf8)
        guard c.count >= 40 else { return nil }
        for i in 0...(c.count - 40) where c[i] == UInt8(ascii: "L") && letters.contains(c[i + 1]) && number(c, i + 2, 2) != nil
            && c[i + 4] == UInt8(ascii: "_") && c[i + 9] == UInt8(ascii: "_") && number(c, i + 10, 6) != nil
            && c[i + 16] == UInt8(ascii: "_") && number(c, i + 17, 8) != nil && c[i + 25] == UInt8(ascii: "_")
            && number(c, i + 26, 8) != nil {
            return ymd(c, i + 17, text: slice(c))
        }
        return nil
    }

    /// `L` + sensor letter + satellite digit + path (3) + row (3) + year (4) + day of year (3).
    private static func landsatScene(_ c: [UInt8]) -> Result<CalendarDate, Failure>? {
        let letters = Set("COTEM".utf8)
        guard c.count >= 16 else { return nil }
        for i in 0...(c.count - 16) where c[i] == UInt8(ascii: "L") && letters.contains(c[i + 1]) && digitsOnlyAt(c, i + 2, 14)
            && (i == 0 || !isLetter(c[i - 1])) {
            let y = number(c, i + 9, 4)!, doy = number(c, i + 13, 3)!
            guard let d = Self.day(year: y, dayOfYear: doy) else { return .failure(.invalid(slice(c)(i, 16))) }
            return .success(d)
        }
        return nil
    }
    private static func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// `A` + year (4) + day of year (3), not inside a longer run of digits.
    private static func modis(_ c: [UInt8]) -> Result<CalendarDate, Failure>? {
        guard c.count >= 8 else { return nil }
        for i in 0...(c.count - 8) where c[i] == UInt8(ascii: "A") && digitsOnlyAt(c, i + 1, 7) && (i == 0 || !isLetter(c[i - 1])) {
            let y = number(c, i + 1, 4)!, doy = number(c, i + 5, 3)!
            guard let d = Self.day(year: y, dayOfYear: doy) else { return .failure(.invalid(slice(c)(i, 8))) }
            return .success(d)
        }
        return nil
    }

    /// `YYYY-MM-DD`, `YYYY.MM.DD` or `YYYY_MM_DD`, one date only.
    private static func iso(_ c: [UInt8]) -> Result<CalendarDate, Failure> {
        let separators = Set("-._".utf8)
        var found: (CalendarDate, String)?
        guard c.count >= 10 else { return .failure(.none) }
        for i in 0...(c.count - 10) where digitsOnlyAt(c, i, 4) && separators.contains(c[i + 4]) && c[i + 7] == c[i + 4]
            && digitsOnlyAt(c, i + 5, 2) && digitsOnlyAt(c, i + 8, 2) {
            let text = slice(c)(i, 10)
            guard let d = Self.day(year: number(c, i, 4)!, month: number(c, i + 5, 2)!, day: number(c, i + 8, 2)!) else {
                return .failure(.invalid(text))
            }
            if let (previous, previousText) = found, previous != d { return .failure(.ambiguous(previousText, text)) }
            found = (d, text)
        }
        return found.map { .success($0.0) } ?? .failure(.none)
    }

    /// A date written in a table cell: `YYYY-MM-DD` (ISO 8601) or
    /// `DD/MM/YYYY` (day first, as R's `format(x, "%d/%m/%Y")` writes it).
    public static func cell(_ text: String) -> CalendarDate? {
        let t = text.trimmedBlanks()
        let parts: [Substring]
        if t.contains("/") {
            parts = t.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
                  let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
            return Self.day(year: y, month: m, day: d)
        }
        parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return Self.day(year: y, month: m, day: d)
    }
}

private extension String {
    func trimmedBlanks() -> String {
        let blanks: Set<Character> = [" ", "\t", "\r", "\n", "\u{FEFF}"]
        var s = Substring(self)
        while let f = s.first, blanks.contains(f) { s = s.dropFirst() }
        while let l = s.last, blanks.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
