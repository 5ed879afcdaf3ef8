import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What one period produced: its layers and their area tables.
public struct LDNPeriodResult: Sendable {
    /// `baseline` or `reporting-Y0-Y1`.
    public var name: String
    /// The period's years.
    public var years: ClosedRange<Int>
    /// Land-cover map years used (start, end).
    public var landCoverYears: (Int, Int)
    /// Written layers by file stem.
    var files: [LDNPeriod.Layer: String]
    /// Area tables (km2) by layer, over the whole area (zone 0).
    var areas: [LDNPeriod.Layer: AreaTable]
    /// With zones: area tables (km2) by layer per zone, each zone with its full area
    /// (zone 0: outside every zone); empty without zones.
    var zoneAreas: [LDNPeriod.Layer: AreaTable] = [:]
    /// Land-cover transitions start -> end (7 x 7, km2).
    public var transitions: TransitionTable
    /// The 90th percentile of mean productivity per land unit (performance).
    public var performanceMaxima: [LandUnit: Double]
    /// Statistics of each year's productivity over the region (the years this period read).
    public var annualProductivity: [Int: SummaryStatistics]
    /// The same, exact and mergeable (tiles).
    var annualExact: [Int: ExactStatistics] = [:]
    /// A tile's stats pass: the mean productivity per land unit, the tile file's survey (nil otherwise).
    var performanceSurvey: PerformanceAccumulator?
    /// The UNCCD reporting tables' own figures, gathered in the layer pass.
    var unccd = UNCCDFigures()
    /// The SDG layer's patch GeoPackage when the layer pass drew it (``LDNPeriodRun/patches``), else nil.
    var patches: String? = nil
    /// The layer pass's patch drawing, still finishing (its last rows, commit, R-tree, close) when the period
    /// returns: whoever takes the result calls its ``PatchDrawing/finish()`` (``LDNPeriodPublisher``, beside the next
    /// period) or ``PatchDrawing/cancel()``; nil when the pass drew no patches.
    var patchDrawing: PatchDrawing? = nil

    /// The period's name with its years, once: "baseline 2000-2015", "reporting-2016-2019".
    public var title: String {
        let span = "\(years.lowerBound)-\(years.upperBound)"
        return name.hasSuffix(span) ? name : "\(name) \(span)"
    }

    /// Percent degraded/stable/improved of the SDG layer over the whole region (all zones together).
    public var summaryLine: String {
        guard let t = areas[.sdg] else { return "" }
        var km2: [Int16: Double] = [:]
        for r in t.rows { km2[r.classValue, default: 0] += r.areaKm2 }
        let valid = [-1, 0, 1].reduce(0.0) { $0 + (km2[Int16($1)] ?? 0) }
        func pct(_ v: Int16) -> Double { valid > 0 ? 100 * (km2[v] ?? 0) / valid : 0 }
        let line = String(format: "SDG 15.3.1: %.4f km2 degraded (%.2f %%), %.4f km2 stable (%.2f %%), %.4f km2 improved (%.2f %%)",
                          km2[-1] ?? 0, pct(-1), km2[0] ?? 0, pct(0), km2[1] ?? 0, pct(1))
        // A reporting period also by its status against the baseline, the proportion it reports (LDNReport.statusDegradedPercent).
        guard let c = areas[.comparison], let status = LDNReport.statusDegradedPercent(c) else { return line }
        return line + String(format: "; against the baseline %.2f %% degraded", status)
    }
}
