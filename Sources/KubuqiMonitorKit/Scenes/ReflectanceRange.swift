/// The plausible surface reflectance of each product after scaling: values
/// outside are not reflectance (fill, saturation, a negative from atmospheric
/// correction, or a band read without its scale) and are nodata. Negative
/// reflectance is never kept: a ratio index of it leaves its range (NDVI of a
/// red of -0.01 and a NIR of 0.02 is 3). See docs/indices.md, "Input checks".
public enum ReflectanceRange {
    /// Landsat Collection 2 Level-2: USGS's valid range of SR DN 7273..43636,
    /// i.e. 0..1 with the standard 0.0000275 x DN - 0.2.
    public static let landsatC2L2: ClosedRange<Float> = 0...1
    /// Sentinel-2 L2A (BOA x 10000, after BOA_ADD_OFFSET): 0..1.2; above 1.2 only
    /// saturated, specular or cloud pixels (ESA publishes no upper valid bound).
    public static let sentinel2L2A: ClosedRange<Float> = 0...1.2
    /// MODIS MOD09/MYD09 sur_refl: the product's valid range -100..16000 x 0.0001,
    /// without the negatives: 0..1.6.
    public static let modis09: ClosedRange<Float> = 0...1.6
    /// MODIS MOD13/MYD13 reflectance layers: the product's valid range 0..10000 x 0.0001.
    public static let modis13: ClosedRange<Float> = 0...1
    /// Bands given by role with --scale/--offset (any product): 0..1.2.
    public static let generic: ClosedRange<Float> = 0...1.2
    /// Bands given by role without a scale (values used as given, e.g. DN): only
    /// negatives are nodata; a share above ``generic`` is reported.
    public static let unscaled: ClosedRange<Float> = 0...Float.greatestFiniteMagnitude

    /// The share of a band's valid values out of range above which the run says so.
    public static let reportedShare = 0.5
}
