import Foundation
import KubuqiRaster
import KubuqiGDAL
import KubuqiIndicators

/// The outputs of `assess`: `assessment.json`, `error-matrix-counts.csv`,
/// `error-matrix-proportions.csv`, `accuracy.csv` and `assessment.html`.
enum AccuracyReport {
    /// A value with its standard error and 95 % interval, as written in JSON.
    struct Figure: Codable {
        var value: Double
        var standardError: Double?
        var ci95Low: Double?
        var ci95High: Double?

        init(_ e: StratifiedEstimate.Estimate) {
            value = e.value
            standardError = e.standardError
            ci95Low = e.halfWidth95.map { e.value - $0 }
            ci95High = e.halfWidth95.map { e.value + $0 }
        }
    }

    /// One class's row.
    struct ClassFigures: Codable {
        var code: Int
        var name: String?
        var mappedAreaKm2: Double
        var samplePoints: Int
        var usersAccuracy: Figure?
        var producersAccuracy: Figure?
        var areaProportion: Figure
        var areaKm2: Figure
    }

    /// A reason points were left out.
    struct Exclusion: Codable {
        var reason: String
        var points: Int
        var exampleIDs: [String]
    }

    /// The JSON document.
    struct Document: Codable {
        var format = "kubuqi-assessment/1"
        var design: String
        var points: String
        var map: String
        var pointsRead: Int
        var pointsUsed: Int
        var excluded: [Exclusion]
        var classes: [ClassFigures]
        var errorMatrixCounts: [[Int]]
        var errorMatrixAreaProportions: [[Double]]
        var overallAccuracy: Figure
        var notes: [String]
        var method: String
        var software: String
    }

    static let method = "Stratified estimator of Olofsson et al. (2013, 2014): strata are the map classes; areas, user's, producer's and overall accuracy with standard errors; 95 % intervals are +-1.96 standard errors. Rows of the error matrices are map classes, columns reference classes."

    static func document(_ r: AssessJob.Result, pointsPath: String, designPath: String) -> Document {
        let e = r.estimate, d = r.design
        let classes = d.strata.indices.map { i in
            ClassFigures(code: d.strata[i].code, name: d.strata[i].name, mappedAreaKm2: d.strata[i].areaKm2,
                         samplePoints: e.counts[i].reduce(0, +), usersAccuracy: e.usersAccuracy[i].map(Figure.init),
                         producersAccuracy: e.producersAccuracy[i].map(Figure.init),
                         areaProportion: Figure(e.areaProportion[i]), areaKm2: Figure(e.area[i]))
        }
        return Document(design: designPath, points: pointsPath, map: d.map, pointsRead: r.pointsRead, pointsUsed: r.pointsUsed,
                        excluded: r.excluded.map { Exclusion(reason: $0.reason, points: $0.count, exampleIDs: $0.examples) },
                        classes: classes, errorMatrixCounts: e.counts, errorMatrixAreaProportions: e.proportions,
                        overallAccuracy: Figure(e.overallAccuracy), notes: r.notes, method: method, software: ToolVersion.nameAndVersion)
    }

    /// Writes every output into `folder` (the staging folder; messages name `finalFolder`).
    /// With `mapReport` (the map's own HTML report, already read), also `report.html`: that
    /// report with the assessment as a section before its end (the original is not touched).
    static func write(_ r: AssessJob.Result, pointsPath: String, designPath: String, mapReport: String?, to folder: OutputFolder, finalFolder: String) throws {
        let doc = document(r, pointsPath: pointsPath, designPath: designPath)
        try atomicWrite(try ReportJSON.encode(doc), to: folder.file("assessment.json"))
        try writeTables(doc, folder: folder)
        try atomicWrite(Data(html(doc).utf8), to: folder.file("assessment.html"))
        if let mapReport { try atomicWrite(Data(insert(section(doc, heading: "h2"), into: mapReport).utf8), to: folder.file("report.html")) }
    }

    /// `page` with `section` before its closing `</body>` (at its end when it has none).
    static func insert(_ section: String, into page: String) -> String {
        guard let end = page.range(of: "</body>", options: [.caseInsensitive, .backwards]) else { return page + section }
        return String(page[..<end.lowerBound]) + section + String(page[end.lowerBound...])
    }

