import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The yearly SDG 15.3.1 report: JSON with every number, CSV tables shaped
/// like the UNCCD reporting tables, Markdown for diffs and a self-contained
/// HTML page with maps and charts. Identical inputs give identical bytes.
public struct LDNReport: Sendable {
    /// The configuration used.
    public let config: LDNConfig
    /// The analysis grid.
    public let grid: Grid
    /// The periods, baseline first.
    public var periods: [LDNPeriodResult]
    /// Zone names by id (vector zones).
    public var zoneNames: [Int: String] = [:]
    /// Observations per productivity year and the completeness rule (nil with an external LPD).
    var yearCompleteness: YearCompleteness?
    /// SHA-256 of input files already hashed (a whole run hashes them while the periods are computed);
    /// the report hashes the others itself.
    var inputDigests: [String: String] = [:]

    static let statusNames: [Int16: String] = [-1: "degraded", 0: "stable", 1: "improved", DegradationStatus.nodata: "no data"]
    /// The land-cover status tables' code for water at both dates (``LDNTally``): water is not land,
    /// so it is neither stable land nor counted in any percentage (GPG v2: total land area excludes water bodies).
    static let waterCode: Int16 = 7
    /// A sub-indicator's row names: the land-cover row also lists water.
    static func statusNames(_ layer: LDNPeriod.Layer) -> [Int16: String] {
        layer == .landCover ? statusNames.merging([waterCode: "water"]) { a, _ in a } : statusNames
    }
    static let lpdNames: [Int16: String] = [1: "declining", 2: "early signs of decline", 3: "stable but stressed", 4: "stable",
                                            5: "increasing", DegradationStatus.nodata: "no data"]
    static let subIndicators: [(LDNPeriod.Layer, String)] = [(.productivity, "land productivity"), (.landCover, "land cover"),
                                                             (.soc, "soil organic carbon"), (.sdg, "SDG 15.3.1 (one out, all out)")]

    struct ClassArea: Codable {
        var code: Int
        var name: String
        var pixels: Int
        var km2: Double
        var percent: Double?
    }

    struct PeriodDocument: Codable {
        var name: String
        var years: [Int]
        var landCoverYears: [Int]
        var proportionDegradedPercent: Double?
        var subIndicators: [String: [ClassArea]]
        var productivityDynamics: [ClassArea]
        var statusVsBaseline: [ClassArea]?
        var landCoverTransitionsKm2: [[Double]]
        var layers: [String: String]
        var zones: [ZoneDocument]?
        /// `[climate]`: km2 whose uncorrected trajectory declines (95 %) while the climate-corrected one does not.
        var declineExplainedByRainfallKm2: Double?
    }

    struct ZoneDocument: Codable {
        var id: Int
        var name: String
        var proportionDegradedPercent: Double?
        var subIndicators: [String: [ClassArea]]
        /// `[climate]`: the zone's decline explained by rainfall (km2).
        var declineExplainedByRainfallKm2: Double?
        /// True for a named zone that covers no pixel of the grid (off it, empty, or between pixel centres):
        /// its areas are 0 because there is nothing to count. Absent otherwise.
        var coversNoPixel: Bool? = nil
    }

    struct YearMean: Codable {
        var year: Int
        var mean: Double?
        var validPixels: Int
    }

    /// The settings the report was made with (numbers as numbers).
    struct ReportSettings: Codable {
        var file: String
        var legend: String
        var climate: String
        /// `[first year, last year]`.
        var baseline: [Int]
        /// `[[first year, last year], ...]`.
        var reporting: [[Int]]
        /// The multiplier applied to stored productivity; nil when the bands' declared scale was used.
        var productivityScale: Double?
        var productivityScaleSource: String
        var productivity: String
        /// `[[year, observations], ...]`: the bands (observations) of each productivity year.
        var observationsPerYear: [[Int]]?
        /// Valid observations a pixel needs for a year (`YearCompleteness`), of `fullYearObservations`.
        var requiredObservations: Int?
        var fullYearObservations: Int?
        /// Years with fewer observations than required: nodata everywhere.
        var yearsShort: [Int]?
        /// `[climate]`: the trajectory method and the precipitation series (docs/climate.md).
        var climateCorrection: String?
        var precipitation: String?
    }

