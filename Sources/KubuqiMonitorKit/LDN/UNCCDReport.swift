import Foundation
import KubuqiIndicators
import KubuqiRaster

/// The UNCCD reporting tables of an `ldn` run (strategic objective 1, indicators SO1-1 to SO1-4 of
/// the PRAIS 4 reporting template), as one JSON document shaped like Trends.Earth's
/// `te_schemas.reporting.TrendsEarthLandConditionSummary` (the schema of the data package
/// Trends.Earth prepares for the UNCCD template) and as CSV tables. Field names are those of the
/// schema on purpose (snake case); docs/ldn.md, "UNCCD reporting tables", cites both.
struct UNCCDReport: Codable {
    /// `AreaList`: areas by class.
    struct Area: Codable { var name: String; var area: Double }
    struct AreaList: Codable { var name: String; var unit: String; var areas: [Area] }
    /// `CrossTab`: area by (initial, final) class.
    struct CrossTabEntry: Codable { var initial_label: String; var final_label: String; var value: Double }
    struct CrossTab: Codable {
        var name: String; var unit: String; var initial_year: Int; var final_year: Int; var values: [CrossTabEntry]
    }
    /// `ValuesByYearDict`: values by year (JSON object keys are the years) and class.
    struct ValuesByYear: Codable { var name: String; var unit: String; var values: [String: [String: Double]] }

    struct SDGReport: Codable {
        var summary: AreaList
        /// SO1-4: degraded land over total land area (water and no data excluded), percent.
        var proportion_degraded_percent: Double?
        var total_land_area: Double
    }
    struct ProductivityReport: Codable { var summaries: [String: AreaList]; var crosstabs_by_productivity_class: [CrossTab] }
    struct LandCoverReport: Codable {
        var summary: AreaList
        var crosstabs_by_land_cover_class: [CrossTab]
        var land_cover_areas_by_year: ValuesByYear
    }
    struct SOCReport: Codable { var summaries: [String: AreaList]; var soc_stock_by_year: ValuesByYear }
    struct Assessment: Codable {
        var sdg: SDGReport
        var productivity: ProductivityReport
        var land_cover: LandCoverReport
        var soil_organic_carbon: SOCReport
    }
    struct Change: Codable { var sdg: CrossTab?; var productivity: CrossTab?; var land_cover: CrossTab?; var soil_organic_carbon: CrossTab? }
    /// `LandConditionStatus`: a reporting period's status against the baseline, each sub-indicator and the SDG layer
    /// recoded by the GPG v2 addendum's status matrix (degraded in the baseline and stable now stays degraded, improved
    /// and stable now stays improved; Trends.Earth `sdg_status_expanded` then `sdg_status_expanded_to_simple`, summed by
    /// `zonal_total` in te_algorithms/gdal/land_deg/land_deg_progress.py). SO1-4 of a reporting period is `sdg`; the
    /// proportion and land area (not fields of the schema) are this tool's, as in ``SDGReport``.
    struct StatusReport: Codable {
        var sdg: AreaList
        var productivity: [String: AreaList]
        var land_cover: AreaList
        var soil_organic_carbon: [String: AreaList]
        /// SO1-4 of the reporting period: degraded against the baseline over land with data, percent.
        var proportion_degraded_percent: Double?
        var total_land_area: Double
    }
    struct LandCondition: Codable {
        var period: [Int]
        /// The period's own figures (its own layers), baseline and reporting periods alike (Trends.Earth's
        /// `period_assessment`: "per-period indicator values and summaries").
        var period_assessment: Assessment
        /// The status against the baseline, reporting periods only (Trends.Earth's `status_assessment`).
        var status_assessment: StatusReport?
        /// Baseline status (rows) x the reporting period's own status (columns), reporting periods only (Trends.Earth's
        /// `change_assessment`, "the raw inputs to the status rule").
        var change_assessment: Change?
    }
    struct Metadata: Codable {
        var title: String
        var date: String
        var producer: String?
        var area_of_interest: String
        var crs: String
        var software: String
        var template: String
        /// Which part of this document fills which indicator of the template.
        var indicators: [String: String]
    }

    var metadata: Metadata
    var land_condition: [String: LandCondition]

