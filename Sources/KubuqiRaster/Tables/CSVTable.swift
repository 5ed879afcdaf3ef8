/// A CSV table as RFC 4180 writes it: a header record, then records of the same number of
/// fields; a field holding a comma, a double quote, CR or LF is enclosed in double quotes,
/// with its quotes doubled; records end with CRLF. The one CSV writer of kubuqi-monitor
/// (change-stats.csv, the LDN tables, the fixtures' patches.csv).
public struct CSVTable: Sendable {
    /// The header's field names.
    public let header: [String]
    /// The records so far.
    public private(set) var records: [[String]] = []

    /// A table with `header`.
    public init(header: [String]) { self.header = header }

    /// Appends a record; it must have as many fields as the header.
    public mutating func append(_ fields: [String]) {
        precondition(fields.count == header.count, "a CSV record of \(fields.count) fields under a header of \(header.count)")
        records.append(fields)
    }

    /// One field, quoted when RFC 4180 requires it.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The table's text: header and records, each ending with CRLF.
    public var text: String {
        ([header] + records).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }
}
