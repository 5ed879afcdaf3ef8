import Foundation
import KubuqiIndicators
import KubuqiRaster

/// The `[climate]` section of the `ldn` config: a precipitation series and the
/// correction of the productivity trajectory (docs/climate.md).
///
/// ```toml
/// [climate]
/// precipitation = "climate/precipitation_monthly.tif"  # dated bands, files or a folder, as `stack` reads them
/// method = "restrend"        # restrend (default), rue, or trend (no correction; the layers are still written)
/// season = "11-01..03-31"    # optional: sum over this season (else the calendar year)
/// significance = 0.05        # RESTREND applies where the fit's two-sided p is below this
/// scale = 0.1                # optional: stored value x scale = mm (else the bands' declared scale)
/// correct = "trajectory-state"  # (default) trajectory and state on the corrected series; "trajectory": Trends.Earth's
/// ```
public struct ClimateCorrection: Sendable {
    /// The trajectory method.
    public enum Method: String, Sendable, CaseIterable {
        /// The plain productivity trend (the climate layers are still written, for comparison).
        case trend
        case restrend
        case rue
    }

    /// Which LPD sub-indicators see the climate-corrected series (docs/climate.md, "Correcting state too").
    public enum Scope: String, Sendable, CaseIterable {
        /// Trajectory (residual or RUE trend) and state (on the climate-normalized annual series).
        case trajectoryState = "trajectory-state"
        /// The trajectory only, as Trends.Earth does; state and performance on the plain productivity.
        case trajectory
    }

    /// The precipitation series (a dated multi-band raster, files, a folder or a list), resolved.
    public var precipitation: String
    /// The trajectory method.
    public var method: Method = .restrend
    /// Calendar year (nil) or a season `MM-DD..MM-DD` over which precipitation is summed.
    public var season: String?
    /// The periods precipitation is summed over.
    public var scheme: PeriodScheme = .year
    /// The fit's two-sided significance level.
    public var significance = 0.05
    /// Stored-to-millimetre scale; nil for the bands' declared one.
    public var scale: Float?
    /// Which sub-indicators are corrected.
    public var scope: Scope = .trajectoryState

    /// Whether state is computed on the climate-normalized series (a correcting method and scope).
    public var correctsState: Bool { method != .trend && scope == .trajectoryState }

    /// Reads and validates `[climate]` (every value; errors name the file, line and key).
    static func load(_ c: ConfigReader, minimumSlope: Double) throws -> ClimateCorrection {
        try c.rejectUnknown(known: ["precipitation", "method", "season", "significance", "scale", "correct"])
        var out = ClimateCorrection(precipitation: try c.required(try c.path("precipitation"), "precipitation"))
        if let m = try c.keyword("method", valid: Method.allCases.map(\.rawValue)), let method = Method(rawValue: m) {
            out.method = method
        }
        if let s = try c.string("season") {
            guard let scheme = PeriodScheme.season(parsing: s) else {
                throw c.error("season", "expected MM-DD..MM-DD (e.g. \"11-01..03-31\"), got '\(s)'")
            }
            out.season = s
            out.scheme = scheme
        }
        if let a = try c.number("significance") {
            guard a > 0 && a <= 0.5 else { throw c.error("significance", "must be more than 0 and at most 0.5 (a two-sided level), got \(a)") }
            out.significance = a
        }
        out.scale = try c.positiveFloat("scale")
        if let k = try c.keyword("correct", valid: Scope.allCases.map(\.rawValue)), let scope = Scope(rawValue: k) {
            out.scope = scope
        }
        if out.method == .rue && minimumSlope > 0 {
            throw c.error("method", "[productivity] minimum_slope is in productivity units per year; the rue trend is in productivity per mm per year: set minimum_slope = 0 or use restrend")
        }
        return out
    }

    /// Which sub-indicators the correction reaches, for the report.
    private var applied: String {
        scope == .trajectoryState ? "; trajectory and state corrected, performance on the plain productivity"
            : "; trajectory only corrected (as Trends.Earth), state and performance on the plain productivity"
    }

    /// How the report names the method.
    public var description: String {
        let over = season.map { "season \($0)" } ?? "calendar year"
        switch method {
        case .trend: return "plain productivity trend (precipitation summed per \(over) for the comparison layers)"
        case .restrend: return "RESTREND (residuals of productivity on precipitation per \(over); fit t test, two-sided p < \(significance), else the plain trend)\(applied)"
        case .rue: return "rain-use efficiency (productivity / precipitation per \(over))\(applied)"
        }
    }
}
