// Indices of bare soil and sand: BSI and TGSI. Both are ratios whose
// numerator and denominator scale together, so a gain common to all bands
// cancels (reflectance x 10000 gives the same value as reflectance); an
// additive offset does not, and must be removed first. Broadband albedo,
// the third sand indicator, is in Albedo.swift.

/// BSI, the bare soil index
/// `((SWIR1 + Red) - (NIR + Blue)) / ((SWIR1 + Red) + (NIR + Blue))`
/// (Rikimaru et al. 2002), in its normalized form (-1..1, not the
/// `x 100 + 100` rescaling of some software).
///
/// Bare soil and sand are brighter in SWIR1 and red than in NIR and blue, so
/// they score high; vegetation scores low. A zero denominator is nodata.
public enum BSI {
    /// Computes BSI for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        swir1: UnsafeBufferPointer<Float>, swir1Nodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        blue: UnsafeBufferPointer<Float>, blueNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        VectorMap.quaternary(swir1, nodata: swir1Nodata, red, nodata: redNodata,
                             nir, nodata: nirNodata, blue, nodata: blueNodata, into: out) { s, r, n, b in
            let soil = s + r, other = n + b
            return (soil - other) / (soil + other)
        }
    }
}

/// TGSI, the topsoil grain size index `(Red - Blue) / (Red + Green + Blue)`
/// (Xiao et al. 2006).
///
/// Developed for aeolian desertification: the index rises as wind winnows
/// silt and clay from the topsoil and leaves it coarser and sandier, so
/// higher values mean a coarser surface; vegetation and water are near zero
/// or negative. A zero denominator is nodata.
public enum TGSI {
    /// Computes TGSI for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        green: UnsafeBufferPointer<Float>, greenNodata: Float?,
        blue: UnsafeBufferPointer<Float>, blueNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        VectorMap.ternary(red, nodata: redNodata, green, nodata: greenNodata, blue, nodata: blueNodata,
                          into: out) { r, g, b in
            (r - b) / (r + g + b)
        }
    }
}

extension SpectralIndex {
    /// BSI (Rikimaru et al. 2002), normalized form. Scale-free: any common gain cancels.
    public static let bsi = SpectralIndex(
        name: "bsi", title: "Bare Soil Index",
        formula: "((SWIR1 + Red) - (NIR + Blue)) / ((SWIR1 + Red) + (NIR + Blue)); scale-free",
        roles: [.swir1, .red, .nir, .blue], validRange: -1...1,
        citation: "Rikimaru, A., Roy, P.S., Miyatake, S. (2002) Tropical forest cover density mapping. Tropical Ecology 43(1), 39-47.",
        kernel: { inputs, nodata, out in
            BSI.apply(swir1: inputs[0], swir1Nodata: nodata[0], red: inputs[1], redNodata: nodata[1],
                      nir: inputs[2], nirNodata: nodata[2], blue: inputs[3], blueNodata: nodata[3], into: out)
        })

    /// TGSI (Xiao et al. 2006). Scale-free: any common gain cancels.
    public static let tgsi = SpectralIndex(
        name: "tgsi", title: "Topsoil Grain Size Index",
        formula: "(Red - Blue) / (Red + Green + Blue); scale-free",
        roles: [.red, .green, .blue], validRange: -1...1,
        citation: "Xiao, J., Shen, Y., Tateishi, R., Bayaer, W. (2006) Development of topsoil grain size index for monitoring desertification in arid land using remote sensing. International Journal of Remote Sensing 27(12), 2411-2422.",
        kernel: { inputs, nodata, out in
            TGSI.apply(red: inputs[0], redNodata: nodata[0], green: inputs[1], greenNodata: nodata[1],
                       blue: inputs[2], blueNodata: nodata[2], into: out)
        })
}