    static let unit = "sq km"
    static let statusLabels: [Int16: String] = [-1: "Degraded", 0: "Stable", 1: "Improved", DegradationStatus.nodata: "No data"]
    static let lpdLabels: [Int16: String] = [1: "Declining", 2: "Early signs of decline", 3: "Stable but stressed", 4: "Stable",
                                             5: "Increasing", DegradationStatus.nodata: "No data"]
    static func classLabel(_ c: Int16) -> String { LandCoverClass(rawValue: c)?.description ?? "No data" }
    static let template = "UNCCD PRAIS 4 reporting template, strategic objective 1 (SO1-1 land cover, SO1-2 land productivity, "
        + "SO1-3 soil organic carbon stocks, SO1-4 / SDG 15.3.1 proportion of degraded land); field names of Trends.Earth "
        + "te_schemas.reporting.TrendsEarthLandConditionSummary"
    static let indicators = [
        "SO1-1": "land_condition.*.period_assessment.land_cover (land_cover_areas_by_year, crosstabs_by_land_cover_class)",
        "SO1-2": "land_condition.*.period_assessment.productivity (summaries, crosstabs_by_productivity_class)",
        "SO1-3": "land_condition.*.period_assessment.soil_organic_carbon (soc_stock_by_year in tonnes, summaries)",
        "SO1-4": "land_condition.baseline.period_assessment.sdg; a reporting period: land_condition.*.status_assessment (sdg, "
            + "proportion_degraded_percent, total_land_area: the status against the baseline)",
        "status against the baseline": "land_condition.*.status_assessment (every sub-indicator, reporting periods)",
        "baseline x reporting": "land_condition.*.change_assessment (baseline status x the period's own status)",
    ]

    static func r9(_ v: Double) -> Double { LDNReport.round(v, 9) }

    /// Areas by code of one table (all zones together), `labels` order, km2.
    static func areaList(_ name: String, _ t: AreaTable?, labels: [Int16: String]) -> AreaList {
        var km2: [Int16: Double] = [:]
        for r in t?.rows ?? [] { km2[r.classValue, default: 0] += r.areaKm2 }
        return AreaList(name: name, unit: unit, areas: labels.keys.sorted().map { Area(name: labels[$0]!, area: r9(km2[$0] ?? 0)) })
    }

    /// A cross tabulation from a table whose zone is the row code and class the column code.
    static func crossTab(_ name: String, _ t: AreaTable, rows: [Int16: String], columns: [Int16: String], years: (Int, Int)) -> CrossTab {
        var km2: [Int32: [Int16: Double]] = [:]
        for r in t.rows { km2[r.zone, default: [:]][r.classValue, default: 0] += r.areaKm2 }
        return crossTab(name, km2, rows: rows, columns: columns, years: years)
    }

    /// A cross tabulation of areas by row code and column code.
    static func crossTab(_ name: String, _ km2: [Int32: [Int16: Double]], rows: [Int16: String], columns: [Int16: String], years: (Int, Int)) -> CrossTab {
        var values: [CrossTabEntry] = []
        for a in rows.keys.sorted() {
            for b in columns.keys.sorted() {
                values.append(CrossTabEntry(initial_label: rows[a]!, final_label: columns[b]!, value: r9(km2[Int32(a)]?[b] ?? 0)))
            }
        }
        return CrossTab(name: name, unit: unit, initial_year: years.0, final_year: years.1, values: values)
    }

