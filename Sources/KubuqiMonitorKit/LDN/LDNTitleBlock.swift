import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// What the user says about a report: the `[report]` section of the config, overridden by
/// `ldn --area/--producer/--date/--sources`.
public struct LDNTitleBlockSettings: Sendable, Equatable {
    /// The place the report covers ("Hangjin Banner, Ordos").
    public var area: String?
    /// Who produced the report (institution, unit).
    public var producer: String?
    /// The production date, YYYY-MM-DD.
    public var date: String?
    /// Sensors and data sources in words ("MODIS MOD13Q1 NDVI 250 m; ESA CCI land cover; SoilGrids SOC").
    public var sources: String?

    /// Creates settings.
    public init(area: String? = nil, producer: String? = nil, date: String? = nil, sources: String? = nil) {
        self.area = area; self.producer = producer; self.date = date; self.sources = sources
    }

    /// Whether `s` is a calendar date YYYY-MM-DD.
    public static func isDate(_ s: String) -> Bool {
        guard s.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { return false }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: s).map { f.string(from: $0) == s } ?? false
    }

    /// `other`'s values where given, else these.
    public func overridden(by other: LDNTitleBlockSettings) -> LDNTitleBlockSettings {
        LDNTitleBlockSettings(area: other.area ?? area, producer: other.producer ?? producer, date: other.date ?? date,
                              sources: other.sources ?? sources)
    }
}

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

    /// The date of a report when none is given: SOURCE_DATE_EPOCH (reproducible builds) or today, UTC.
    static func defaultDate() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        if let e = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let s = TimeInterval(e) { return f.string(from: Date(timeIntervalSince1970: s)) }
        return f.string(from: Date())
    }

    /// A pixel size with its unit: metres for projected grids, degrees for geographic ones.
    static func pixel(_ grid: Grid) -> String {
        guard let t = grid.geoTransform else { return "none (not georeferenced)" }
        let srs = SpatialReference(wkt: grid.crsWKT)
        let w = ReportJSON.number(abs(t.pixelWidth)), h = ReportJSON.number(abs(t.pixelHeight))
        let size = w == h ? w : "\(w) x \(h)"
        if srs?.isGeographic == true { return "\(size) degrees" }
        return "\(size) \(srs?.linearUnitSymbol ?? "units")"
    }

    init(report r: LDNReport) {
        let c = r.config
        let s = c.titleBlock
        title = "Land degradation: SDG indicator 15.3.1"
        area = s.area ?? "(no area name: set [report] area in the config or --area)"
        let last = c.reporting.map(\.upperBound).max() ?? c.baseline.upperBound
        period = "\(c.baseline.lowerBound)-\(last) (baseline \(c.baseline.lowerBound)-\(c.baseline.upperBound)"
            + c.reporting.map { "; reporting \($0.lowerBound)-\($0.upperBound)" }.joined() + ")"
        producer = s.producer
        date = s.date ?? Self.defaultDate()
        var src: [String] = []
        if let given = s.sources { src.append(given) }
        src.append("inputs: " + c.inputFiles.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        sources = src
        let srs = SpatialReference(wkt: r.grid.crsWKT)
        crs = srs?.shortDescription ?? "none"
        pixel = Self.pixel(r.grid)
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
