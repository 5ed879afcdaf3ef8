/// Fractional vegetation cover (FVC) by the dimidiate pixel model: a pixel
/// is a mix of bare soil and full vegetation, its NDVI the area-weighted mix
/// of the two end-members, so
///
///     FVC = clamp((NDVI - NDVIsoil) / (NDVIveg - NDVIsoil), 0, 1)
///
/// (Gutman & Ignatov 1998, the linear form; widely used in Chinese
/// desertification monitoring).
///
/// The end-members are scene statistics: the usual choice is the 5th and 95th
/// percentiles of the scene's NDVI, read from a mergeable ``Histogram`` after
/// a first pass (``endMembers(from:soilQuantile:vegetationQuantile:)``). NDVI
/// is scale-free, so FVC is too; the input is an NDVI layer, not bands.
public enum FractionalVegetationCover {
    /// The NDVI of pure bare soil and of full vegetation cover, with
    /// `soil < vegetation`.
    public struct EndMembers: Sendable, Hashable, Codable {
        /// NDVI of bare soil (FVC 0 at and below it).
        public let soil: Float
        /// NDVI of full vegetation cover (FVC 1 at and above it).
        public let vegetation: Float

        /// Creates end-members; nil unless both are finite and `soil < vegetation`.
        public init?(soil: Float, vegetation: Float) {
            guard soil.isFinite, vegetation.isFinite, soil < vegetation,
                  (vegetation - soil).isFinite, vegetation - soil > 0 else { return nil }
            self.soil = soil
            self.vegetation = vegetation
        }
    }

    /// End-members from a histogram of the scene's NDVI: the `soilQuantile`
    /// and `vegetationQuantile` quantiles (5% and 95% by default). Nil when
    /// the histogram is empty or the two quantiles coincide (a uniform scene
    /// has no soil-vegetation contrast).
    ///
    /// Quantiles come from ``Histogram/quantile(_:)``, exact to one bin width;
    /// a histogram over -1..1 with 2000 bins gives them to 0.001 NDVI.
    public static func endMembers(from histogram: Histogram, soilQuantile: Double = 0.05,
                                  vegetationQuantile: Double = 0.95) -> EndMembers? {
        guard let soil = histogram.quantile(soilQuantile),
              let vegetation = histogram.quantile(vegetationQuantile) else { return nil }
        return EndMembers(soil: Float(soil), vegetation: Float(vegetation))
    }

    /// Computes FVC (0...1) for every pixel of an NDVI layer; nodata as in
    /// ``VectorMap`` (NaN or `ndviNodata` in, NaN out).
    @inlinable
    public static func apply(
        ndvi: UnsafeBufferPointer<Float>, ndviNodata: Float?,
        endMembers: EndMembers,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let soil = Lanes(repeating: endMembers.soil)
        let range = Lanes(repeating: endMembers.vegetation - endMembers.soil)
        let zero = Lanes.zero, one = Lanes(repeating: 1)
        VectorMap.unary(ndvi, nodata: ndviNodata, into: out) { v in
            let f = (v - soil) / range
            // Comparisons with NaN are false, so NaN lanes pass through (and become nodata).
            return f.replacing(with: zero, where: f .< zero).replacing(with: one, where: f .> one)
        }
    }

    /// The citation of the model.
    public static let citation = "Gutman, G., Ignatov, A. (1998) The derivation of the green vegetation fraction from NOAA/AVHRR data for use in numerical weather prediction models. International Journal of Remote Sensing 19(8), 1533-1543."
}