    struct GridDocument: Codable {
        /// `[width, height]` in pixels.
        var size: [Int]
        var crs: String
        /// Pixel width in CRS units, nil when not georeferenced.
        var pixelSize: Double?
    }

    struct Document: Codable {
        var tool: String
        /// Area, period, producer, date, sources and every parameter (nil only while being built).
        var title: ReportTitleBlock?
        var productivityAnnualMeans: [YearMean]
        var indicator: String
        var config: ReportSettings
        var inputs: [[String: String]]
        var grid: GridDocument
        var periods: [PeriodDocument]
    }

    static func round(_ v: Double, _ d: Int) -> Double { let p = pow(10.0, Double(d)); return (v * p).rounded() / p }

    /// Class rows summed over zones.
    /// `waterRow`: the table lists water apart (the land-cover row, ``waterCode``), left out of the percentages
    /// like no data; only that table has it (in the status against the baseline, code 7 is persistent improvement).
    func classAreas(_ t: AreaTable, names: [Int16: String], waterRow: Bool = false) -> [ClassArea] {
        var byClass: [Int16: (Int, Double)] = [:]
        for r in t.rows {
            let e = byClass[r.classValue] ?? (0, 0)
            byClass[r.classValue] = (e.0 + r.count, e.1 + r.areaKm2)
        }
        // Percentages are of land with data: no data and water (when the table lists it) are left out.
        let notLand: Set<Int16> = waterRow ? [DegradationStatus.nodata, Self.waterCode] : [DegradationStatus.nodata]
        let valid = byClass.filter { !notLand.contains($0.key) }.values.reduce(0.0) { $0 + $1.1 }
        return names.keys.sorted().map { code in
            let (n, km2) = byClass[code] ?? (0, 0)
            return ClassArea(code: Int(code), name: names[code]!, pixels: n, km2: Self.round(km2, 9),
                             percent: notLand.contains(code) || valid == 0 ? nil : Self.round(100 * km2 / valid, 4))
        }
    }

    /// The SDG 15.3.1 proportion of a reporting period (percent, 4 decimals): the degraded share of the land
    /// with data by the period's status against the baseline, not by its own layer alone. Expanded classes
    /// 1-3 (persistent, recent and baseline degradation) are degraded, 4 stable, 5-7 improved
    /// (``StatusComparison/gpgAddendum``'s `simpleByExpanded`): land degraded in the baseline stays degraded
    /// unless it improved (GPG v2 addendum; Trends.Earth sums `sdg_status_expanded_to_simple(
    /// sdg_status_expanded(baseline, reporting))` for the reporting period's SDG summary). Nil without land.
    static func statusDegradedPercent(_ t: AreaTable, comparison: StatusComparison = .gpgAddendum) -> Double? {
        var km2: [Int16: Double] = [-1: 0, 0: 0, 1: 0]
        for r in t.rows where (1...7).contains(r.classValue) {
            km2[comparison.simpleByExpanded[Int(r.classValue) - 1], default: 0] += r.areaKm2
        }
        let land = km2.values.reduce(0, +)
        return land > 0 ? round(100 * km2[-1]! / land, 4) : nil
    }

