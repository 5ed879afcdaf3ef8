import Foundation

/// A class map drawn for people: the map, a legend with each class's colour
/// and area, a scale bar and a north arrow.
public struct ClassMapQuicklook: Sendable {
    /// One legend entry.
    public struct Entry: Sendable {
        /// The class code in the map.
        public var code: Int16
        /// The class name.
        public var name: String
        /// Its colour.
        public var color: Canvas.Color
        /// Text after the name (e.g. the area).
        public var detail: String
        /// Creates an entry.
        public init(code: Int16, name: String, color: Canvas.Color, detail: String = "") {
            self.code = code; self.name = name; self.color = color; self.detail = detail
        }
    }

    /// Map title.
    public var title: String
    /// Lines under the title, in small type (dates, what the classes mean).
    public var subtitle: [String]
    /// Legend entries (colour per class code).
    public var entries: [Entry]
    /// Colour for nodata pixels.
    public var nodataColor = Canvas.Color(255, 255, 255)

    /// Creates a quicklook description.
    public init(title: String, subtitle: [String] = [], entries: [Entry]) {
        self.title = title
        self.subtitle = subtitle
        self.entries = entries
    }

    /// Draws `codes` (a `width` x `height` decimated class map, row-major)
    /// whose pixels are `pixelSize` metres wide on the ground.
    public func render(codes: [Int16], width: Int, height: Int, pixelSize: Double) -> Canvas {
        let scale = max(1, min(4, 700 / max(width, height)))
        let mapW = width * scale, mapH = height * scale
        let margin = 20, legendW = 340, titleH = 40 + subtitle.count * 12
        let legendH = 28 + entries.count * 34 + titleH + margin
        let textW = ([Canvas.textWidth(title)] + subtitle.map { Canvas.textWidth($0, scale: 1) }).max()!
        var c = Canvas(width: max(margin * 3 + mapW + legendW, textW + 2 * margin),
                       height: max(mapH + titleH + margin * 2 + 30, legendH))
        c.text(title, x: margin, y: margin / 2 + 2, scale: 2)
        for (i, line) in subtitle.enumerated() { c.text(line, x: margin, y: margin / 2 + 22 + i * 12, scale: 1, .grey) }
        let colors = Dictionary(uniqueKeysWithValues: entries.map { ($0.code, $0.color) })
        let top = titleH
        for y in 0..<height {
            for x in 0..<width {
                let col = colors[codes[y * width + x]] ?? nodataColor
                c.fill(x: margin + x * scale, y: top + y * scale, width: scale, height: scale, col)
            }
        }
        c.stroke(x: margin - 1, y: top - 1, width: mapW + 2, height: mapH + 2, .black)

        // North arrow (rasters are north-up), top-right inside the map.
        let ax = margin + mapW - 24, ay = top + 10
        c.fill(x: ax - 11, y: ay - 4, width: 24, height: 44, Canvas.Color(255, 255, 255, 255))
        c.triangle([(ax, ay), (ax - 8, ay + 22), (ax + 8, ay + 22)], .black)
        c.text("N", x: ax - 4, y: ay + 25, scale: 2)

        // Scale bar: a round length near a quarter of the map width.
        let groundWidth = Double(width) * pixelSize
        let target = groundWidth / 4
        let magnitude = pow(10, floor(log10(max(target, 1e-9))))
        let nice = [1.0, 2.0, 5.0].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        // A pixel size that is not a positive finite length (no or a broken geotransform) draws no bar.
        let barPixels = pixelSize.isFinite && pixelSize > 0 ? min(mapW, max(0, Int(saturating: (nice / pixelSize * Double(scale)).rounded()))) : 0
        let by = top + mapH + 14
        c.fill(x: margin, y: by, width: barPixels, height: 6, .black)
        c.fill(x: margin + barPixels / 2, y: by + 1, width: barPixels - barPixels / 2, height: 4, .white)
        let label = nice >= 1000 ? "\(Self.trim(nice / 1000)) KM" : "\(Self.trim(nice)) M"
        c.text(label, x: margin + barPixels + 8, y: by - 3, scale: 2)

        // Legend.
        let lx = margin * 2 + mapW
        c.text("LEGEND", x: lx, y: top, scale: 2)
        for (i, e) in entries.enumerated() {
            let y = top + 28 + i * 34
            c.fill(x: lx, y: y, width: 20, height: 16, e.color)
            c.stroke(x: lx, y: y, width: 20, height: 16, .grey)
            c.text(e.name, x: lx + 28, y: y + 2, scale: 2)
            if !e.detail.isEmpty { c.text(e.detail, x: lx + 28, y: y + 2 + 16, scale: 1, .grey) }
        }
        return c
    }

    static func trim(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.1f", v) }
}
