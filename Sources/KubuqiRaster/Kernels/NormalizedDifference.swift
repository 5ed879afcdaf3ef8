/// The normalized difference `(a - b) / (a + b)` of two bands.
///
/// With `a` = NIR and `b` = red it is NDVI (Rouse et al. 1974); the same
/// kernel gives NDWI, NDMI and NBR with other band pairs. Reflectance scaling
/// (`gain * DN + offset`) must be applied before when the offset is not zero;
/// a pure gain cancels out of the ratio.
public enum NormalizedDifference {
    /// Computes `(a - b) / (a + b)` for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        _ a: UnsafeBufferPointer<Float>, nodata aNodata: Float?,
        _ b: UnsafeBufferPointer<Float>, nodata bNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        VectorMap.binary(a, nodata: aNodata, b, nodata: bNodata, into: out) { x, y in
            (x - y) / (x + y)
        }
    }
}

/// NDVI, the normalized difference vegetation index `(NIR - Red) / (NIR + Red)`
/// (Rouse et al. 1974; Tucker 1979).
public enum NDVI {
    /// Computes NDVI for every pixel; nodata as in ``VectorMap``.
    @inlinable
    public static func apply(
        nir: UnsafeBufferPointer<Float>, nirNodata: Float?,
        red: UnsafeBufferPointer<Float>, redNodata: Float?,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        NormalizedDifference.apply(nir, nodata: nirNodata, red, nodata: redNodata, into: out)
    }
}
