import Foundation
import KubuqiIndicators

/// The design of a stratified random sample of a class map, as `sample` writes it
/// (`design.json`) and `assess` reads it back: the map, its strata with their mapped sizes and
/// areas, the allocation and the inclusion probabilities.
public struct SampleDesign: Codable, Sendable, Equatable {
    /// One stratum: the pixels of one map class.
    public struct Stratum: Codable, Sendable, Equatable {
        /// The class code in the map.
        public var code: Int
        /// The class name from the map's legend, if it has one.
        public var name: String?
        /// Pixels of the class in the map.
        public var pixels: Int
        /// Their area in km2 (on the ellipsoid where the grid is geographic).
        public var areaKm2: Double
        /// The stratum's share of the mapped area, W_h.
        public var weight: Double
        /// The user's accuracy the sample size was planned with.
        public var expectedUsersAccuracy: Double
        /// Points drawn, n_h.
        public var sampleSize: Int
        /// Probability that a given pixel of the stratum is in the sample, n_h / N_h.
        public var inclusionProbability: Double
    }

    /// The file format version of this document.
    public var format = "kubuqi-sample-design/1"
    /// The class map sampled (as given), with its band.
    public var map: String
    /// Its band.
    public var band: Int
    /// SHA-256 of the map file.
    public var mapSHA256: String
    /// The map's grid: size, geotransform and CRS (WKT).
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// GDAL geotransform.
    public var geoTransform: [Double]
    /// CRS as WKT.
    public var crsWKT: String
    /// How the sample size was chosen, in words.
    public var sizeRule: String
    /// The sample size that rule gave.
    public var plannedSize: Int
    /// How it was allocated.
    public var allocation: String
    /// The random seed.
    public var seed: UInt64
    /// The strata, by code.
    public var strata: [Stratum]
    /// The software that drew it.
    public var software: String

    /// The total sample size.
    public var sampleSize: Int { strata.reduce(0) { $0 + $1.sampleSize } }

    /// Reads and checks a design file; an input error naming it when it is not one.
    public static func read(_ path: String) throws -> SampleDesign {
        let data = try InputFile.read(path)
        let design: SampleDesign
        do {
            design = try JSONDecoder().decode(SampleDesign.self, from: data)
        } catch {
            throw KubuqiError.input(path, "not a sample design written by 'kubuqi-monitor sample' (\(Self.describe(error)))")
        }
        if let problem = design.problem { throw KubuqiError.input(path, problem) }
        return design
    }

    /// What makes the design unusable, if anything.
    var problem: String? {
        guard format == "kubuqi-sample-design/1" else { return "unknown design format '\(format)'" }
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max), geoTransform.count == 6, geoTransform.allSatisfy(\.isFinite) else { return "the grid is not valid" }
        guard !strata.isEmpty else { return "has no strata" }
        guard Set(strata.map(\.code)).count == strata.count else { return "lists a stratum twice" }
        for s in strata {
            guard s.pixels >= 0, s.sampleSize >= 0, s.sampleSize <= s.pixels else { return "stratum \(s.code): sample size \(s.sampleSize) of \(s.pixels) pixels" }
            guard s.areaKm2.isFinite, s.areaKm2 >= 0 else { return "stratum \(s.code): the area is not a finite non-negative number" }
        }
        guard strata.reduce(0, { $0 + $1.areaKm2 }) > 0 else { return "the strata have no area" }
        return nil
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        default: return "\(error)"
        }
    }
}
