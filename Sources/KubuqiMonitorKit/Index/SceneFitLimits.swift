import Foundation
import KubuqiGDAL
import KubuqiRaster

/// When the scene statistics FVC and DDI derive their parameters from mean
/// nothing (docs/indices.md, "FVC" and "DDI"): FVC stops with the reason, DDI
/// warns; both name the options that set the parameters instead.
public enum SceneFitLimits {
    /// The least NDVI contrast between the scene's vegetation (95th percentile)
    /// and soil (5th percentile) end-members: below it the scene holds too little
    /// vegetation for a two-end-member mix (a 0.01 NDVI error would move FVC by
    /// more than 5 %), e.g. the Sahara's 0.048 / 0.084.
    public static let minimumEndMemberContrast: Float = 0.2

    /// The least |r| of the Albedo-NDVI fit: below it the scene has no
    /// desertification axis (Sahara: r = -0.15) and DDI's k and grades are noise.
    public static let minimumFitCorrelation = 0.5

    /// Throws when the scene's end-members are too close.
    public static func checkEndMembers(_ e: FractionalVegetationCover.EndMembers, source: String) throws {
        guard e.vegetation - e.soil < minimumEndMemberContrast else { return }
        throw KubuqiError(.input, "\(source): the scene holds too little vegetation for FVC's end-members: NDVI soil (5th percentile) "
                          + String(format: "%.3f, vegetation (95th) %.3f, ", e.soil, e.vegetation)
                          + "a contrast under \(minimumEndMemberContrast); give --fvc-soil and --fvc-vegetation (e.g. the NDVI of bare soil and of full cover from a reference)")
    }

    /// Warns when the Albedo-NDVI fit is weak (the run goes on: a teaching scene
    /// with water in the window has a weak fit too); returns the warning, nil when none.
    @discardableResult
    public static func checkFit(_ fit: DesertificationDifferenceIndex.Fit, source: String) -> String? {
        let r = fit.correlation ?? 0
        guard abs(r) < minimumFitCorrelation else { return nil }
        let message = "\(source): the scene's Albedo-NDVI fit is weak (r = " + String(format: "%.2f", r)
            + ", |r| under \(minimumFitCorrelation); albedo = " + String(format: "%.4f NDVI + %.4f", fit.slope, fit.intercept)
            + "): the scene has no clear desertification axis, so the fitted k = " + String(format: "%.3f", fit.k)
            + " and the DDI grades are unreliable; give --ddi-k (k = -1 / slope of a reference scene) and --grade-breaks"
        Diagnostics.warn(message)
        return message
    }
}
