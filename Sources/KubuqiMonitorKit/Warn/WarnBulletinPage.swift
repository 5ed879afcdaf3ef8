import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// bulletin.html: one self-contained page (inline SVG, no external file or
/// script) a focal point can forward as is: the headline, the alert map, the
/// zone ranking, the season's metric for the worst zones, and the hotspots.
enum WarnBulletinPage {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func html(_ b: WarnBulletin, levelPath: String, hotspots: WarnHotspots) throws -> String {
        let pct = { (x: Double) in String(format: "%.1f %%", 100 * x) }
        let ha = { (x: Double) in String(format: "%.1f", x) }
        var zoneRows = ""
        for z in b.zones {
            zoneRows += "<tr><td>\(z.rank)</td><td>\(escape(z.zone))</td><td>\(ha(z.assessableHectares))</td><td>\(pct(z.shareModerate))</td>"
                + "<td>\(pct(z.shareSevere))</td><td>\(pct(z.shareExtreme))</td><td><b>\(pct(z.shareInAlert))</b></td></tr>\n"
        }
        var hotspotRows = ""
        for h in b.hotspots {
            hotspotRows += "<tr><td>\(h.number)</td><td>\(escape(h.level))</td><td>\(ha(h.areaHectares))</td><td>\(h.meanMetric.isNaN ? "" : String(format: "%.1f", h.meanMetric))</td>"
                + "<td>\(h.persistence)</td><td>\(escape(h.onset))</td><td>\(String(format: "%.5f, %.5f", h.centroidLatitude, h.centroidLongitude))</td>"
                + "<td>\(escape(h.zone))</td><td>\(escape(h.status))</td></tr>\n"
        }
        let resolved = b.resolved.isEmpty ? "" : "<p>Resolved since the previous bulletin: " + b.resolved.map { "hotspot \($0.number) (\(escape($0.level)), \(ha($0.areaHectares)) ha\($0.zone.isEmpty ? "" : ", " + escape($0.zone)))" }.joined(separator: "; ") + ".</p>"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Vegetation stress warning \(escape(b.period))</title>
        <style>body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#222}table{border-collapse:collapse}
        td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}.key span{display:inline-block;width:1em;height:1em;margin:0 4px 0 12px;vertical-align:middle}</style>
        </head><body>
        <h1>Vegetation stress warning: \(escape(b.period))</h1>
        <p><b>\(escape(b.summary))</b></p>
        <p>Metric: \(escape(b.metricTitle)) of \(escape(b.period)) against the same period of \(b.baselineYearsCoveringThePeriod.count) baseline years (\(escape(b.baseline)), \
        \(b.accumulation == 1 ? "one period" : "mean of the last \(b.accumulation) periods")). Levels: extreme below \(ReportJSON.number(b.thresholds["extreme"]!)), \
        severe below \(ReportJSON.number(b.thresholds["severe"]!)), moderate below \(ReportJSON.number(b.thresholds["moderate"]!)). \
        \(escape(b.bounds)). Not assessable: \(escape(b.notAssessableRule)).</p>
        <h2>Alert map</h2>
        \(try map(levelPath))
        <p class="key">\(WarnJob.legend.map { "<span style=\"background:\(hex($0.rgb))\"></span>\(escape($0.name))" }.joined())</p>
        <h2>Zones ranked by the share of assessable land in alert</h2>
        <table><tr><th>rank</th><th>zone</th><th>assessable ha</th><th>moderate</th><th>severe</th><th>extreme</th><th>in alert</th></tr>
        \(zoneRows)</table>
        <h2>The season so far (worst zones)</h2>
        \(chart(b))
        <h2>Hotspots (alert patches of at least \(ReportJSON.number(b.minimumMappingUnitHectares)) ha)</h2>
        <table><tr><th>#</th><th>level</th><th>ha</th><th>mean \(escape(b.metric))</th><th>periods in alert</th><th>onset</th><th>centre (lat, lon)</th><th>zone</th><th>status</th></tr>
        \(hotspotRows)</table>
        \(resolved)
        <p style="font-size:small">\(escape(b.tool)). Method: docs/warn.md.</p>
        </body></html>