    /// The three CSV tables, through ``CSVTable`` (RFC 4180, CRLF), the one CSV writer of the tool.
    static func writeTables(_ doc: Document, folder: OutputFolder) throws {
        let labels = doc.classes.map { String($0.code) }
        func real(_ v: Double?) -> String { v.map(ReportJSON.number) ?? "" }
        var counts = CSVTable(header: ["map_class"] + labels.map { "ref_\($0)" })
        for i in doc.classes.indices { counts.append([String(doc.classes[i].code)] + doc.errorMatrixCounts[i].map { String($0) }) }
        var proportions = CSVTable(header: ["map_class"] + labels.map { "ref_\($0)" })
        for i in doc.classes.indices { proportions.append([String(doc.classes[i].code)] + doc.errorMatrixAreaProportions[i].map { real($0) }) }
        var accuracy = CSVTable(header: ["code", "name", "mapped_km2", "points", "users_accuracy", "users_se", "producers_accuracy", "producers_se",
                                         "area_km2", "area_se_km2", "area_ci95_low_km2", "area_ci95_high_km2"])
        for c in doc.classes {
            accuracy.append([String(c.code), c.name ?? "", real(c.mappedAreaKm2), String(c.samplePoints),
                             real(c.usersAccuracy?.value), real(c.usersAccuracy?.standardError), real(c.producersAccuracy?.value),
                             real(c.producersAccuracy?.standardError), real(c.areaKm2.value), real(c.areaKm2.standardError),
                             real(c.areaKm2.ci95Low), real(c.areaKm2.ci95High)])
        }
        accuracy.append(["", "overall accuracy", "", String(doc.pointsUsed), real(doc.overallAccuracy.value), real(doc.overallAccuracy.standardError),
                         "", "", "", "", "", ""])
        for (name, table) in [("error-matrix-counts.csv", counts), ("error-matrix-proportions.csv", proportions), ("accuracy.csv", accuracy)] {
            try atomicWrite(Data(table.text.utf8), to: folder.file(name))
        }
    }

    /// A self-contained HTML page.
    static func html(_ doc: Document) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Accuracy assessment of \(escape(doc.map))</title>
        <style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
        td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{background:#f3f3f3}small{color:#666}</style></head><body>
        \(section(doc, heading: "h1"))
        </body></html>

        """
    }

    /// Text for HTML element content (the LDN report's escaping: the page puts no text in attributes).
    static func escape(_ s: String) -> String { LDNReportHTML.escape(s) }

    /// The assessment as one `<section>`, its title at `heading` level (h1 alone, h2 in a report).
    static func section(_ doc: Document, heading: String) -> String {
        let sub = heading == "h1" ? "h2" : "h3"
        let esc = escape
        func pct(_ f: Figure?) -> String {
            guard let f else { return "–" }
            let v = String(format: "%.1f %%", f.value * 100)
            return f.standardError.map { v + String(format: " ± %.1f", 1.96 * $0 * 100) } ?? v + " (no SE: one point)"
        }
        func km2(_ f: Figure) -> String {
            let v = String(format: "%.4f", f.value)
            return f.standardError.map { v + String(format: " ± %.4f", 1.96 * $0) } ?? v
        }
        let label = { (c: ClassFigures) in esc(c.name.map { "\(c.code) \($0)" } ?? String(c.code)) }
        var rows = ""
        for c in doc.classes {
            rows += "<tr><td>\(label(c))</td><td>\(String(format: "%.4f", c.mappedAreaKm2))</td><td>\(c.samplePoints)</td>"
            rows += "<td>\(pct(c.usersAccuracy))</td><td>\(pct(c.producersAccuracy))</td><td>\(km2(c.areaKm2))</td></tr>\n"
        }
        var matrix = "<tr><th>map \\ reference</th>" + doc.classes.map { "<th>\(label($0))</th>" }.joined() + "<th>n</th></tr>\n"
        for (i, c) in doc.classes.enumerated() {
            matrix += "<tr><th>\(label(c))</th>" + doc.errorMatrixCounts[i].enumerated().map { j, n in
                "<td>\(n) <small>(\(String(format: "%.4f", doc.errorMatrixAreaProportions[i][j])))</small></td>"
            }.joined() + "<td>\(doc.errorMatrixCounts[i].reduce(0, +))</td></tr>\n"
        }
        let excluded = doc.excluded.isEmpty ? "<p>Every point was used.</p>" :
            "<ul>" + doc.excluded.map { "<li>\($0.points) left out: \(esc($0.reason)) (e.g. id \($0.exampleIDs.map(esc).joined(separator: ", ")))</li>" }.joined() + "</ul>"
        return """
        <section id="accuracy-assessment">
        <\(heading)>Accuracy assessment and area estimates</\(heading)>
        <p>Map: <code>\(esc(doc.map))</code>. Design: <code>\(esc(doc.design))</code>. Labelled points: <code>\(esc(doc.points))</code>
        (\(doc.pointsRead) read, \(doc.pointsUsed) used).</p>
        \(excluded)
        \(doc.notes.isEmpty ? "" : "<ul>" + doc.notes.map { "<li>Note: \(esc($0))</li>" }.joined() + "</ul>")
        <p><b>Overall accuracy: \(pct(doc.overallAccuracy))</b> (95 % confidence interval).</p>
        <\(sub)>Per class</\(sub)>
        <table><tr><th>class</th><th>mapped km²</th><th>points</th><th>user's accuracy</th><th>producer's accuracy</th><th>estimated km² (95 % CI)</th></tr>
        \(rows)</table>
        <\(sub)>Error matrix</\(sub)>
        <p>Sample counts, with the estimated proportion of area in brackets.</p>
        <table>\(matrix)</table>
        <p><small>\(esc(doc.method)) \(esc(doc.software)).</small></p>
        </section>

        """
    }
}
