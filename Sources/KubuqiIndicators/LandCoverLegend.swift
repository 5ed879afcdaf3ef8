import Foundation

/// Maps the codes of a land cover product to the seven UNCCD classes
/// (`LandCoverClass`).
///
/// The default, `esaCCI`, is the nesting Trends.Earth ships for ESA CCI Land
/// Cover (LCCS legend) in `LDMP/data/land_cover_nesting_unccd_esa.json`:
///
/// | UNCCD class | ESA CCI codes |
/// |---|---|
/// | 1 Tree-covered | 50, 60, 61, 62, 70, 71, 72, 80, 81, 82, 90, 100 |
/// | 2 Grassland | 110, 120, 121, 122, 130, 140, 150, 151, 152, 153 |
/// | 3 Cropland | 10, 11, 12, 20, 30, 40 |
/// | 4 Wetland | 160, 170, 180 |
/// | 5 Artificial | 190 |
/// | 6 Other land | 200, 201, 202, 220 |
/// | 7 Water body | 210 |
///
/// Codes can be remapped or added with `overriding(_:)` (or a whole legend
/// given to `init(mapping:)`), e.g. to put the flooded tree cover 160/170 in
/// tree-covered. A code that is not mapped becomes nodata and is counted in
/// an `UnknownCodeCounter`; the source's own nodata value becomes nodata
/// without being counted.
public struct LandCoverLegend: Sendable, Hashable, Codable {
    /// Source code → UNCCD class 1...7.
    public let mapping: [Int32: Int16]
    /// Dense lookup for Int16 codes: entry `code + 32768` holds the class, or
    /// `unmapped`.
    private let lookup: [Int16]
    private static let unmapped: Int16 = -32767

    /// The Trends.Earth ESA CCI → UNCCD nesting described above.
    public static let esaCCI: LandCoverLegend = {
        let nesting: [Int16: [Int32]] = [
            1: [50, 60, 61, 62, 70, 71, 72, 80, 81, 82, 90, 100],
            2: [110, 120, 121, 122, 130, 140, 150, 151, 152, 153],
            3: [10, 11, 12, 20, 30, 40],
            4: [160, 170, 180],
            5: [190],
            6: [200, 201, 202, 220],
            7: [210],
        ]
        var mapping: [Int32: Int16] = [:]
        for (unccd, codes) in nesting {
            for code in codes { mapping[code] = unccd }
        }
        return LandCoverLegend(mapping: mapping)
    }()

    /// A legend from source code → class 1...7.
    public init(mapping: [Int32: Int16]) {
        precondition(mapping.values.allSatisfy { (1...7).contains($0) }, "classes are 1...7")
        self.mapping = mapping
        var lookup = [Int16](repeating: Self.unmapped, count: 65536)
        for (code, unccd) in mapping where code >= -32768 && code <= 32767 {
            lookup[Int(code) + 32768] = unccd
        }
        self.lookup = lookup
    }

    /// A legend from a dictionary whose keys are source codes as strings
    /// (as read from JSON) and values class codes 1...7; nil if a key is not
    /// an integer or a class is out of range.
    public init?(json: [String: Int]) {
        var mapping: [Int32: Int16] = [:]
        for (key, value) in json {
            guard let code = Int32(key.trimmingCharacters(in: .whitespaces)), (1...7).contains(value) else { return nil }
            mapping[code] = Int16(value)
        }
        self.init(mapping: mapping)
    }

    /// This legend with some codes remapped or added.
    public func overriding(_ changes: [Int32: Int16]) -> LandCoverLegend {
        LandCoverLegend(mapping: mapping.merging(changes) { _, new in new })
    }

    private enum CodingKeys: String, CodingKey { case mapping }

    /// Decodes the mapping (the lookup table is rebuilt, not stored).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mapping: try c.decode([Int32: Int16].self, forKey: .mapping))
    }

    /// Encodes the mapping only.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mapping, forKey: .mapping)
    }

    /// Legends are equal when they map the same codes to the same classes.
    public static func == (a: LandCoverLegend, b: LandCoverLegend) -> Bool { a.mapping == b.mapping }

    /// Hashes the mapping.
    public func hash(into hasher: inout Hasher) { hasher.combine(mapping) }

    /// The UNCCD class of a source code, nil when the code is not mapped.
    public func unccdClass(of code: Int32) -> Int16? { mapping[code] }

    /// Reclassifies Int16 codes; unmapped codes become nodata and are counted
    /// in `unknown`, `nodata` becomes nodata.
    public func reclassify(
        _ codes: UnsafeBufferPointer<Int16>, nodata: Int16?, into out: UnsafeMutableBufferPointer<Int16>,
        unknown: inout UnknownCodeCounter
    ) {
        precondition(codes.count >= out.count, "input buffer is shorter than the output")
        lookup.withUnsafeBufferPointer { table in
            for i in 0..<out.count {
                let code = codes[i]
                if code == nodata {
                    out[i] = DegradationStatus.nodata
                    continue
                }
                let c = table[Int(code) + 32768]
                if c == Self.unmapped {
                    unknown.add(Int32(code))
                    out[i] = DegradationStatus.nodata
                } else {
                    out[i] = c
                }
            }
        }
    }

    /// Reclassifies codes read as Float (GDAL's common buffer type). NaN and
    /// `nodata` become nodata; a code that is not an integer in Int32 range
    /// or not mapped becomes nodata and, if integral, is counted in `unknown`.
    ///
    /// Integral is tested without libm's `roundf` (a call per pixel, 1.5 % of an ldn run's CPU; docs/benchmarks.md,
    /// "ldn report tail"): within [-2^31, 2^31) the truncation `Int32(v)` is exact, and a Float that is not an
    /// integer has |v| < 2^23, so `Float(Int32(v)) == v` exactly when v is an integer (what `v == v.rounded()` says).
    public func reclassify(
        _ codes: UnsafeBufferPointer<Float>, nodata: Float?, into out: UnsafeMutableBufferPointer<Int16>,
        unknown: inout UnknownCodeCounter
    ) {
        precondition(codes.count >= out.count, "input buffer is shorter than the output")
        let nd = nodata ?? .nan   // NaN equals nothing: no nodata value
        lookup.withUnsafeBufferPointer { table in
            for i in 0..<out.count {
                let v = codes[i]
                // NaN and the infinities fail the range test.
                guard v >= -2_147_483_648, v < 2_147_483_648, v != nd else {
                    out[i] = DegradationStatus.nodata
                    continue
                }
                let code = Int32(v)
                guard Float(code) == v else {
                    out[i] = DegradationStatus.nodata
                    continue
                }
                let c: Int16? = code >= -32768 && code <= 32767 ? table[Int(code) + 32768].nilIfUnmapped : mapping[code]
                if let c {
                    out[i] = c
                } else {
                    unknown.add(code)
                    out[i] = DegradationStatus.nodata
                }
            }
        }
    }
}

private extension Int16 {
    /// nil for the lookup's "unmapped" marker.
    var nilIfUnmapped: Int16? { self == -32767 ? nil : self }
}
