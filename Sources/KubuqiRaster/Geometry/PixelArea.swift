import Foundation

/// Ground area of pixels: constant in a projected CRS, and varying with
/// latitude in a geographic one, where it is computed on the ellipsoid.
public enum PixelArea {
    /// An ellipsoid by semi-major axis (m) and inverse flattening.
    public struct Ellipsoid: Sendable, Hashable, Codable {
        /// Semi-major axis in metres.
        public var semiMajor: Double
        /// Inverse flattening (0 for a sphere).
        public var inverseFlattening: Double
        /// Creates an ellipsoid.
        public init(semiMajor: Double, inverseFlattening: Double) {
            self.semiMajor = semiMajor
            self.inverseFlattening = inverseFlattening
        }
        /// WGS 84.
        public static let wgs84 = Ellipsoid(semiMajor: 6_378_137, inverseFlattening: 298.257223563)
        /// First eccentricity squared.
        public var eccentricitySquared: Double {
            guard inverseFlattening > 0 else { return 0 }
            let f = 1 / inverseFlattening
            return f * (2 - f)
        }
    }

    /// Area in m2 of the ellipsoidal quadrangle between latitudes `lat1` and
    /// `lat2` (degrees) spanning `dLon` degrees of longitude:
    /// `A = (b^2 dLon / 2) [q(lat2) - q(lat1)]`, with
    /// `q(phi) = sin(phi) / (1 - e^2 sin^2 phi) + ln((1 + e sin phi) / (1 - e sin phi)) / (2e)`
    /// (the authalic-latitude form, Snyder 1987, Map Projections - A Working Manual, eq. 3-12).
    public static func quadrangle(lat1: Double, lat2: Double, dLon: Double, ellipsoid: Ellipsoid) -> Double {
        let a = ellipsoid.semiMajor, e2 = ellipsoid.eccentricitySquared
        let lam = abs(dLon) * .pi / 180
        guard e2 > 0 else {
            return a * a * lam * abs(sin(lat2 * .pi / 180) - sin(lat1 * .pi / 180))
        }
        let e = e2.squareRoot(), b2 = a * a * (1 - e2)
        func q(_ deg: Double) -> Double {
            let s = sin(deg * .pi / 180)
            return s / (1 - e2 * s * s) + log((1 + e * s) / (1 - e * s)) / (2 * e)
        }
        return abs(b2 * lam / 2 * (q(lat2) - q(lat1)))
    }

    /// Area in m2 of one pixel of each row of a grid in a geographic CRS
    /// (north-up geotransform in degrees).
    public static func geographicRowAreas(transform t: GeoTransform, rows: Range<Int>, ellipsoid: Ellipsoid) -> [Double] {
        rows.map { r in
            let top = t.originY + Double(r) * t.pixelHeight
            return quadrangle(lat1: top, lat2: top + t.pixelHeight, dLon: t.pixelWidth, ellipsoid: ellipsoid)
        }
    }
}