    /// Per-zone tables of one period (zone 0: outside every zone).
    func zoneDocuments(_ p: LDNPeriodResult) -> [ZoneDocument] {
        // Every named zone is listed, with 0 area when it is off the grid.
        // Each table split by zone once (a zone's cells picked from the whole table for each zone was quadratic in the zones).
        let byZone = p.zoneAreas.mapValues(\.byZone)
        func table(_ layer: LDNPeriod.Layer, _ id: Int32) -> AreaTable? { byZone[layer].map { $0[id] ?? AreaTable() } }
        let present = Set(byZone.values.flatMap(\.keys))
        let ids = present.union(zoneNames.keys.map { Int32($0) }).sorted()
        return ids.map { id in
            var sub: [String: [ClassArea]] = [:]
            for (layer, name) in Self.subIndicators {
                guard let t = table(layer, id) else { continue }
                // The zone's own cells, summed areas as they are (not count x the mean pixel area, which rounds the
                // mean to the table's 10^-9 km2 unit: 2e-5 km2 off on 55,000 pixels of varying area).
                sub[name] = classAreas(t, names: Self.statusNames(layer), waterRow: layer == .landCover)
            }
            let explained = table(.rainfallExplained, id).map { t in Self.round(t.rows.filter { $0.classValue == 1 }.reduce(0.0) { $0 + $1.areaKm2 }, 9) }
            return ZoneDocument(id: Int(id), name: id == 0 ? "outside every zone" : (zoneNames[Int(id)] ?? "zone \(id)"),
                                proportionDegradedPercent: table(.comparison, id).map { Self.statusDegradedPercent($0) }
                                    ?? sub["SDG 15.3.1 (one out, all out)"]?.first { $0.code == -1 }?.percent,
                                subIndicators: sub, declineExplainedByRainfallKm2: explained,
                                coversNoPixel: id != 0 && !present.contains(id) ? true : nil)
        }
    }

    func document(inputs: [String]) throws -> Document {
        let comparisonNames = Dictionary(uniqueKeysWithValues: LDNLegend.comparison.map { (Int16($0.value), $0.name) })
            .merging([DegradationStatus.nodata: "no data"]) { a, _ in a }
        let periodDocs = periods.map { p -> PeriodDocument in
            var sub: [String: [ClassArea]] = [:]
            for (layer, name) in Self.subIndicators { if let t = p.areas[layer] { sub[name] = classAreas(t, names: Self.statusNames(layer), waterRow: layer == .landCover) } }
            let sdg = sub["SDG 15.3.1 (one out, all out)"]
            let transitions = (1...7).map { from in (1...7).map { to in Self.round(p.transitions.areaKm2(from: Int16(from), to: Int16(to)), 9) } }
            return PeriodDocument(
                name: p.name, years: [p.years.lowerBound, p.years.upperBound], landCoverYears: [p.landCoverYears.0, p.landCoverYears.1],
                // A reporting period: by its status against the baseline (degraded in the baseline stays degraded
                // unless improved); the baseline: its own SDG layer.
                proportionDegradedPercent: p.areas[.comparison].map { Self.statusDegradedPercent($0) } ?? sdg?.first { $0.code == -1 }?.percent,
                subIndicators: sub,
                productivityDynamics: p.areas[.lpd].map { classAreas($0, names: Self.lpdNames) } ?? [],
                statusVsBaseline: p.areas[.comparison].map { classAreas($0, names: comparisonNames) },
                landCoverTransitionsKm2: transitions,
                layers: Dictionary(uniqueKeysWithValues: p.files.map { ($0.key.file, "\(p.name)/\($0.key.file).tif") }),
                zones: config.zones == nil ? nil : zoneDocuments(p),
                declineExplainedByRainfallKm2: p.areas[.rainfallExplained].map { t in Self.round(t.rows.filter { $0.classValue == 1 }.reduce(0.0) { $0 + $1.areaKm2 }, 9) })
        }
        var identities: [[String: String]] = []
        for f in inputs {
            identities.append(["path": f, "sha256": try inputDigests[f] ?? SHA256.file(f)])
        }
        let srs = SpatialReference(wkt: grid.crsWKT)
        var annual: [Int: SummaryStatistics] = [:]
        for p in periods { annual.merge(p.annualProductivity) { a, _ in a } }
        return Document(
            tool: ToolVersion.nameAndVersion, title: nil,
            productivityAnnualMeans: annual.keys.sorted().map { y in
                YearMean(year: y, mean: annual[y]!.mean.map { Self.round($0, 6) }, validPixels: annual[y]!.count)
            },
            indicator: "SDG 15.3.1 proportion of land that is degraded over total land area (UNCCD GPG v2)",
            config: ReportSettings(
                file: config.file, legend: config.legendSource, climate: config.climate.rawValue,
                baseline: [config.baseline.lowerBound, config.baseline.upperBound],
                reporting: config.reporting.map { [$0.lowerBound, $0.upperBound] },
                productivityScale: config.productivityScale.map { Double(String($0))! },
                productivityScaleSource: config.productivityScale == nil ? "as declared by the bands" : "config",
                productivity: config.externalLPD == nil ? "trajectory + state + performance (Trends.Earth 5-class LPD)" : "external LPD raster",
                observationsPerYear: yearCompleteness.map { $0.years.map { [$0.year, $0.observations] } },
                requiredObservations: yearCompleteness?.required, fullYearObservations: yearCompleteness?.full,
                yearsShort: yearCompleteness?.short.map(\.year),
                climateCorrection: config.climateCorrection?.description, precipitation: config.climateCorrection?.precipitation),
            inputs: identities,
            grid: GridDocument(size: [grid.width, grid.height], crs: srs?.shortDescription ?? "none",
                               pixelSize: grid.geoTransform.map { abs($0.pixelWidth) }),
            periods: periodDocs)
    }