    /// The document of a run's periods and their figures.
    static func make(_ report: LDNReport, title: ReportTitleBlock) -> UNCCDReport {
        var conditions: [String: LandCondition] = [:]
        let classes = Dictionary(uniqueKeysWithValues: LandCoverClass.allCases.map { ($0.rawValue, $0.description) })
        for p in report.periods {
            let f = p.unccd
            let years = p.landCoverYears
            // The period's own figures (Trends.Earth's `period_assessment`, for the baseline and every reporting period:
            // `st.sdg_summary`, the period's own one-out-all-out layer). A reporting period's status against the baseline
            // (its SO1-4) is `status_assessment` below.
            let sdg = areaList("SDG 15.3.1", p.areas[.sdg], labels: statusLabels)
            let land = landArea(sdg)
            let lpdTabs = lpdLabels.keys.sorted().map { lpd -> CrossTab in
                var only: [Int32: [Int16: Double]] = [:]
                for r in f.lpdByTransition.rows where r.zone == Int32(lpd) && r.classValue != DegradationStatus.nodata {
                    only[Int32(r.classValue / 10), default: [:]][r.classValue % 10, default: 0] += r.areaKm2
                }
                return crossTab(lpdLabels[lpd]!, only, rows: classes, columns: classes, years: years)
            }
            var transitions: [Int32: [Int16: Double]] = [:]
            for a: Int16 in 1...7 { for b: Int16 in 1...7 { transitions[Int32(a), default: [:]][b] = p.transitions.areaKm2(from: a, to: b) } }
            var lcByYear: [String: [String: Double]] = [:]
            for r in f.landCover.rows { lcByYear[String(r.zone), default: [:]][classLabel(r.classValue), default: 0] += r.areaKm2 }
            var socByYear: [String: [String: Double]] = [:]
            for (y, byClass) in f.socTonnes { for (c, t) in byClass { socByYear[String(y), default: [:]][classLabel(c)] = LDNReport.round(t, 3) } }
            let assessment = Assessment(
                sdg: SDGReport(summary: sdg, proportion_degraded_percent: land > 0 ? LDNReport.round(100 * (sdg.areas.first { $0.name == "Degraded" }?.area ?? 0) / land, 4) : nil,
                               total_land_area: r9(land)),
                productivity: ProductivityReport(summaries: ["all_cover_types": areaList("Land productivity dynamics", p.areas[.lpd], labels: lpdLabels)],
                                                 crosstabs_by_productivity_class: lpdTabs),
                land_cover: LandCoverReport(summary: landCoverSummary(p),
                                            crosstabs_by_land_cover_class: [crossTab("Land cover transitions", transitions, rows: classes, columns: classes, years: years)],
                                            land_cover_areas_by_year: ValuesByYear(name: "Land cover area by year", unit: unit,
                                                                                   values: lcByYear.mapValues { $0.mapValues(r9) })),
                soil_organic_carbon: SOCReport(summaries: ["all_cover_types": areaList("Soil organic carbon", p.areas[.soc], labels: statusLabels)],
                                               soc_stock_by_year: ValuesByYear(name: "Soil organic carbon stock, 0-30 cm", unit: "tonnes", values: socByYear)))
            var change: Change?
            var status: StatusReport?
            if !f.baselineVsReporting.isEmpty, let base = report.periods.first {
                let span = (base.years.lowerBound, p.years.upperBound)
                // Rows: the baseline status; columns: the reporting period's own status, as Trends.Earth's
                // `bizonal_total(sdg_baseline, sdg_reporting)` (te_algorithms 2026-03-10, "Fixes for SO1-4.T1 table", and
                // te_schemas `LandConditionChange`: "columns represent the reporting-period indicator assessment").
                func tab(_ l: LDNPeriod.Layer, _ name: String) -> CrossTab? {
                    f.baselineVsReporting[l.file].map { crossTab(name, baselineByReporting($0), rows: statusLabels, columns: statusLabels, years: span) }
                }
                change = Change(sdg: tab(.sdg, "SDG 15.3.1"), productivity: tab(.productivity, "Land productivity"),
                                land_cover: tab(.landCover, "Land cover"), soil_organic_carbon: tab(.soc, "Soil organic carbon"))
                // The same crossings recoded by the status matrix and summed: each sub-indicator's status against the baseline.
                func st(_ l: LDNPeriod.Layer, _ name: String) -> AreaList {
                    statusAgainstBaseline(name, f.baselineVsReporting[l.file].map(baselineByReporting) ?? [:])
                }
                let sdgStatus = st(.sdg, "SDG 15.3.1 (status against the baseline)")
                let statusLand = landArea(sdgStatus)
                let degraded = sdgStatus.areas.first { $0.name == "Degraded" }?.area ?? 0
                status = StatusReport(sdg: sdgStatus,
                                      productivity: ["all_cover_types": st(.productivity, "Land productivity (status against the baseline)")],
                                      land_cover: st(.landCover, "Land cover (status against the baseline)"),
                                      soil_organic_carbon: ["all_cover_types": st(.soc, "Soil organic carbon (status against the baseline)")],
                                      proportion_degraded_percent: statusLand > 0 ? LDNReport.round(100 * degraded / statusLand, 4) : nil,
                                      total_land_area: r9(statusLand))
            }
            conditions[p.name] = LandCondition(period: [p.years.lowerBound, p.years.upperBound], period_assessment: assessment,
                                               status_assessment: status, change_assessment: change)
        }
        return UNCCDReport(
            metadata: Metadata(title: title.title ?? "", date: title.date, producer: title.producer, area_of_interest: title.area ?? "",
                               crs: title.crs, software: ToolVersion.nameAndVersion, template: template, indicators: indicators),
            land_condition: conditions)
    }

