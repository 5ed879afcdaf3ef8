/// The years over which a period's productivity metrics are computed.
///
/// Two presets (docs/ldn-method.md, "Analysis windows"), and per-period
/// overrides in the config's `[windows.PERIOD]` tables:
///
/// - `period`: trajectory and performance over the period's own
///   years; state compares the period's last 3 years with the baseline
///   period's earlier years (the baseline period) or with the baseline years
///   (a reporting period). Land cover and SOC run from the baseline's start map.
/// - `trends-earth` (the default): Trends.Earth's presets: a reporting period's
///   trajectory and performance over the `years` (16) years ending at the
///   period's last year (from the first productivity year when fewer exist),
///   the baseline's over its own years; state compares the window's last 3
///   years with its earlier years; land cover and SOC of a reporting period run
///   from the baseline's end map to the reporting year.
public struct LDNWindows: Sendable, Equatable {
    /// Trajectory (Theil-Sen, Mann-Kendall) years.
    public var trajectory: ClosedRange<Int>
    /// Performance (mean against the land unit's 90th percentile) years.
    public var performance: ClosedRange<Int>
    /// State: the baseline years the recent mean is classed against.
    public var stateBaseline: ClosedRange<Int>
    /// State: the recent years.
    public var stateRecent: ClosedRange<Int>

    /// The presets.
    public enum Preset: String, Sendable, CaseIterable {
        case period
        case trendsEarth = "trends-earth"
    }

    /// The windows of a period under a preset.
    static func preset(_ preset: Preset, years: ClosedRange<Int>, isBaseline: Bool, baseline: ClosedRange<Int>,
                       windowYears: Int, firstYear: Int) -> LDNWindows {
        switch preset {
        case .period:
            let recent = max(years.lowerBound, years.upperBound - 2)...years.upperBound
            let earlier = isBaseline ? years.lowerBound...max(years.lowerBound, recent.lowerBound - 1) : baseline
            return LDNWindows(trajectory: years, performance: years,
                              stateBaseline: isBaseline && recent.lowerBound == years.lowerBound ? years.lowerBound...years.lowerBound : earlier,
                              stateRecent: recent)
        case .trendsEarth:
            // The baseline is assessed on the years the user chose; a reporting period on the
            // `windowYears` years ending at its last year (never fewer than its own years).
            let start = max(firstYear, years.upperBound - windowYears + 1)
            let window = isBaseline ? years : min(start, years.lowerBound)...years.upperBound
            let recent = max(window.lowerBound, window.upperBound - 2)...window.upperBound
            return LDNWindows(trajectory: window, performance: window,
                              stateBaseline: window.lowerBound...max(window.lowerBound, recent.lowerBound - 1), stateRecent: recent)
        }
    }

    /// Whether state's baseline window is real (it is empty, stored as one year, when the period is 3 years or fewer).
    var stateBaselineCount: Int { stateBaseline.upperBound < stateRecent.lowerBound ? stateBaseline.count : 0 }
}
