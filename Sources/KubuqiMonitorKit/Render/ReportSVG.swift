import Foundation

/// The SVG pieces of the HTML reports (charts, legends, scale bar, north arrow): vector, so
/// they stay crisp at any zoom and in print; text in the page's own font.
enum ReportSVG {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A legend: one swatch and name (and detail) per row, nodata included by the caller.
    static func legend(_ entries: [(color: String, name: String, detail: String)], title: String) -> String {
        let rowH = 22.0, h = 28 + rowH * Double(entries.count)
        var s = "<svg class=\"legend\" width=\"360\" height=\"\(Int(h))\" viewBox=\"0 0 360 \(Int(h))\" role=\"img\" aria-label=\"legend: \(escape(title))\">"
        s += "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        for (i, e) in entries.enumerated() {
            let y = 26 + rowH * Double(i)
            s += "<rect x=\"0\" y=\"\(f(y))\" width=\"22\" height=\"16\" fill=\"\(e.color)\" stroke=\"#555\" stroke-width=\"0.8\"/>"
            s += "<text x=\"30\" y=\"\(f(y + 13))\" font-size=\"13\">\(escape(e.name))"
            if !e.detail.isEmpty { s += "<tspan fill=\"#555\" font-size=\"12\"> \(escape(e.detail))</tspan>" }
            s += "</text>"
        }
        return s + "</svg>"
    }

    /// A scale bar of a round length near a quarter of the map's ground width, and a north arrow,
    /// side by side under the map (never over it). `groundWidth` is the map's width in metres,
    /// drawn `mapPixels` wide; nil (not projected in metres) draws the arrow only.
    static func scaleAndNorth(groundWidth: Double?, mapPixels: Double) -> String {
        var s = "<svg class=\"decorations\" width=\"\(Int(mapPixels))\" height=\"48\" viewBox=\"0 0 \(Int(mapPixels)) 48\" role=\"img\" aria-label=\"scale bar and north arrow\">"
        if let g = groundWidth, g.isFinite, g > 0 {
            let target = g / 4
            let magnitude = pow(10, floor(log10(target)))
            let nice = [1.0, 2.0, 5.0].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
            let bar = nice / g * mapPixels
            s += "<rect x=\"4\" y=\"14\" width=\"\(f(bar / 2))\" height=\"8\" fill=\"#000\"/>"
            s += "<rect x=\"\(f(4 + bar / 2))\" y=\"14\" width=\"\(f(bar / 2))\" height=\"8\" fill=\"#fff\" stroke=\"#000\"/>"
            s += "<text x=\"4\" y=\"38\" font-size=\"12\">0</text>"
            let label = nice >= 1000 ? "\(trim(nice / 1000)) km" : "\(trim(nice)) m"
            s += "<text x=\"\(f(4 + bar))\" y=\"38\" font-size=\"12\" text-anchor=\"middle\">\(label)</text>"
        }
        let ax = mapPixels - 20
        s += "<polygon points=\"\(f(ax)),4 \(f(ax - 8)),28 \(f(ax)),22 \(f(ax + 8)),28\" fill=\"#000\"/>"
        s += "<text x=\"\(f(ax))\" y=\"44\" font-size=\"13\" text-anchor=\"middle\" font-weight=\"bold\">N</text>"
        return s + "</svg>"
    }

    static func trim(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.1f", v) }

    /// Round tick values covering `lo...hi` (about 5 of them).
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let span = max(hi - lo, 1e-9)
        let raw = span / 5, mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var v = (lo / step).rounded(.down) * step
        while v <= hi + step * 1e-6 { out.append(v); v += step }
        return out
    }

    /// A line chart of one value per year with labelled axes, every year marked on the x axis,
    /// and an honest y axis: from 0 (or below, for negative values) to a round number above the data.
    static func yearChart(_ points: [(year: Int, value: Double)], yLabel: String, title: String) -> String {
        guard let first = points.first, let last = points.last else { return "" }
        let (w, h) = (720.0, 300.0)
        let (left, right, top, bottom) = (70.0, 20.0, 20.0, 60.0)
        let lo = min(0, points.map(\.value).min()!), hiData = max(points.map(\.value).max()!, lo + 1e-9)
        let tickValues = ticks(lo, hiData)
        let hi = max(tickValues.last!, hiData)
        let x0 = Double(first.year), x1 = Double(max(last.year, first.year + 1))
        func px(_ y: Int) -> Double { left + (Double(y) - x0) / (x1 - x0) * (w - left - right) }
        func py(_ v: Double) -> Double { h - bottom - (v - lo) / (hi - lo) * (h - top - bottom) }
        var s = "<svg class=\"chart\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escape(title))\">"
        for t in tickValues {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(w - right))\" y1=\"\(f(py(t)))\" y2=\"\(f(py(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" font-size=\"12\" text-anchor=\"end\">\(String(format: "%g", (t * 1e6).rounded() / 1e6))</text>"
        }
        s += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(h - bottom))\" stroke=\"#000\"/>"
        s += "<line x1=\"\(f(left))\" x2=\"\(f(w - right))\" y1=\"\(f(h - bottom))\" y2=\"\(f(h - bottom))\" stroke=\"#000\"/>"
        let rotate = points.count > 12
        for y in first.year...last.year {
            let x = px(y)
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(h - bottom))\" y2=\"\(f(h - bottom + 5))\" stroke=\"#000\"/>"
            s += rotate
                ? "<text x=\"\(f(x))\" y=\"\(f(h - bottom + 16))\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-60 \(f(x)) \(f(h - bottom + 16)))\">\(y)</text>"
                : "<text x=\"\(f(x))\" y=\"\(f(h - bottom + 18))\" font-size=\"12\" text-anchor=\"middle\">\(y)</text>"
        }
        s += "<text x=\"\(f((left + w - right) / 2))\" y=\"\(f(h - 6))\" font-size=\"13\" text-anchor=\"middle\">year</text>"
        s += "<text x=\"16\" y=\"\(f((top + h - bottom) / 2))\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f((top + h - bottom) / 2)))\">\(escape(yLabel))</text>"
        let path = points.map { "\(f(px($0.year))),\(f(py($0.value)))" }.joined(separator: " ")
        s += "<polyline fill=\"none\" stroke=\"#2d6a4f\" stroke-width=\"2\" points=\"\(path)\"/>"
        for p in points {
            s += "<circle cx=\"\(f(px(p.year)))\" cy=\"\(f(py(p.value)))\" r=\"3\" fill=\"#2d6a4f\"><title>\(p.year): \(String(format: "%.4f", p.value))</title></circle>"
        }
        return s + "</svg>"
    }

    /// A horizontal stacked bar of percentages (0-100 %, the full width), with the scale marked.
    static func stackedBar(_ parts: [(name: String, percent: Double, color: String)]) -> String {
        var x = 0.0
        var s = "<svg class=\"bar\" width=\"300\" height=\"30\" viewBox=\"0 0 300 30\" role=\"img\" aria-label=\"shares of the land area\">"
        for p in parts {
            let w = 3 * max(0, p.percent)
            s += "<rect x=\"\(f(x))\" y=\"2\" width=\"\(f(w))\" height=\"16\" fill=\"\(p.color)\" stroke=\"#777\" stroke-width=\"0.5\"><title>\(escape(p.name)) \(String(format: "%.2f", p.percent)) %</title></rect>"
            x += w
        }
        s += "<text x=\"0\" y=\"29\" font-size=\"9\">0 %</text><text x=\"150\" y=\"29\" font-size=\"9\" text-anchor=\"middle\">50 %</text><text x=\"300\" y=\"29\" font-size=\"9\" text-anchor=\"end\">100 %</text>"
        return s + "</svg>"
    }
}
