import Foundation
import KubuqiIndicators

/// The HTML page of the LDN report: a title block, charts and legends as inline SVG, per period
/// an interactive map (Leaflet, copied beside the page: pan, zoom, layer switch, the class under
/// the cursor) and the tables; prints to PDF as it is. Works offline from its folder.
enum LDNReportHTML {
    static func escape(_ s: String) -> String { ReportSVG.escape(s) }

    /// Everything the page shows.
    struct Content {
        var doc: LDNReport.Document
        var title: ReportTitleBlock
        var unccd: UNCCDReport
        /// Map layers by period name, in switcher order.
        var maps: [String: [InteractiveMapLayer]]
        /// The grid's width on the ground in metres (nil when not projected in metres).
        var groundWidth: Double?
    }

    static let statusColors: [Int: String] = [-1: "#ab2328", 0: "#f6f0d3", 1: "#458530"]

    static func titleBlock(_ t: ReportTitleBlock) -> String {
        var h = "<table class=\"titleblock\">"
        for (k, v) in t.rows(missing: { "(not given: set [report] \($0) in the config or --\($0))" }) {
            h += "<tr><th>\(escape(k))</th><td>\(escape(v))</td></tr>"
        }
        h += "</table><details open><summary>Parameters</summary><table class=\"params\">"
        for p in t.parameters { h += "<tr><th>\(escape(p[0]))</th><td>\(escape(p[1]))</td></tr>" }
        return h + "</table></details>"
    }

