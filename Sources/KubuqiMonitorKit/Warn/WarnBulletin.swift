import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// bulletin.json: what was assessed, how, and what was found.
public struct WarnBulletin: Sendable, Codable {
    /// Area in one level.
    public struct LevelArea: Sendable, Codable {
        public var level: String, code: Int, hectares: Double
        /// Share of the assessable area (0 for not assessable, which is a share of all land with a value).
        public var shareOfAssessable: Double
    }
    /// One zone's shares and rank.
    public struct Zone: Sendable, Codable {
        public var zone: String, rank: Int
        public var assessableHectares: Double, notAssessableHectares: Double
        /// Shares of the assessable area: none, moderate, severe, extreme, and in alert (the three).
        public var shareNone: Double, shareModerate: Double, shareSevere: Double, shareExtreme: Double, shareInAlert: Double
        /// The area-weighted mean metric at each history step, the assessed period last.
        public var season: [Double?]
    }
    public var tool: String
    public var period: String
    public var periodFirst: String, periodLast: String
    public var periods: String
    public var accumulation: Int
    public var baseline: String
    public var baselineYears: [Int]
    public var baselineYearsCoveringThePeriod: [Int]
    public var metric: String
    public var metricTitle: String
    public var thresholds: [String: Double]
    public var bounds: String
    public var notAssessableRule: String
    public var minimumMappingUnitHectares: Double
    public var levels: [LevelArea]
    public var alertHectares: Double
    public var alertShare: Double
    /// The labels of the history steps, oldest first (the season chart's x axis).
    public var seasonPeriods: [String]
    public var zones: [Zone]
    public var hotspots: [WarnHotspot]
    public var hotspotsBelowMMU: Int
    public var previous: String?
    public var counts: [String: Int]
    public var resolved: [ResolvedHotspot]
    public var summary: String
    /// Named zones that cover no pixel of the grid (off it, empty, or between pixel centres), which
    /// `zones` leaves out; absent when there are none.
    public var zonesCoveringNoPixel: [String]? = nil

