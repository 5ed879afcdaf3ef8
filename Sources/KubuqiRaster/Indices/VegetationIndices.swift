// Vegetation indices that correct NDVI for the soil background (SAVI,
// MSAVI2) or for the atmosphere and saturation (EVI, EVI2).
//
// All four contain additive constants (L, the "+ 1" terms) that are tuned
// for surface reflectance on a 0..1 scale: the bands must be reflectance,
// not digital numbers and not reflectance x 10000.

/// SAVI, the soil-adjusted vegetation index
/// `(1 + L)(NIR - Red) / (NIR + Red + L)` (Huete 1988).
///
/// `L` shifts the origin of the NDVI isolines towards the soil line so that
/// bright and dark soils under the same canopy give closer values; `L = 0`
/// is NDVI, `L = 0.5` the usual compromise, `L = 1` suits very sparse
/// cover. Inputs are reflectance on a 0..1 scale.
public enum SAVI {
    /// The soil-adjustment factor used when none is given.
    public static let defaultL: Float = 0.5

    /// Computes SAVI for every pixel; nodata as in ``VectorMap`` (a zero
    /// denominator `NIR + Red + L` gives nodata).
    @inlinable
    public static func apply(
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        l: Float = defaultL,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let vl = Lanes(repeating: l), gain = Lanes(repeating: 1 + l)
        VectorMap.binary(nir, nodata: nirNodata, red, nodata: redNodata, into: out) { n, r in
            gain * (n - r) / (n + r + vl)
        }
    }
}

/// MSAVI2, the second modified soil-adjusted vegetation index
/// `(2 NIR + 1 - sqrt((2 NIR + 1)^2 - 8 (NIR - Red))) / 2` (Qi et al. 1994).
///
/// It is SAVI with the soil factor `L` solved per pixel (`L = 1 - MSAVI2`),
/// so no `L` has to be chosen. Inputs are reflectance on a 0..1 scale; a
/// negative radicand (which reflectance in 0..1 never gives) is nodata.
public enum MSAVI2 {
    /// Computes MSAVI2 for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let one = Lanes(repeating: 1), two = Lanes(repeating: 2), eight = Lanes(repeating: 8)
        let half = Lanes(repeating: 0.5)
        VectorMap.binary(nir, nodata: nirNodata, red, nodata: redNodata, into: out) { n, r in
            let b = two * n + one
            let radicand = b * b - eight * (n - r)
            // squareRoot of a negative lane is NaN, which VectorMap turns into nodata.
            return (b - radicand.squareRoot()) * half
        }
    }
}

/// EVI, the enhanced vegetation index
/// `G (NIR - Red) / (NIR + C1 Red - C2 Blue + L)` (Huete et al. 2002), with
/// the MODIS coefficients `G = 2.5`, `C1 = 6`, `C2 = 7.5`, `L = 1` by default.
///
/// The blue band corrects red for aerosol scattering and `L` the canopy
/// background. Inputs are reflectance on a 0..1 scale; the denominator can
/// reach zero over bright targets (cloud, snow, bright sand with haze), and
/// a zero denominator is nodata.
public enum EVI {
    /// The MODIS gain factor G.
    public static let defaultGain: Float = 2.5
    /// The MODIS aerosol coefficient C1 of the red band.
    public static let defaultC1: Float = 6
    /// The MODIS aerosol coefficient C2 of the blue band.
    public static let defaultC2: Float = 7.5
    /// The MODIS canopy background adjustment L.
    public static let defaultL: Float = 1

    /// Computes EVI for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        blue: UnsafeBufferPointer<Float>, blueNodata: Float?,
        gain: Float = defaultGain, c1: Float = defaultC1, c2: Float = defaultC2, l: Float = defaultL,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let g = Lanes(repeating: gain), vc1 = Lanes(repeating: c1), vc2 = Lanes(repeating: c2)
        let vl = Lanes(repeating: l)
        VectorMap.ternary(nir, nodata: nirNodata, red, nodata: redNodata, blue, nodata: blueNodata,
                          into: out) { n, r, b in
            let denominator = n + vc1 * r - vc2 * b + vl
            return g * (n - r) / denominator
        }
    }
}