    /// Writes report.json, report.md, report.html (with Leaflet beside it), unccd-reporting.json,
    /// tables/*.csv and tables/unccd/*.csv into `out`.
    /// `drawn`: the interactive map's layers already drawn from the published rasters, by period name and layer
    /// (``LDNPeriodPublisher`` draws each right after its COG copy); the others are drawn here.
    /// The page and the other files are written side by side (each from the same finished document; each file whole,
    /// through a temporary file renamed onto its path): they were one after the other in the run's serial tail
    /// (docs/benchmarks.md, "ldn report tail").
    func write(to out: OutputFolder, inputs: [String], drawn: [String: [LDNPeriod.Layer: InteractiveMapLayer]] = [:]) throws {
        try LeafletAssets.check()
        let title = ReportTitleBlock(ldn: self)
        var doc = try document(inputs: inputs)
        doc.title = title
        // The UNCCD figures were gathered in each period's layer pass (UNCCDObserver).
        let unccd = UNCCDReport.make(self, title: title)
        let finished = doc
        try ConcurrentSteps.run([
            { try writeDocuments(finished, unccd: unccd, to: out) },
            { try writePage(finished, title: title, unccd: unccd, drawn: drawn, to: out) },
        ])
    }

    /// report.json, unccd-reporting.json, the tables and report.md.
    func writeDocuments(_ doc: Document, unccd: UNCCDReport, to out: OutputFolder) throws {
        try atomicWrite(try ReportJSON.encode(doc), to: out.file("report.json"))
        try atomicWrite(try ReportJSON.encode(unccd), to: out.file("unccd-reporting.json"))
        try SafeFiles.makeFolders("tables/unccd", under: out.path)
        for (name, table) in csvTables(doc) { try atomicWrite(Data(table.text.utf8), to: out.file("tables/\(name).csv")) }
        for (name, table) in unccd.csvTables() { try atomicWrite(Data(table.text.utf8), to: out.file("tables/unccd/\(name).csv")) }
        try atomicWrite(Data(markdown(doc).utf8), to: out.file("report.md"))
    }

    /// report.html with Leaflet beside it; the map layers not in `drawn` are drawn here.
    func writePage(_ doc: Document, title: ReportTitleBlock, unccd: UNCCDReport,
                   drawn: [String: [LDNPeriod.Layer: InteractiveMapLayer]], to out: OutputFolder) throws {
        var maps: [String: [InteractiveMapLayer]] = [:]
        for p in periods {
            var layers: [InteractiveMapLayer] = []
            for layer in Self.mapLayers {
                guard let path = p.files[layer] else { continue }
                if let done = drawn[p.name]?[layer] { layers.append(done) } else if let map = try Self.mapLayer(layer, path: path) { layers.append(map) }
            }
            maps[p.name] = layers
        }
        try LeafletAssets.copy(into: out)
        let srs = SpatialReference(wkt: grid.crsWKT)
        let ground = srs?.linearUnitSymbol == "m" ? grid.geoTransform.map { abs($0.pixelWidth) * Double(grid.width) } : nil
        let content = LDNReportHTML.Content(doc: doc, title: title, unccd: unccd, maps: maps, groundWidth: ground)
        try atomicWrite(Data(LDNReportHTML.page(content).utf8), to: out.file("report.html"))
    }

