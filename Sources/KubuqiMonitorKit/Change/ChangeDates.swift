import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The date of each side of a change, for the quicklook, the tables and the summary: from the
/// raster's metadata when it states one (the band's description, e.g. `2000` in an annual
/// stack; a dataset item such as `ACQUISITION_DATE`), else from the file or folder name
/// (`..._20130815_...`, `2013-08-15`, MODIS `A2020153`), else the file name itself.
public struct ChangeDate: Sendable, Hashable {
    /// `2013-08-15`, `2000`, or the file name when no date was found.
    public var text: String
    /// Where it came from: `band description`, `metadata ITEM`, `file name`, or `none`.
    public var source: String

    /// Metadata items that hold an acquisition date, in order of preference.
    static let metadataItems = ["ACQUISITION_DATE", "DATE_ACQUIRED", "SENSING_DATE", "SENSING_TIME", "DATETIME_ACQUIRED", "KUBUQI_DATE"]

    /// The date of `selection` (a band of a raster) or of a scene folder `path`.
    public static func of(path: String, selection: BandSelection?) -> ChangeDate {
        if let s = selection, let ds = try? Dataset.open(s.path) {
            if s.band >= 1, s.band <= ds.bandCount, let b = try? ds.band(s.band), let d = find(in: b.bandDescription) {
                return ChangeDate(text: d, source: "band description")
            }
            for item in metadataItems {
                if let v = ds.metadataItem(item), let d = find(in: v) { return ChangeDate(text: d, source: "metadata \(item)") }
            }
        }
        let name = (path as NSString).lastPathComponent
        if let d = find(in: name) { return ChangeDate(text: d, source: "file name") }
        if let s = selection, let d = find(in: (s.path as NSString).lastPathComponent) { return ChangeDate(text: d, source: "file name") }
        return ChangeDate(text: name + (selection.map { $0.bandGiven && $0.band != 1 ? ":\($0.band)" : "" } ?? ""), source: "none")
    }

    /// The first date in `text`: `YYYY-MM-DD`, `YYYYMMDD`, MODIS `AYYYYDDD`, or a lone year; nil when none.
    static func find(in text: String) -> String? {
        let patterns: [(String, (String) -> String?)] = [
            ("(?<![0-9])(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9](?![0-9])", { $0 }),
            ("(?<![0-9])(19|20)[0-9]{2}[01][0-9][0-3][0-9](?![0-9])", { s in
                let c = Array(s)
                return valid(String(c[0..<4]), String(c[4..<6]), String(c[6..<8])) }),
            ("(?<![A-Za-z0-9])A(19|20)[0-9]{2}[0-3][0-9]{2}(?![0-9])", { s in julian(String(s.dropFirst())) }),
            ("(?<![0-9])(19|20)[0-9]{2}(?![0-9])", { $0 }),
        ]
        for (pattern, convert) in patterns {
            var from = text.startIndex
            while let r = text.range(of: pattern, options: .regularExpression, range: from..<text.endIndex) {
                if let d = convert(String(text[r])) { return d }
                from = r.upperBound
            }
        }
        return nil
    }

    private static func valid(_ y: String, _ m: String, _ d: String) -> String? {
        guard let mm = Int(m), let dd = Int(d), (1...12).contains(mm), (1...31).contains(dd) else { return nil }
        return "\(y)-\(m)-\(d)"
    }

    /// `YYYYDDD` (day of year) as `YYYY-MM-DD`.
    private static func julian(_ s: String) -> String? {
        guard let y = Int(s.prefix(4)), let doy = Int(s.suffix(3)), doy >= 1 else { return nil }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        guard let start = c.date(from: DateComponents(year: y, month: 1, day: 1)),
              let date = c.date(byAdding: .day, value: doy - 1, to: start), c.component(.year, from: date) == y else { return nil }
        let p = c.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", p.year!, p.month!, p.day!)
    }
}
