/// Broadband shortwave surface albedo (0.3-2.5 um) from five narrow bands by
/// Liang's (2001) linear narrow-to-broadband conversion.
///
/// For Landsat TM/ETM+ Liang fitted
/// `0.356 Blue + 0.130 Red + 0.373 NIR + 0.085 SWIR1 + 0.072 SWIR2 - 0.0018`.
/// The five weights sum to 1.016; kubuqi-monitor divides by that sum
/// (the normalized form common in Landsat desertification and urban-climate
/// work), so a spectrally flat surface of reflectance `p` gets an albedo of
/// about `p`:
///
///     albedo = (0.356 B + 0.130 R + 0.373 N + 0.085 S1 + 0.072 S2 - 0.0018) / 1.016
///
/// Inputs are surface reflectance on a 0..1 scale (the offset makes the
/// formula scale-dependent). The result is a Lambertian approximation: it
/// assumes the nadir reflectance equals the hemispherical one, which holds
/// best over flat, bright, isotropic surfaces such as sand.
public enum BroadbandAlbedo {
    /// The sensor whose bands feed the conversion.
    public enum SensorFamily: String, Sendable, CaseIterable, Codable {
        /// Landsat 5 TM, 7 ETM+ and 8/9 OLI: bands 1,3,4,5,7 (TM/ETM+) or
        /// 2,4,5,6,7 (OLI). Liang (2001) fitted the coefficients for TM/ETM+;
        /// they are used unchanged for OLI.
        case landsat
        /// Sentinel-2 MSI: bands B02, B04, B8A (or B08), B11, B12, with
        /// Liang's Landsat coefficients (see ``BroadbandAlbedo/Coefficients/sentinel2``).
        case sentinel2
    }

    /// The weights of a linear narrow-to-broadband conversion
    /// `(wB B + wR R + wN N + wS1 S1 + wS2 S2 + offset) / divisor`.
    public struct Coefficients: Sendable, Hashable {
        /// Weight of the blue band.
        public var blue: Float
        /// Weight of the red band.
        public var red: Float
        /// Weight of the near-infrared band.
        public var nir: Float
        /// Weight of the 1.6 um shortwave-infrared band.
        public var swir1: Float
        /// Weight of the 2.2 um shortwave-infrared band.
        public var swir2: Float
        /// Constant term, in reflectance units.
        public var offset: Float
        /// Normalizing divisor (1 for none).
        public var divisor: Float

        /// Creates a set of weights.
        public init(blue: Float, red: Float, nir: Float, swir1: Float, swir2: Float,
                    offset: Float, divisor: Float = 1) {
            self.blue = blue
            self.red = red
            self.nir = nir
            self.swir1 = swir1
            self.swir2 = swir2
            self.offset = offset
            self.divisor = divisor
        }

        /// Liang (2001) for Landsat TM/ETM+ (also applied to OLI), normalized
        /// by the sum of the weights, 1.016.
        public static let landsat = Coefficients(
            blue: 0.356, red: 0.130, nir: 0.373, swir1: 0.085, swir2: 0.072, offset: -0.0018, divisor: 1.016)

        /// Sentinel-2 MSI: the same Liang (2001) form and weights as
        /// ``landsat``, applied to B02, B04, B8A, B11 and B12, whose bands
        /// match the TM bands Liang used.
        ///
        /// Li et al. (2018) is not used: their Sentinel-2 albedo scales each
        /// band by an albedo-to-reflectance ratio taken from the coincident
        /// MODIS BRDF product before converting, which needs MODIS data and is
        /// not a function of the Sentinel-2 bands alone.
        public static let sentinel2 = landsat

        /// The coefficients of a sensor family.
        public static func of(_ family: SensorFamily) -> Coefficients {
            switch family {
            case .landsat: landsat
            case .sentinel2: sentinel2
            }
        }
    }

    /// Computes the albedo of every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        blue: UnsafeBufferPointer<Float>, blueNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        swir1: UnsafeBufferPointer<Float>, swir1Nodata: Float?,
        swir2: UnsafeBufferPointer<Float>, swir2Nodata: Float?,
        coefficients c: Coefficients = .landsat,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let wb = Lanes(repeating: c.blue), wr = Lanes(repeating: c.red), wn = Lanes(repeating: c.nir)
        let ws1 = Lanes(repeating: c.swir1), ws2 = Lanes(repeating: c.swir2)
        let offset = Lanes(repeating: c.offset), divisor = Lanes(repeating: c.divisor)
        VectorMap.quinary(blue, nodata: blueNodata, red, nodata: redNodata, nir, nodata: nirNodata,
                          swir1, nodata: swir1Nodata, swir2, nodata: swir2Nodata, into: out) { b, r, n, s1, s2 in
            var sum = wb * b
            sum += wr * r
            sum += wn * n
            sum += ws1 * s1
            sum += ws2 * s2
            return (sum + offset) / divisor
        }
    }
}

extension SpectralIndex {
    /// Broadband shortwave albedo for a sensor family (Liang 2001, normalized
    /// by the weight sum 1.016). Reflectance (0..1) input.
    ///
    /// The catalogue's `albedo` is the Landsat form. The Sentinel-2 form is
    /// named `albedo-s2` and is not in the catalogue: its weights are the
    /// Landsat ones, so `albedo` given the Sentinel-2 bands computes the same.
    public static func albedo(sensorFamily: BroadbandAlbedo.SensorFamily) -> SpectralIndex {
        let coefficients = BroadbandAlbedo.Coefficients.of(sensorFamily)
        let name: String, title: String, bands: String
        switch sensorFamily {
        case .landsat:
            name = "albedo"
            title = "Broadband shortwave albedo (Liang 2001, Landsat TM/ETM+/OLI)"
            bands = "TM/ETM+ bands 1,3,4,5,7; OLI bands 2,4,5,6,7"
        case .sentinel2:
            name = "albedo-s2"
            title = "Broadband shortwave albedo (Liang 2001 form, Sentinel-2 MSI)"
            bands = "MSI B02, B04, B8A, B11, B12"
        }
        return SpectralIndex(
            name: name, title: title,
            formula: "(0.356 Blue + 0.130 Red + 0.373 NIR + 0.085 SWIR1 + 0.072 SWIR2 - 0.0018) / 1.016; "
                + "reflectance 0..1; \(bands)",
            roles: [.blue, .red, .nir, .swir1, .swir2], validRange: 0...1,
            citation: "Liang, S. (2001) Narrowband to broadband conversions of land surface albedo I: Algorithms. Remote Sensing of Environment 76(2), 213-238 (TM/ETM+ coefficients; normalized by their sum, 1.016).",
            kernel: { inputs, nodata, out in
                BroadbandAlbedo.apply(blue: inputs[0], blueNodata: nodata[0], red: inputs[1], redNodata: nodata[1],
                                      nir: inputs[2], nirNodata: nodata[2], swir1: inputs[3], swir1Nodata: nodata[3],
                                      swir2: inputs[4], swir2Nodata: nodata[4], coefficients: coefficients, into: out)
            })
    }

    /// The default `albedo` entry: the Landsat form of ``albedo(sensorFamily:)``.
    public static let albedo: SpectralIndex = albedo(sensorFamily: .landsat)
}