        """
    }

    static func hex(_ c: (UInt8, UInt8, UInt8)) -> String { String(format: "#%02x%02x%02x", c.0, c.1, c.2) }

    /// The alert map as SVG cells (at most 160 on a side, each the most severe level it covers).
    static func map(_ levelPath: String) throws -> String {
        let band = try Dataset.open(levelPath).band(1)
        let w = band.dataset.width, h = band.dataset.height
        let step = max(1, Int((Double(max(w, h)) / 160).rounded(.up)))
        let cw = (w + step - 1) / step, chh = (h + step - 1) / step
        var cells = [Int](repeating: -1, count: cw * chh)
        let rank: (Int) -> Int = { [0: 1, 9: 0, 1: 2, 2: 3, 3: 4][$0] ?? -1 }
        var row = 0
        while row < h {
            let win = Window(column: 0, row: row, width: w, height: min(step, h - row))
            let v = try band.read(win)
            for r in 0..<win.height { for c in 0..<w {
                let x = v[r * w + c]
                guard x >= 0, x <= 9 else { continue }
                let i = (row / step) * cw + c / step
                if cells[i] < 0 || rank(Int(x)) > rank(cells[i]) { cells[i] = Int(x) }
            } }
            row += win.height
        }
        let scale = max(1, 480 / max(cw, chh))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(cw * scale)\" height=\"\(chh * scale)\" shape-rendering=\"crispEdges\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        let colours = Dictionary(uniqueKeysWithValues: WarnJob.legend.map { ($0.value, hex($0.rgb)) })
        for r in 0..<chh { for c in 0..<cw where cells[r * cw + c] >= 0 {
            svg += "<rect x=\"\(c * scale)\" y=\"\(r * scale)\" width=\"\(scale)\" height=\"\(scale)\" fill=\"\(colours[cells[r * cw + c]] ?? "#000")\"/>"
        } }
        return svg + "</svg>"
    }

    /// The metric through the history steps for the three worst zones, an SVG line chart.
    static func chart(_ b: WarnBulletin) -> String {
        let zones = Array(b.zones.prefix(3))
        let values = zones.flatMap { $0.season.compactMap { $0 } }
        guard let lo0 = values.min(), let hi0 = values.max(), b.seasonPeriods.count > 1 else { return "<p>(one period only: no chart)</p>" }
        let lo = min(lo0, b.thresholds["extreme"]!), hi = max(hi0, b.thresholds["moderate"]!)
        let W = 560.0, H = 220.0, left = 50.0, bottom = 40.0
        let n = b.seasonPeriods.count
        func x(_ i: Int) -> Double { left + (W - left - 10) * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { 10 + (H - bottom - 10) * (hi - v) / max(1e-9, hi - lo) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(W))\" height=\"\(Int(H))\" font-size=\"10\">"
        for (name, t) in [("extreme", b.thresholds["extreme"]!), ("severe", b.thresholds["severe"]!), ("moderate", b.thresholds["moderate"]!)] {
            svg += "<line x1=\"\(left)\" x2=\"\(W - 10)\" y1=\"\(y(t))\" y2=\"\(y(t))\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/><text x=\"2\" y=\"\(y(t) + 3)\">\(name)</text>"
        }
        let colours = ["#1f4e9c", "#2a9d55", "#8e44ad"]
        for (k, z) in zones.enumerated() {
            let pts = z.season.enumerated().compactMap { i, v in v.map { String(format: "%.1f,%.1f", x(i), y($0)) } }
            svg += "<polyline fill=\"none\" stroke=\"\(colours[k])\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"/>"
            svg += "<text x=\"\(left + 5 + Double(k) * 170)\" y=\"\(H - 5)\" fill=\"\(colours[k])\">\(escape(z.zone))</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(H - bottom + 14)\">\(escape(b.seasonPeriods.first!))</text>"
        svg += "<text x=\"\(W - 10)\" y=\"\(H - bottom + 14)\" text-anchor=\"end\">\(escape(b.seasonPeriods.last!))</text>"
        return svg + "</svg>"
    }
}