    static func km2(_ v: Double) -> String { String(format: "%.3f", v) }
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "" }

    /// The sub-indicator table; the land-cover row from the UNCCD summary (persistent water apart).
    static func subIndicatorTable(_ p: LDNReport.PeriodDocument, _ u: UNCCDReport.Assessment) -> String {
        var h = "<table><tr><th>sub-indicator</th><th>degraded / stable / improved (% of land)</th><th>degraded km&sup2;</th><th>stable km&sup2;</th><th>improved km&sup2;</th><th>water km&sup2;</th><th>no data km&sup2;</th></tr>"
        for (_, name) in LDNReport.subIndicators {
            guard let rows = p.subIndicators[name] else { continue }
            let deg = rows.first { $0.code == -1 }?.km2 ?? 0, sta = rows.first { $0.code == 0 }?.km2 ?? 0
            let imp = rows.first { $0.code == 1 }?.km2 ?? 0, nd = rows.first { $0.code == Int(DegradationStatus.nodata) }?.km2 ?? 0
            let water = rows.first { $0.code == Int(LDNReport.waterCode) }?.km2
            let land = deg + sta + imp
            func share(_ v: Double) -> Double { land > 0 ? 100 * v / land : 0 }
            let bar = ReportSVG.stackedBar([("degraded", share(deg), statusColors[-1]!), ("stable", share(sta), statusColors[0]!),
                                            ("improved", share(imp), statusColors[1]!)])
            h += "<tr><td>\(escape(name))</td><td>\(bar)</td><td>\(km2(deg))</td><td>\(km2(sta))</td><td>\(km2(imp))</td><td>\(water.map(km2) ?? "&ndash;")</td><td>\(km2(nd))</td></tr>"
        }
        return h + "</table><p class=\"note\">Water at both dates is not land: the land-cover row lists it apart (it is not stable land). "
            + "Percentages are of land with data.</p>"
    }

    static func classTable(_ title: String, _ rows: [LDNReport.ClassArea]) -> String {
        var h = "<h3>\(escape(title))</h3><table><tr><th>class</th><th>km&sup2;</th><th>% of land with data</th></tr>"
        for r in rows { h += "<tr><td>\(escape(r.name))</td><td>\(km2(r.km2))</td><td>\(pct(r.percent))</td></tr>" }
        return h + "</table>"
    }

    /// The transition matrix, titled honestly when the period has one land-cover map only.
    static func transitions(_ p: LDNReport.PeriodDocument) -> String {
        let (a, b) = (p.landCoverYears[0], p.landCoverYears[1])
        guard a != b else {
            return "<h3>Land cover \(a)</h3><p>One land-cover map (\(a)) covers this period: there are no land-cover transitions to "
                + "show, and the land-cover sub-indicator is stable wherever there is land.</p>"
        }
        let names = LandCoverClass.allCases.map(\.description)
        let top = p.landCoverTransitionsKm2.flatMap { $0 }.max() ?? 0
        var h = "<h3>Land-cover transitions \(a) &rarr; \(b) (km&sup2;)</h3><table class=\"matrix\"><tr><th>from \(a) \\ to \(b)</th>"
            + names.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        for (i, row) in p.landCoverTransitionsKm2.enumerated() {
            h += "<tr><th>\(escape(names[i]))</th>"
            for v in row {
                let alpha = top > 0 && v > 0 ? 0.08 + 0.6 * v / top : 0
                h += "<td style=\"background:rgba(70,110,160,\(String(format: "%.2f", alpha)))\">\(v > 0 ? String(format: "%.3f", v) : "")</td>"
            }
            h += "</tr>"
        }
        return h + "</table>"
    }

    /// SO1-1 / SO1-3 / SO1-4 at a glance (every figure is in unccd-reporting.json and tables/unccd/).
    static func unccdTables(_ u: UNCCDReport.Assessment) -> String {
        let lc = u.land_cover.land_cover_areas_by_year.values, soc = u.soil_organic_carbon.soc_stock_by_year.values
        let years = lc.keys.sorted()
        guard !years.isEmpty else { return "" }
        var h = "<h3>Land cover and soil organic carbon stock by class (UNCCD SO1-1, SO1-3)</h3><table><tr><th>class</th>"
        for y in years { h += "<th>\(y) km&sup2;</th>" }
        for y in years { h += "<th>\(y) SOC t</th>" }
        h += "</tr>"
        for c in LandCoverClass.allCases.map(\.description) {
            h += "<tr><td>\(escape(c))</td>"
            for y in years { h += "<td>\(km2(lc[y]?[c] ?? 0))</td>" }
            for y in years { h += "<td>\(soc[y]?[c].map { String(format: "%.0f", $0) } ?? "&ndash;")</td>" }
            h += "</tr>"
        }
        return h + "</table>"
    }

    static func zoneTables(_ p: LDNReport.PeriodDocument) -> String {
        guard let zones = p.zones, !zones.isEmpty else { return "" }
        var h = "<h3>By zone</h3><table><tr><th>zone</th><th>sub-indicator</th><th>degraded km&sup2;</th><th>stable km&sup2;</th><th>improved km&sup2;</th><th>water km&sup2;</th><th>no data km&sup2;</th><th>degraded %</th></tr>"
        for z in zones {
            for (_, name) in LDNReport.subIndicators {
                guard let rows = z.subIndicators[name] else { continue }
                let cells = LDNReport.statusCells(rows, format: "%.3f", dash: "&ndash;")
                h += "<tr><td>\(escape(z.name))</td><td>\(escape(name))</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
            }
        }
        return h + "</table>"
    }

    /// The map block of one period: the Leaflet container, its legends and decorations.
    static func mapBlock(_ id: String, _ layers: [InteractiveMapLayer], groundWidth: Double?) -> String {
        guard let first = layers.first else { return "" }
        var h = "<div class=\"mapblock\"><div class=\"map\" id=\"\(id)\" data-layers=\"\(id)-layers\"></div>"
        h += "<div class=\"cursor\" id=\"\(id)-cursor\">Move the pointer over the map to read the class.</div>"
        h += ReportSVG.scaleAndNorth(groundWidth: groundWidth, mapPixels: 480)
        h += "<div class=\"legends\">"
        for (k, l) in layers.enumerated() {
            let entries = l.entries.map { (color: $0.color, name: $0.name, detail: "") }
            h += "<div class=\"legendbox\" data-layer=\"\(k)\"\(k == 0 ? "" : " hidden")>" + ReportSVG.legend(entries, title: l.name) + "</div>"
        }
        h += "</div></div>"
        // The layer data for the script (JSON in a script element: no network, no eval).
        struct Data: Encodable { var name: String; var width: Int; var height: Int; var png: String; var codes: String; var entries: [InteractiveMapLayer.Entry] }
        let data = layers.map { Data(name: $0.name, width: $0.width, height: $0.height, png: $0.png, codes: $0.codes, entries: $0.entries) }
        let json = (try? ReportJSON.encode(data)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
        _ = first
        return h + "<script type=\"application/json\" id=\"\(id)-layers\">\(InlineScriptText.escaped(json))</script>"
    }

    static let script = """
    (function () {
      if (typeof L === 'undefined') { throw new Error('Leaflet did not load from report-assets/leaflet/'); }
      document.querySelectorAll('.map').forEach(function (el) {
        var layers = JSON.parse(document.getElementById(el.dataset.layers).textContent);
        if (!layers.length) { return; }
        var w = layers[0].width, h = layers[0].height, bounds = [[0, 0], [h, w]];
        var map = L.map(el, { crs: L.CRS.Simple, minZoom: -3, maxZoom: 6, zoomSnap: 0.25, attributionControl: false });
        var overlays = {}, byName = {}, current = layers[0];
        layers.forEach(function (l, k) {
          var img = L.imageOverlay('data:image/png;base64,' + l.png, bounds, { className: 'classes' });
          var raw = atob(l.codes), codes = new Uint8Array(raw.length);
          for (var i = 0; i < raw.length; i++) { codes[i] = raw.charCodeAt(i); }
          l.codeArray = codes; l.index = k; byName[l.name] = l; overlays[l.name] = img;
          if (k === 0) { img.addTo(map); }
        });
        L.control.layers(overlays, null, { collapsed: false }).addTo(map);
        map.fitBounds(bounds);
        var block = el.parentNode, cursor = document.getElementById(el.id + '-cursor');
        map.on('baselayerchange', function (e) {
          current = byName[e.name];
          block.querySelectorAll('.legendbox').forEach(function (b) { b.hidden = Number(b.dataset.layer) !== current.index; });
        });
        map.on('mousemove', function (e) {
          var col = Math.floor(e.latlng.lng), row = Math.floor(h - e.latlng.lat);
          if (col < 0 || row < 0 || col >= w || row >= h) { cursor.textContent = 'outside the map'; return; }
          var code = current.codeArray[row * w + col] - 128, name = 'no data';
          current.entries.forEach(function (en) { if (en.code === code) { name = en.name; } });
          cursor.textContent = current.name + ': ' + name;
        });
      });
    })();
    """

    static func page(_ c: Content) -> String {
        let doc = c.doc
        var body = ""
        let points = doc.productivityAnnualMeans.compactMap { p in p.mean.map { (year: p.year, value: $0) } }
        if points.count >= 2 {
            body += "<h2>Mean productivity by year</h2>" + ReportSVG.yearChart(points, yLabel: "mean annual productivity (NDVI)",
                                                                              title: "mean productivity by year")
        }
        for p in doc.periods {
            let condition = c.unccd.land_condition[p.name], u = condition?.period_assessment
            // The headline is SO1-4: the baseline's own layer, a reporting period's status against the baseline (GPG v2 addendum).
            let so14 = condition.map { c in c.status_assessment.map { ($0.proportion_degraded_percent, $0.total_land_area) }
                ?? (c.period_assessment.sdg.proportion_degraded_percent, c.period_assessment.sdg.total_land_area) }
            body += "<section><h2>\(escape(p.name)) (\(p.years[0])&ndash;\(p.years[1]))</h2>"
            body += "<p class=\"headline\">Land degraded: <b>\(so14?.0.map { String(format: "%.2f %%", $0) } ?? "n/a")</b> of the land area "
                + "(\(so14.map { km2($0.1) } ?? "n/a") km&sup2; of land with data; water and no data excluded).</p>"
            if let d = p.declineExplainedByRainfallKm2 {
                body += "<p>Decline explained by rainfall: <b>\(String(format: "%.4f", d)) km&sup2;</b> (the uncorrected trajectory declines at 95 %, the climate-corrected one does not"
                    + ((p.zones ?? []).isEmpty ? ").</p>" : "; by zone: " + p.zones!.map { "\(escape($0.name)) \(String(format: "%.4f", $0.declineExplainedByRainfallKm2 ?? 0))" }.joined(separator: ", ") + ").</p>")
            }
            body += mapBlock("map-\(p.name)", c.maps[p.name] ?? [], groundWidth: c.groundWidth)
            if let u { body += "<h3>Sub-indicators</h3>" + subIndicatorTable(p, u) }
            body += classTable("Land productivity dynamics", p.productivityDynamics)
            if let cmp = p.statusVsBaseline { body += classTable("Status compared with the baseline", cmp) }
            body += transitions(p)
            if let u { body += unccdTables(u) }
            body += zoneTables(p)
            body += "</section>"
        }
        let inputs = doc.inputs.map { "<li><code>\(escape($0["path"] ?? ""))</code> <small>sha256 \($0["sha256"] ?? "")</small></li>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(c.title.title ?? "")): \(escape(c.title.area ?? ""))</title>
        <link rel="stylesheet" href="\(LeafletAssets.folder)/leaflet.css">
        <style>
        body{font-family:"DejaVu Sans",system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
        h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right;vertical-align:middle}
        th:first-child,td:first-child{text-align:left}.titleblock th,.params th{text-align:left;background:#f4f4f4}
        .titleblock td,.params td{text-align:left}.headline{font-size:1.2em}.note{font-size:.9em;color:#555}
        .mapblock{display:grid;grid-template-columns:480px 1fr;gap:.5em 1.5em;margin:1em 0}
        .map{width:480px;height:480px;border:1px solid #999;background:#fff}.cursor{grid-column:1;font-size:.9em;min-height:1.2em}
        .decorations{grid-column:1}.legends{grid-column:2;grid-row:1}
        .leaflet-image-layer.classes{image-rendering:pixelated;image-rendering:crisp-edges}
        .matrix td{min-width:4em}small{color:#777}
        @media print{.map{break-inside:avoid}section{break-before:page}details{display:block}}
        </style></head><body>
        <h1>\(escape(c.title.title ?? ""))</h1>
        \(titleBlock(c.title))
        <p>The proportion of land that is degraded over total land area, computed by \(escape(doc.tool)) following the UNCCD
        Good Practice Guidance (version 2, 2021): a pixel is degraded when any of land productivity, land cover or soil organic
        carbon is degraded (one out, all out). Grid \(doc.grid.size[0]) x \(doc.grid.size[1]) pixels in \(escape(doc.grid.crs)), pixel \(escape(c.title.pixel)).</p>
        \(body)
        <h2>Inputs</h2><ul>\(inputs)</ul>
        <p><small>Method and references: docs/ldn.md of kubuqi-monitor. Every number here is also in report.json,
        unccd-reporting.json and tables/*.csv.</small></p>
        <script src="\(LeafletAssets.folder)/leaflet.js"></script>
        <script>\(script)</script>
        </body></html>

        """
    }
}
