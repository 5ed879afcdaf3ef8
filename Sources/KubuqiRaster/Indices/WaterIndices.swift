// Normalized differences for open water, vegetation moisture and burns.
//
// All four are `(a - b) / (a + b)` over ``NormalizedDifference`` (catalogue
// entries made by ``SpectralIndex/normalizedDifference(name:title:formula:roles:citation:)``):
// scale-free in the sense that a gain common to both bands cancels
// (reflectance x 10000 gives the same value as reflectance), but an additive
// offset does not, so products with an offset (Landsat Collection 2 Level-2,
// Sentinel-2 L2A since processing baseline 04.00) must be converted to
// reflectance first.
//
// NDWI after McFeeters (1996), `(Green - NIR) / (Green + NIR)`: positive over
// open water, negative over vegetation and most soils. MNDWI (Xu 2006),
// `(Green - SWIR1) / (Green + SWIR1)`: separates water from built-up land and
// bright soil better than NDWI because those are bright in SWIR1. NDMI
// `(NIR - SWIR1) / (NIR + SWIR1)` (Gao 1996, with the 1.6 um band as in Wilson
// & Sader 2002): the liquid water content of vegetation canopies. NBR
// `(NIR - SWIR2) / (NIR + SWIR2)` (Key & Benson 2006): high over green
// vegetation, low over fresh burns.

extension SpectralIndex {
    /// NDWI (McFeeters 1996). Scale-free: any common gain cancels.
    public static let ndwi = normalizedDifference(
        name: "ndwi", title: "Normalized Difference Water Index (McFeeters)",
        formula: "(Green - NIR) / (Green + NIR); scale-free", roles: [.green, .nir],
        citation: "McFeeters, S.K. (1996) The use of the Normalized Difference Water Index (NDWI) in the delineation of open water features. International Journal of Remote Sensing 17(7), 1425-1432.")

    /// MNDWI (Xu 2006). Scale-free: any common gain cancels.
    public static let mndwi = normalizedDifference(
        name: "mndwi", title: "Modified Normalized Difference Water Index",
        formula: "(Green - SWIR1) / (Green + SWIR1); scale-free", roles: [.green, .swir1],
        citation: "Xu, H. (2006) Modification of normalised difference water index (NDWI) to enhance open water features in remotely sensed imagery. International Journal of Remote Sensing 27(14), 3025-3033.")

    /// NDMI (Gao 1996; Wilson & Sader 2002). Scale-free: any common gain cancels.
    public static let ndmi = normalizedDifference(
        name: "ndmi", title: "Normalized Difference Moisture Index",
        formula: "(NIR - SWIR1) / (NIR + SWIR1); scale-free", roles: [.nir, .swir1],
        citation: "Gao, B.-C. (1996) NDWI - A normalized difference water index for remote sensing of vegetation liquid water from space. Remote Sensing of Environment 58(3), 257-266; Wilson, E.H., Sader, S.A. (2002) Detection of forest harvest type using multiple dates of Landsat TM imagery. Remote Sensing of Environment 80(3), 385-396.")

    /// NBR (Key & Benson 2006). Scale-free: any common gain cancels.
    public static let nbr = normalizedDifference(
        name: "nbr", title: "Normalized Burn Ratio",
        formula: "(NIR - SWIR2) / (NIR + SWIR2); scale-free", roles: [.nir, .swir2],
        citation: "Key, C.H., Benson, N.C. (2006) Landscape Assessment (LA): Sampling and analysis methods. In: Lutes, D.C. et al., FIREMON: Fire Effects Monitoring and Inventory System. USDA Forest Service, Rocky Mountain Research Station, Gen. Tech. Rep. RMRS-GTR-164-CD, LA-1-LA-55.")
}