/// EVI2, the two-band enhanced vegetation index
/// `2.5 (NIR - Red) / (NIR + 2.4 Red + 1)` (Jiang et al. 2008).
///
/// A fit of EVI without the blue band, for sensors without one and for
/// scenes where blue is noisy. Inputs are reflectance on a 0..1 scale; a
/// zero denominator is nodata.
public enum EVI2 {
    /// Computes EVI2 for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let g = Lanes(repeating: 2.5), c = Lanes(repeating: 2.4), one = Lanes(repeating: 1)
        VectorMap.binary(nir, nodata: nirNodata, red, nodata: redNodata, into: out) { n, r in
            g * (n - r) / (n + c * r + one)
        }
    }
}

extension SpectralIndex {
    /// SAVI with the soil-adjustment factor `l` (Huete 1988); the catalogue
    /// entry uses `l = 0.5`. Reflectance (0..1) input.
    public static func savi(l: Float = SAVI.defaultL) -> SpectralIndex {
        SpectralIndex(
            name: "savi", title: "Soil-Adjusted Vegetation Index (L = \(l))",
            formula: "(1 + L)(NIR - Red) / (NIR + Red + L), L = \(l); reflectance 0..1",
            roles: [.nir, .red], validRange: -1...1,
            citation: "Huete, A.R. (1988) A soil-adjusted vegetation index (SAVI). Remote Sensing of Environment 25(3), 295-309.",
            kernel: { inputs, nodata, out in
                SAVI.apply(nir: inputs[0], nirNodata: nodata[0], red: inputs[1], redNodata: nodata[1],
                           l: l, into: out)
            })
    }

    /// SAVI with `L = 0.5` (Huete 1988). Reflectance (0..1) input.
    public static let savi: SpectralIndex = savi(l: SAVI.defaultL)

    /// MSAVI2 (Qi et al. 1994). Reflectance (0..1) input.
    public static let msavi2 = SpectralIndex(
        name: "msavi2", title: "Modified Soil-Adjusted Vegetation Index 2",
        formula: "(2 NIR + 1 - sqrt((2 NIR + 1)^2 - 8 (NIR - Red))) / 2; reflectance 0..1",
        roles: [.nir, .red], validRange: -1...1,
        citation: "Qi, J., Chehbouni, A., Huete, A.R., Kerr, Y.H., Sorooshian, S. (1994) A modified soil adjusted vegetation index. Remote Sensing of Environment 48(2), 119-126.",
        kernel: { inputs, nodata, out in
            MSAVI2.apply(nir: inputs[0], nirNodata: nodata[0], red: inputs[1], redNodata: nodata[1], into: out)
        })

    /// EVI with the MODIS coefficients (Huete et al. 2002). Reflectance (0..1) input.
    public static let evi = SpectralIndex(
        name: "evi", title: "Enhanced Vegetation Index",
        formula: "2.5 (NIR - Red) / (NIR + 6 Red - 7.5 Blue + 1); reflectance 0..1",
        roles: [.nir, .red, .blue], validRange: -1...1,
        citation: "Huete, A., Didan, K., Miura, T., Rodriguez, E.P., Gao, X., Ferreira, L.G. (2002) Overview of the radiometric and biophysical performance of the MODIS vegetation indices. Remote Sensing of Environment 83(1-2), 195-213.",
        kernel: { inputs, nodata, out in
            EVI.apply(nir: inputs[0], nirNodata: nodata[0], red: inputs[1], redNodata: nodata[1],
                      blue: inputs[2], blueNodata: nodata[2], into: out)
        })

    /// EVI2 (Jiang et al. 2008). Reflectance (0..1) input.
    public static let evi2 = SpectralIndex(
        name: "evi2", title: "Two-band Enhanced Vegetation Index",
        formula: "2.5 (NIR - Red) / (NIR + 2.4 Red + 1); reflectance 0..1",
        roles: [.nir, .red], validRange: -1...1,
        citation: "Jiang, Z., Huete, A.R., Didan, K., Miura, T. (2008) Development of a two-band enhanced vegetation index without a blue band. Remote Sensing of Environment 112(10), 3833-3845.",
        kernel: { inputs, nodata, out in
            EVI2.apply(nir: inputs[0], nirNodata: nodata[0], red: inputs[1], redNodata: nodata[1], into: out)
        })
}