    /// Areas by baseline status (outer key) and reporting status (inner key) of a crossing table (zone: baseline
    /// status, class: the period's own status); codes other than -1, 0, 1 and nodata are left out.
    static func baselineByReporting(_ t: AreaTable) -> [Int32: [Int16: Double]] {
        var km2: [Int32: [Int16: Double]] = [:]
        let valid: ClosedRange<Int16> = -1...1, nodata = DegradationStatus.nodata
        for r in t.rows {
            let b = Int16(clamping: r.zone), now = r.classValue
            guard (valid.contains(b) || b == nodata) && (valid.contains(now) || now == nodata) else { continue }
            km2[r.zone, default: [:]][now, default: 0] += r.areaKm2
        }
        return km2
    }

    /// The status against the baseline (GPG v2 addendum, ``StatusComparison/gpgAddendum``: degraded or improved now
    /// wins, stable now keeps the baseline's degraded or improved; no data in either is no data) of a baseline x
    /// reporting crossing, as degraded / stable / improved / no data areas.
    static func statusAgainstBaseline(_ name: String, _ crossing: [Int32: [Int16: Double]]) -> AreaList {
        var km2: [Int16: Double] = [:]
        for (b, row) in crossing {
            for (now, a) in row { km2[StatusComparison.gpgAddendum.status(baseline: Int16(clamping: b), reporting: now), default: 0] += a }
        }
        return AreaList(name: name, unit: unit, areas: statusLabels.keys.sorted().map { Area(name: statusLabels[$0]!, area: r9(km2[$0] ?? 0)) })
    }

    /// Degraded + stable + improved (no data and water are not land area).
    static func landArea(_ l: AreaList) -> Double {
        l.areas.filter { $0.name != "No data" && $0.name != "Water body" }.reduce(0) { $0 + $1.area }
    }

    /// The land-cover sub-indicator's areas with persistent water (water at both dates) as "Water body",
    /// apart from "Stable" (the tally's water code, ``LDNReport/waterCode``): water is not land
    /// (GPG v2; SDG 15.3.1's total land area excludes inland water).
    static func landCoverSummary(_ p: LDNPeriodResult) -> AreaList {
        areaList("Land cover", p.areas[.landCover], labels: statusLabels.merging([LDNReport.waterCode: "Water body"]) { a, _ in a })
    }

