import Foundation

/// The self-contained HTML page of the LDN report: maps as embedded PNG,
/// charts as inline SVG, no external resources, readable by a non-specialist.
enum LDNReportHTML {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A horizontal stacked bar of degraded / stable / improved percentages.
    static func bar(_ rows: [LDNReport.ClassArea]) -> String {
        let colors: [Int: String] = [-1: "#ab2328", 0: "#e8e2c4", 1: "#458530"]
        var x = 0.0, svg = "<svg width=\"420\" height=\"22\" role=\"img\">"
        for c in [-1, 0, 1] {
            let pct = rows.first { $0.code == c }?.percent ?? 0
            let w = 4.2 * pct
            svg += "<rect x=\"\(String(format: "%.2f", x))\" y=\"2\" width=\"\(String(format: "%.2f", w))\" height=\"18\" fill=\"\(colors[c]!)\"><title>\(c == -1 ? "degraded" : c == 0 ? "stable" : "improved") \(String(format: "%.2f", pct)) %</title></rect>"
            x += w
        }
        return svg + "</svg>"
    }

    /// The 7 x 7 transition matrix as a shaded table.
    static func matrix(_ m: [[Double]]) -> String {
        let names = ["tree-covered", "grassland", "cropland", "wetland", "artificial", "other land", "water"]
        let top = m.flatMap { $0 }.max() ?? 0
        var html = "<table class=\"matrix\"><tr><th>from \\ to (km&sup2;)</th>" + names.map { "<th>\($0)</th>" }.joined() + "</tr>"
        for (i, row) in m.enumerated() {
            html += "<tr><th>\(names[i])</th>"
            for v in row {
                let a = top > 0 ? 0.08 + 0.6 * v / top : 0
                html += "<td style=\"background:rgba(70,110,160,\(String(format: "%.2f", v > 0 ? a : 0)))\">\(v > 0 ? String(format: "%.3f", v) : "")</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    /// A line chart of the region's mean productivity by year.
    static func annualChart(_ series: [LDNReport.YearMean]) -> String {
        let points = series.compactMap { p in p.mean.map { (p.year, $0) } }
        guard points.count >= 2 else { return "" }
        let (w, h, m) = (640.0, 200.0, 40.0)
        let y0 = points.map(\.1).min()!, y1 = max(points.map(\.1).max()!, y0 + 1e-9)
        let x0 = Double(points.first!.0), x1 = Double(points.last!.0)
        func px(_ y: Int) -> Double { m + (Double(y) - x0) / (x1 - x0) * (w - 2 * m) }
        func py(_ v: Double) -> Double { h - m + -(v - y0) / (y1 - y0) * (h - 2 * m) }
        let path = points.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
        var svg = "<svg width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\" aria-label=\"mean productivity by year\">"
        svg += "<polyline fill=\"none\" stroke=\"#2d6a4f\" stroke-width=\"2\" points=\"\(path)\"/>"
        for (y, v) in points { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#2d6a4f\"><title>%d: %.4f</title></circle>", px(y), py(v), y, v) }
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\">%d</text><text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"end\">%d</text>", m, h - 8, points.first!.0, w - m, h - 8, points.last!.0)
        svg += String(format: "<text x=\"4\" y=\"%.0f\" font-size=\"12\">%.3f</text><text x=\"4\" y=\"%.0f\" font-size=\"12\">%.3f</text>", m, y1, h - m, y0)
        return "<h2>Mean productivity by year</h2>" + svg + "</svg>"
    }

    static func page(_ doc: LDNReport.Document, maps: [String: String]) -> String {
        var body = annualChart(doc.productivityAnnualMeans)
        for p in doc.periods {
            body += "<section><h2>\(escape(p.name)) (\(p.years[0])&ndash;\(p.years[1]))</h2>"
            body += "<p class=\"headline\">Land degraded: <b>\(p.proportionDegradedPercent.map { String(format: "%.2f %%", $0) } ?? "n/a")</b> of the assessed area.</p>"
            if let km2 = p.declineExplainedByRainfallKm2 {
                body += "<p>Decline explained by rainfall: <b>\(String(format: "%.4f", km2)) km2</b> (the uncorrected trajectory declines at 95 %, the climate-corrected one does not).</p>"
            }
            if let png = maps[p.name] { body += "<img alt=\"SDG 15.3.1 map, \(escape(p.name))\" src=\"data:image/png;base64,\(png)\">" }
            body += "<h3>Sub-indicators</h3><table><tr><th>indicator</th><th>degraded / stable / improved</th><th>degraded km&sup2;</th><th>stable km&sup2;</th><th>improved km&sup2;</th><th>no data km&sup2;</th></tr>"
            for (_, name) in LDNReport.subIndicators {
                guard let rows = p.subIndicators[name] else { continue }
                func km2(_ c: Int) -> String { String(format: "%.3f", rows.first { $0.code == c }?.km2 ?? 0) }
                body += "<tr><td>\(escape(name))</td><td>\(bar(rows))</td><td>\(km2(-1))</td><td>\(km2(0))</td><td>\(km2(1))</td><td>\(km2(-32768))</td></tr>"
            }
            body += "</table><h3>Land productivity dynamics</h3><table><tr><th>class</th><th>km&sup2;</th><th>%</th></tr>"
            for r in p.productivityDynamics {
                body += "<tr><td>\(escape(r.name))</td><td>\(String(format: "%.3f", r.km2))</td><td>\(r.percent.map { String(format: "%.2f", $0) } ?? "")</td></tr>"
            }
            body += "</table>"
            if let cmp = p.statusVsBaseline {
                body += "<h3>Status compared with the baseline</h3><table><tr><th>class</th><th>km&sup2;</th><th>%</th></tr>"
                for r in cmp { body += "<tr><td>\(escape(r.name))</td><td>\(String(format: "%.3f", r.km2))</td><td>\(r.percent.map { String(format: "%.2f", $0) } ?? "")</td></tr>" }
                body += "</table>"
            }
            body += "<h3>Land-cover transitions \(p.landCoverYears[0]) &rarr; \(p.landCoverYears[1])</h3>" + matrix(p.landCoverTransitionsKm2) + "</section>"
        }
        let inputs = doc.inputs.map { "<li><code>\(escape($0["path"] ?? ""))</code> <small>sha256 \($0["sha256"] ?? "")</small></li>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>SDG 15.3.1 report</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
        h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
        th:first-child,td:first-child{text-align:left}.headline{font-size:1.2em}img{max-width:100%;border:1px solid #ccc}
        .matrix td{min-width:4em}small{color:#777}
        </style></head><body>
        <h1>Land degradation: SDG indicator 15.3.1</h1>
        <p>The proportion of land that is degraded over total land area, computed by \(escape(doc.tool)) following the UNCCD
        Good Practice Guidance (version 2, 2021): a pixel is degraded when any of land productivity, land cover or soil organic
        carbon is degraded (one out, all out). Grid \(doc.grid.size[0])x\(doc.grid.size[1]) in \(escape(doc.grid.crs)), pixel \(escape(doc.grid.pixelSize.map { ReportJSON.number($0) } ?? "none")).</p>
        \(body)
        <h2>Inputs</h2><ul>\(inputs)</ul>
        <p><small>Method and references: docs/ldn.md of kubuqi-monitor. Every number here is also in report.json and tables/*.csv.</small></p>
        </body></html>

        """
    }
}
