import Foundation

/// One published raster of a run, as a STAC Item (docs/publishing.md).
public struct STACProduct: Sendable {
    /// A supplementary file of the product (a vector layer, a QGIS style).
    public struct Extra: Sendable {
        /// Asset key.
        public var key: String
        /// The file's path.
        public var path: String
        /// Media type.
        public var type: String
        /// Title shown by catalogue browsers.
        public var title: String
        /// STAC roles (`data`, `metadata`, `style`...).
        public var roles: [String]
        /// Creates an extra asset.
        public init(key: String, path: String, type: String, title: String, roles: [String]) {
            self.key = key; self.path = path; self.type = type; self.title = title; self.roles = roles
        }
    }

    /// When the product describes: one instant or a period.
    public enum Time: Sendable, Equatable {
        /// One date-time (RFC 3339, e.g. `2023-08-20T00:00:00Z`).
        case instant(String)
        /// A period, from the first instant to the last (RFC 3339).
        case period(start: String, end: String)

        /// The period of whole calendar years `first`...`last` (UTC).
        public static func years(_ first: Int, _ last: Int) -> Time {
            .period(start: String(format: "%04d-01-01T00:00:00Z", first), end: String(format: "%04d-12-31T23:59:59Z", last))
        }

        /// The instant of a day `YYYY-MM-DD` (00:00 UTC).
        public static func day(_ isoDate: String) -> Time { .instant(isoDate + "T00:00:00Z") }
    }

    /// The raster's path.
    public var path: String
    /// Item id (unique in the catalogue).
    public var id: String
    /// Title.
    public var title: String
    /// Its time.
    public var time: Time
    /// The legend of a class raster (else read from the raster's class table).
    public var classes: [ClassLegend.Entry]?
    /// Further files of the product.
    public var extras: [Extra]
    /// Free-form properties (prefixed `kubuqi:`), e.g. the method's parameters.
    public var properties: [String: String]
    /// The SHA-256 (lowercase hex) of those of its files (the raster, its extras) whose final bytes the run has already
    /// hashed, by path: the Item's `file:checksum` takes them instead of reading the files again (`stack`'s OUT.tif,
    /// OUT.count.tif and OUT.json, hashed for the manifest; docs/benchmarks.md, "Stack (issue 16)"). A file not here is hashed.
    public var checksums: [String: String] = [:]

    /// Creates a product.
    public init(path: String, id: String, title: String, time: Time, classes: [ClassLegend.Entry]? = nil,
                extras: [Extra] = [], properties: [String: String] = [:]) {
        self.path = path; self.id = id; self.title = title; self.time = time
        self.classes = classes; self.extras = extras; self.properties = properties
    }
}