    static func make(_ o: WarnOptions, plan: WarnPlan, sums: [WarnTally.Key: WarnTally.Sums], zoning: ZoneLayer?, hotspots: WarnHotspots, grid: Grid) -> WarnBulletin {
        let whole = sums[WarnTally.whole] ?? WarnTally.Sums(history: o.history)
        let assessable = whole.assessable
        let codes = [0, 1, 2, 3, 9]
        let levels = codes.enumerated().map { i, c in
            LevelArea(level: AlertLevel(rawValue: c)!.name, code: c, hectares: whole.area(i) / 10_000,
                      shareOfAssessable: c == 9 ? 0 : (assessable > 0 ? whole.area(i) / assessable : 0))
        }
        let alert = (1...3).map(whole.area).reduce(0, +)
        func zone(_ name: String, _ s: WarnTally.Sums) -> Zone {
            let a = s.assessable
            func share(_ i: Int) -> Double { a > 0 ? s.area(i) / a : 0 }
            let season = (0..<o.history).reversed().map { h -> Double? in s.metricArea[h].value > 0 ? s.metricSum[h].value / s.metricArea[h].value : nil }
            return Zone(zone: name, rank: 0, assessableHectares: a / 10_000, notAssessableHectares: s.area(4) / 10_000,
                        shareNone: share(0), shareModerate: share(1), shareSevere: share(2), shareExtreme: share(3),
                        shareInAlert: share(1) + share(2) + share(3), season: season)
        }
        var zones: [Zone]
        if let zoning {
            zones = sums.filter { $0.key.layer >= 0 }.map { zone(zoning.names[$0.key.id] ?? "zone \($0.key.id)", $0.value) }
        } else {
            zones = [zone("whole area", whole)]
        }
        // Ranked by the share in alert, then by the share severe or worse, then by name.
        zones.sort { ($0.shareInAlert, $0.shareSevere + $0.shareExtreme, $1.zone) > ($1.shareInAlert, $1.shareSevere + $1.shareExtreme, $0.zone) }
        for i in zones.indices { zones[i].rank = i + 1 }
        var counts = ["hotspots": hotspots.hotspots.count]
        for l in ["moderate", "severe", "extreme"] { counts[l] = hotspots.hotspots.filter { $0.level == l }.count }
        if o.previous != nil {
            for s in ["new", "escalated", "continuing"] { counts[s] = hotspots.hotspots.filter { $0.status == s }.count }
            counts["resolved"] = hotspots.resolved.count
        }
        let p = plan.periods[plan.assessed]
        let pct = { (x: Double) in String(format: "%.1f %%", 100 * x) }
        var summary = "warn \(p.label) (\(o.rule.metric.rawValue) vs \(o.baseline.lowerBound)-\(o.baseline.upperBound)): "
            + "\(pct(assessable > 0 ? alert / assessable : 0)) of assessable land in alert (extreme \(pct(levels[3].shareOfAssessable)), "
            + "severe \(pct(levels[2].shareOfAssessable)), moderate \(pct(levels[1].shareOfAssessable))); "
            + "\(hotspots.hotspots.count) hotspot\(hotspots.hotspots.count == 1 ? "" : "s")"
        if o.previous != nil {
            summary += " (\(counts["new"]!) new, \(counts["escalated"]!) escalated, \(counts["continuing"]!) continuing, \(counts["resolved"]!) resolved)"
        }
        summary += "; \(String(format: "%.1f", whole.area(4) / 10_000)) ha not assessable"
        return WarnBulletin(
            tool: "kubuqi-monitor \(ToolVersion.version) warn", period: p.label, periodFirst: p.first.description, periodLast: p.last.description,
            periods: { switch o.periods { case .observation: return "each observation"; case .scheme(let s): return s.description } }(),
            accumulation: o.accumulation, baseline: "\(o.baseline.lowerBound)-\(o.baseline.upperBound)", baselineYears: plan.years,
            baselineYearsCoveringThePeriod: plan.yearsCovering, metric: o.rule.metric.rawValue, metricTitle: o.rule.metric.title,
            thresholds: ["extreme": o.rule.thresholds.extreme, "severe": o.rule.thresholds.severe, "moderate": o.rule.thresholds.moderate],
            bounds: "VCI/TCI minimum and maximum = percentiles \(ReportJSON.number(o.rule.lowerPercentile)) and \(ReportJSON.number(o.rule.upperPercentile)) of the baseline (linear, type 7)",
            notAssessableRule: "fewer than \(o.rule.minimumYears) baseline years with a value, or baseline upper bound below \(ReportJSON.number(o.rule.minimumBaselineValue)), or baseline range (upper - lower) at most \(ReportJSON.number(o.rule.noise))",
            minimumMappingUnitHectares: o.mmuHectares, levels: levels, alertHectares: alert / 10_000,
            alertShare: assessable > 0 ? alert / assessable : 0,
            seasonPeriods: (0..<o.history).reversed().map { plan.label(back: $0) }, zones: zones, hotspots: hotspots.hotspots,
            hotspotsBelowMMU: hotspots.belowMMU, previous: o.previous, counts: counts, resolved: hotspots.resolved, summary: summary)
    }

    /// zones.csv: one row per zone, by rank.
    var zonesCSV: String {
        var t = CSVTable(header: ["rank", "zone", "assessable_ha", "not_assessable_ha", "share_none", "share_moderate", "share_severe",
                                  "share_extreme", "share_in_alert", "mean_\(metric.replacingOccurrences(of: "-", with: "_"))"])
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        for z in zones {
            t.append([String(z.rank), z.zone, f(z.assessableHectares), f(z.notAssessableHectares), f(z.shareNone), f(z.shareModerate),
                      f(z.shareSevere), f(z.shareExtreme), f(z.shareInAlert), z.season.last.flatMap { $0 }.map(f) ?? ""])
        }
        return t.text
    }
}