    /// The tables as CSV files (name without extension).
    func csvTables() -> [(String, CSVTable)] {
        func n(_ v: Double) -> String { ReportJSON.number(v) }
        var lc = CSVTable(header: ["indicator", "period", "year", "land_cover_class", "area_sq_km"])
        var lcChange = CSVTable(header: ["indicator", "period", "initial_year", "final_year", "initial_class", "final_class", "area_sq_km"])
        var lpd = CSVTable(header: ["indicator", "period", "first_year", "last_year", "lpd_class", "area_sq_km"])
        var lpdX = CSVTable(header: ["indicator", "period", "lpd_class", "initial_year", "final_year", "initial_class", "final_class", "area_sq_km"])
        var soc = CSVTable(header: ["indicator", "period", "year", "land_cover_class", "soc_stock_tonnes"])
        var so14 = CSVTable(header: ["indicator", "period", "first_year", "last_year", "degraded_sq_km", "stable_sq_km", "improved_sq_km",
                                     "no_data_sq_km", "total_land_area_sq_km", "proportion_degraded_percent"])
        var change = CSVTable(header: ["period", "sub_indicator", "baseline_first_year", "reporting_last_year", "baseline_status",
                                       "reporting_status", "area_sq_km"])
        var status = CSVTable(header: ["period", "sub_indicator", "baseline_first_year", "reporting_last_year", "degraded_sq_km", "stable_sq_km",
                                       "improved_sq_km", "no_data_sq_km"])
        let order = LandCoverClass.allCases.map(\.description)
        for name in land_condition.keys.sorted(by: Self.periodOrder) {
            let c = land_condition[name]!, a = c.period_assessment
            for y in a.land_cover.land_cover_areas_by_year.values.keys.sorted() {
                let row = a.land_cover.land_cover_areas_by_year.values[y]!
                for cls in order + (row["No data"] == nil ? [] : ["No data"]) { lc.append(["SO1-1", name, y, cls, n(row[cls] ?? 0)]) }
            }
            for t in a.land_cover.crosstabs_by_land_cover_class {
                for v in t.values { lcChange.append(["SO1-1", name, String(t.initial_year), String(t.final_year), v.initial_label, v.final_label, n(v.value)]) }
            }
            for area in a.productivity.summaries["all_cover_types"]?.areas ?? [] {
                lpd.append(["SO1-2", name, String(c.period[0]), String(c.period[1]), area.name, n(area.area)])
            }
            for t in a.productivity.crosstabs_by_productivity_class {
                for v in t.values where v.value > 0 {
                    lpdX.append(["SO1-2", name, t.name, String(t.initial_year), String(t.final_year), v.initial_label, v.final_label, n(v.value)])
                }
            }
            for y in a.soil_organic_carbon.soc_stock_by_year.values.keys.sorted() {
                let row = a.soil_organic_carbon.soc_stock_by_year.values[y]!
                for cls in order where row[cls] != nil { soc.append(["SO1-3", name, y, cls, n(row[cls]!)]) }
            }
            // SO1-4: the baseline's own layer; a reporting period's status against the baseline (GPG v2 addendum).
            let so14List = c.status_assessment?.sdg ?? a.sdg.summary
            func area(_ label: String, _ l: AreaList = so14List) -> String { n(l.areas.first { $0.name == label }?.area ?? 0) }
            so14.append(["SO1-4", name, String(c.period[0]), String(c.period[1]), area("Degraded"), area("Stable"), area("Improved"),
                         area("No data"), n(c.status_assessment?.total_land_area ?? a.sdg.total_land_area),
                         (c.status_assessment.map { $0.proportion_degraded_percent } ?? a.sdg.proportion_degraded_percent).map(n) ?? ""])
            if let s = c.status_assessment, let base = land_condition["baseline"] {
                for (sub, l) in [("SDG 15.3.1", s.sdg), ("Land productivity", s.productivity["all_cover_types"]), ("Land cover", s.land_cover),
                                 ("Soil organic carbon", s.soil_organic_carbon["all_cover_types"])] {
                    guard let l else { continue }
                    status.append([name, sub, String(base.period[0]), String(c.period[1]), area("Degraded", l), area("Stable", l),
                                   area("Improved", l), area("No data", l)])
                }
            }
            if let ch = c.change_assessment {
                for t in [ch.sdg, ch.productivity, ch.land_cover, ch.soil_organic_carbon].compactMap({ $0 }) {
                    for v in t.values {
                        change.append([name, t.name, String(t.initial_year), String(t.final_year), v.initial_label, v.final_label, n(v.value)])
                    }
                }
            }
        }
        return [("so1-1-land-cover-by-year", lc), ("so1-1-land-cover-change", lcChange), ("so1-2-land-productivity", lpd),
                ("so1-2-productivity-by-land-cover-transition", lpdX), ("so1-3-soc-stock", soc), ("so1-4-proportion-degraded", so14),
                ("baseline-vs-reporting", change), ("status-vs-baseline", status)]
    }

    /// Baseline first, then reporting periods by name (their years).
    static func periodOrder(_ a: String, _ b: String) -> Bool { (a == "baseline" ? 0 : 1, a) < (b == "baseline" ? 0 : 1, b) }
}
