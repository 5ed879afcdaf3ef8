import Foundation

/// The one JSON encoding of every report (change-stats.json, report.json): pretty-printed,
/// keys sorted, every number a JSON number. JSON has no NaN or infinity: a value that is
/// undefined (the mean of no pixel) is `null`; a non-finite value that is meaningful is
/// written as the string "NaN", "Infinity" or "-Infinity", as `gdalinfo -json` does for nodata.
public enum ReportJSON {
    /// The encoder.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// Encodes `value` with ``encoder()``.
    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }

    /// A number as the CSV tables write it: the shortest decimal that reads back exactly,
    /// `NaN`, `Infinity` or `-Infinity`.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