    /// The interactive map's layer of `layer`, drawn from its published raster at `path`; nil for a layer the map does not show.
    static func mapLayer(_ layer: LDNPeriod.Layer, path: String) throws -> InteractiveMapLayer? {
        guard mapLayers.contains(layer) else { return nil }
        return try InteractiveMapLayer(name: mapLayerNames[layer] ?? layer.file, path: path, legend: LDNLegend.entries(layer))
    }

    /// The layers of the interactive map, in the switcher's order.
    static let mapLayers: [LDNPeriod.Layer] = [.sdg, .lpd, .productivity, .landCover, .soc, .comparison]
    static let mapLayerNames: [LDNPeriod.Layer: String] = [
        .sdg: "SDG 15.3.1 (one out, all out)", .lpd: "Land productivity dynamics", .productivity: "Land productivity sub-indicator",
        .landCover: "Land cover sub-indicator", .soc: "Soil organic carbon sub-indicator", .comparison: "Status compared with the baseline"]

    /// Tables shaped like the UNCCD reporting tables (one row per class, km2 and percent), each
    /// row carrying its period's years.
    func csvTables(_ doc: Document) -> [(String, CSVTable)] {
        func km2(_ v: Double) -> String { String(format: "%.6f", v) }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        var tables: [(String, CSVTable)] = []
        var summary = CSVTable(header: ["period", "first_year", "last_year", "sub_indicator", "class", "pixels", "area_km2", "percent"])
        for p in doc.periods {
            let years = [String(p.years[0]), String(p.years[1])]
            for (_, name) in Self.subIndicators {
                for r in p.subIndicators[name] ?? [] {
                    summary.append([p.name] + years + [name, r.name, String(r.pixels), km2(r.km2), pct(r.percent)])
                }
            }
            var lpd = CSVTable(header: ["class", "name", "pixels", "area_km2", "percent", "first_year", "last_year"])
            for r in p.productivityDynamics { lpd.append([String(r.code), r.name, String(r.pixels), km2(r.km2), pct(r.percent)] + years) }
            tables.append(("\(p.name)-productivity-dynamics", lpd))
            let classes = LandCoverClass.allCases.map { $0.description }
            var matrix = CSVTable(header: ["from \\ to (km2), land cover \(p.landCoverYears[0]) to \(p.landCoverYears[1])"] + classes)
            for (i, row) in p.landCoverTransitionsKm2.enumerated() { matrix.append([classes[i]] + row.map(km2)) }
            tables.append(("\(p.name)-land-cover-transitions", matrix))
            if let zones = p.zones {
                var z = CSVTable(header: ["zone", "zone_name", "sub_indicator", "class", "pixels", "area_km2", "percent", "first_year", "last_year"])
                for zone in zones {
                    for (_, name) in Self.subIndicators {
                        for r in zone.subIndicators[name] ?? [] {
                            z.append([String(zone.id), zone.name, name, r.name, String(r.pixels), km2(r.km2), pct(r.percent)] + years)
                        }
                    }
                }
                tables.append(("\(p.name)-zones", z))
            }
        }
        if doc.periods.contains(where: { $0.declineExplainedByRainfallKm2 != nil }) {
            var t = CSVTable(header: ["period", "first_year", "last_year", "zone", "zone_name", "decline_explained_by_rainfall_km2"])
            for p in doc.periods {
                guard let all = p.declineExplainedByRainfallKm2 else { continue }
                let years = [String(p.years[0]), String(p.years[1])]
                t.append([p.name] + years + ["", "all", km2(all)])
                for z in p.zones ?? [] { t.append([p.name] + years + [String(z.id), z.name, km2(z.declineExplainedByRainfallKm2 ?? 0)]) }
            }
            tables.append(("decline-explained-by-rainfall", t))
        }
        tables.insert(("sdg-15-3-1-summary", summary), at: 0)
        return tables
    }

