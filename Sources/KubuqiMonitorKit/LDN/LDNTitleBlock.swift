import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// The title block of a report a ministry can sign: what, where, when, by whom, from which data
/// and with which parameters. Every line is also in report.json and unccd-reporting.json.
struct LDNTitleBlock: Codable, Sendable {
    var title: String
    var area: String
    var period: String
    var producer: String?
    var date: String
    var sources: [String]
    var crs: String
    /// "30 m" (projected) or "0.00025 degrees".
    var pixel: String
    /// Name and value of every parameter of the method.
    var parameters: [[String]]

    init(report r: LDNReport) {
        let c = r.config
        let s = c.titleBlock
        title = "Land degradation: SDG indicator 15.3.1"
        area = s.area ?? "(no area name: set [report] area in the config or --area)"
        let last = c.reporting.map(\.upperBound).max() ?? c.baseline.upperBound
        period = "\(c.baseline.lowerBound)-\(last) (baseline \(c.baseline.lowerBound)-\(c.baseline.upperBound)"
            + c.reporting.map { "; reporting \($0.lowerBound)-\($0.upperBound)" }.joined() + ")"
        producer = s.producer
        date = s.effectiveDate
        var src: [String] = []
        if let given = s.sources { src.append(given) }
        src.append("inputs: " + c.inputFiles.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        sources = src
        crs = r.grid.crsName
        pixel = r.grid.pixelSizeText
        var p: [[String]] = [
            ["productivity", c.externalLPD == nil ? "trajectory + state + performance (Trends.Earth 5-class LPD)" : "external LPD raster"],
            ["productivity scale", c.productivityScale.map { "stored values x " + ReportJSON.number($0) } ?? "as declared by the bands"],
            ["state", c.stateMethod == .percentileClasses ? "deciles (Trends.Earth)" : "z-score (GPG v2)"],
            ["productivity sub-indicator", c.gpgLPDStatus ? "GPG look-up" : "Trends.Earth LPD classes"],
            ["trajectory minimum slope", ReportJSON.number(c.minimumSlope) + " per year"],
            ["minimum year fraction", ReportJSON.number(c.minimumYearFraction) + " of the most complete year's observations"],
            ["analysis windows", c.windowPreset.rawValue + (c.windowPreset == .trendsEarth ? ", \(c.windowYears) years" : "")],
            ["land-cover legend", c.legendSource],
            ["land-cover maps", c.landCoverMaps.keys.sorted().map(String.init).joined(separator: ", ")],
            ["land-cover transition matrix", c.transitions == TransitionMatrix.unccdDefault ? "UNCCD default" : "custom (config)"],
            ["SOC model", "IPCC Tier 1 stock change factors, \(ReportJSON.number(SoilOrganicCarbon.trendsEarth.transitionYears)) years, "
                + "+-\(ReportJSON.number(SoilOrganicCarbon.trendsEarth.thresholdPercent)) %"],
            ["climate", c.climateZones == nil ? c.climate.rawValue.replacing(/([A-Z])/) { "-" + $0.output.1.lowercased() } : "per pixel from \(c.climateZones!)"],
            ["combination", "one out, all out (UNCCD GPG v2)"],
        ]
        if let z = c.zones { p.append(["zones", z + (c.zoneField.map { " (field \($0))" } ?? "")]) }
        parameters = p
    }
}
