/// A band of a raster file named on the command line as `FILE[:BAND]`.
///
/// The band number is 1-based as in GDAL; without one the first band is used.
/// A path that itself contains `:` (for example `/vsizip/a.zip/b.tif` or a
/// Windows drive) keeps it: only a trailing `:N` with N a whole number is
/// taken as the band (`:0` too, so that it is refused as a band rather than
/// looked for as a file).
public struct BandSelection: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The raster's path or GDAL connection string.
    public var path: String
    /// The 1-based band number.
    public var band: Int
    /// False when parsed from a `FILE` without `:BAND` (band 1 by default),
    /// so that reading band 1 of a multi-band file can be pointed out. Not
    /// part of equality, hashing or the encoded form.
    public var bandGiven: Bool = true

    /// Creates a selection of `band` in `path`.
    public init(path: String, band: Int = 1) {
        self.path = path
        self.band = band
    }

    private enum CodingKeys: String, CodingKey { case path, band }

    /// The same file and band.
    public static func == (a: BandSelection, b: BandSelection) -> Bool { a.path == b.path && a.band == b.band }

    /// Hashes the file and band.
    public func hash(into h: inout Hasher) {
        h.combine(path)
        h.combine(band)
    }

    /// Parses `FILE[:BAND]`.
    public init(parsing text: String) {
        if let colon = text.lastIndex(of: ":"),
           let band = Int(text[text.index(after: colon)...]), band >= 0,
           colon != text.startIndex {
            self.init(path: String(text[..<colon]), band: band)
        } else {
            self.init(path: text, band: 1)
            bandGiven = false
        }
    }

    /// `FILE:BAND`.
    public var description: String { "\(path):\(band)" }
}