    /// One sub-indicator's cells in every table's column order: degraded, stable, improved, water
    /// (an en dash where the row does not list water), no data (km2 in `format`), degraded percent.
    static func statusCells(_ rows: [ClassArea], format: String, dash: String = "-") -> [String] {
        func km2(_ c: Int16) -> String { String(format: format, rows.first { $0.code == Int(c) }?.km2 ?? 0) }
        let water = rows.contains { $0.code == Int(waterCode) } ? km2(waterCode) : dash
        let pct = rows.first { $0.code == -1 }?.percent.map { String(format: "%.2f", $0) } ?? ""
        return [km2(-1), km2(0), km2(1), water, km2(DegradationStatus.nodata), pct]
    }

    func markdown(_ doc: Document) -> String {
        let t = doc.title ?? ReportTitleBlock(ldn: self)
        var md = "# SDG 15.3.1 report: \(t.area ?? "")\n\n| | |\n|---|---|\n"
        for (k, v) in t.rows(missing: { _ in "(not given)" }) + t.parameters.map({ ($0[0], $0[1]) }) { md += "| \(k) | \(v) |\n" }
        md += "\n\(doc.tool); config `\(config.file)`; grid \(doc.grid.size[0]) x \(doc.grid.size[1]) pixels in \(doc.grid.crs), pixel \(t.pixel).\n\n"
        if let c = yearCompleteness, !c.short.isEmpty {
            md += "Productivity years short of complete (nodata): " + c.short.map { "\($0.year) (\($0.observations) of \(c.full) observations)" }.joined(separator: ", ") + "; a pixel's year needs \(c.requiredLine).\n\n"
        }
        if !doc.productivityAnnualMeans.isEmpty {
            md += "Mean productivity by year: " + doc.productivityAnnualMeans.map { "\($0.year) \($0.mean.map { String(format: "%.4f", $0) } ?? "n/a")" }.joined(separator: ", ") + ".\n\n"
        }
        for p in doc.periods {
            md += "## \(p.name) (\(p.years[0])-\(p.years[1]))\n\n"
            md += "Proportion of land degraded: **\(p.proportionDegradedPercent.map { String(format: "%.2f %%", $0) } ?? "n/a")**"
            md += p.landCoverYears[0] == p.landCoverYears[1] ? " (one land-cover map, \(p.landCoverYears[0]): no transitions)."
                : " (land cover \(p.landCoverYears[0]) -> \(p.landCoverYears[1]))."
            if p.statusVsBaseline != nil { md += " It is the period's status against the baseline: land degraded in the baseline and not improved counts as degraded." }
            md += "\n\n"
            if let km2 = p.declineExplainedByRainfallKm2 {
                md += "Decline explained by rainfall: **\(String(format: "%.4f", km2)) km2** (the uncorrected trajectory declines at 95 %, the climate-corrected one does not"
                md += (p.zones ?? []).isEmpty ? ").\n\n" : "; by zone: " + p.zones!.map { "\($0.name) \(String(format: "%.4f", $0.declineExplainedByRainfallKm2 ?? 0))" }.joined(separator: ", ") + ").\n\n"
            }
            md += "| sub-indicator | degraded km2 | stable km2 | improved km2 | water km2 | no data km2 | degraded % |\n|---|---|---|---|---|---|---|\n"
            for (_, name) in Self.subIndicators {
                guard let rows = p.subIndicators[name] else { continue }
                md += "| \(name) | " + Self.statusCells(rows, format: "%.4f").joined(separator: " | ") + " |\n"
            }
            md += "\n| productivity dynamics | km2 | % |\n|---|---|---|\n"
            for r in p.productivityDynamics { md += "| \(r.name) | \(String(format: "%.4f", r.km2)) | \(r.percent.map { String(format: "%.2f", $0) } ?? "") |\n" }
            if let cmp = p.statusVsBaseline {
                md += "\n| status vs baseline | km2 | % |\n|---|---|---|\n"
                for r in cmp { md += "| \(r.name) | \(String(format: "%.4f", r.km2)) | \(r.percent.map { String(format: "%.2f", $0) } ?? "") |\n" }
            }
            md += "\n"
        }
        return md
    }
}
