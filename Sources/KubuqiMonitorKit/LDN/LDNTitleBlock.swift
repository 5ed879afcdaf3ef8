import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// The title block of the SDG 15.3.1 report: every line is also in report.json and unccd-reporting.json.
extension ReportTitleBlock {
    init(ldn r: LDNReport) {
        let c = r.config
        let last = c.reporting.map(\.upperBound).max() ?? c.baseline.upperBound
        let period = "\(c.baseline.lowerBound)-\(last) (baseline \(c.baseline.lowerBound)-\(c.baseline.upperBound)"
            + c.reporting.map { "; reporting \($0.lowerBound)-\($0.upperBound)" }.joined() + ")"
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
        self.init(title: "Land degradation: SDG indicator 15.3.1", settings: c.titleBlock,
                  area: "(no area name: set [report] area in the config or --area)", period: period, inputs: c.inputFiles,
                  grid: r.grid, parameters: p)
    }
}
