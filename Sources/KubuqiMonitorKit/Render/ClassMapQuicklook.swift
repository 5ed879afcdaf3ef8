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

    /// Text sizes in pixels: title, legend and labels, small print.
    static let titleSize = 20, labelSize = 15, smallSize = 12

    /// Draws `codes` (a `width` x `height` decimated class map, row-major)
    /// whose pixels are `pixelSize` metres wide on the ground. Text is drawn by FreeType in
    /// DejaVu Sans; the north arrow and the scale bar sit outside the map (right of it and under
    /// it), so they never cover it whatever the grid's size.
    public func render(codes: [Int16], width: Int, height: Int, pixelSize: Double) throws -> Canvas {
        let font = try FontFaceHandle.load()
        let scale = max(1, min(4, 700 / max(width, height)))
        let mapW = width * scale, mapH = height * scale
        let margin = 20, arrowW = 40
        let titleH = 34 + subtitle.count * 16
        let legendW = max(220, (entries.map { max(font.width($0.name, size: Self.labelSize), font.width($0.detail, size: Self.smallSize)) }.max() ?? 0) + 40)
        let legendH = 30 + entries.count * 40
        let textW = ([font.width(title, size: Self.titleSize)] + subtitle.map { font.width($0, size: Self.smallSize) }).max()!
        let scaleH = 44
        var c = Canvas(width: max(margin * 2 + mapW + arrowW + legendW + margin, textW + 2 * margin),
                       height: titleH + max(mapH + scaleH, legendH) + margin)
        c.text(title, x: margin, y: 8, size: Self.titleSize, font: font)
        for (i, line) in subtitle.enumerated() { c.text(line, x: margin, y: 34 + i * 16, size: Self.smallSize, font: font, .grey) }
        let colors = Dictionary(uniqueKeysWithValues: entries.map { ($0.code, $0.color) })
        let top = titleH
        for y in 0..<height {
            for x in 0..<width {
                let col = colors[codes[y * width + x]] ?? nodataColor
                c.fill(x: margin + x * scale, y: top + y * scale, width: scale, height: scale, col)
            }
        }
        c.stroke(x: margin - 1, y: top - 1, width: mapW + 2, height: mapH + 2, .black)

        // North arrow (rasters are north-up), right of the map's top corner.
        let ax = margin + mapW + arrowW / 2, ay = top + 2
        c.triangle([(ax, ay), (ax - 8, ay + 22), (ax + 8, ay + 22)], .black)
        c.text("N", x: ax - font.width("N", size: Self.labelSize) / 2, y: ay + 24, size: Self.labelSize, font: font)

        // Scale bar under the map: a round length near a quarter of the map width.
        let groundWidth = Double(width) * pixelSize
        let target = groundWidth / 4
        let magnitude = pow(10, floor(log10(max(target, 1e-9))))
        let nice = [1.0, 2.0, 5.0].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        // A pixel size that is not a positive finite length (no or a broken geotransform) draws no bar.
        let barPixels = pixelSize.isFinite && pixelSize > 0 ? min(mapW, max(0, Int(saturating: (nice / pixelSize * Double(scale)).rounded()))) : 0
        if barPixels > 0 {
            let by = top + mapH + 12
            c.fill(x: margin, y: by, width: barPixels, height: 6, .black)
            c.fill(x: margin + barPixels / 2, y: by + 1, width: barPixels - barPixels / 2 - 1, height: 4, .white)
            let label = nice >= 1000 ? "\(Self.trim(nice / 1000)) km" : "\(Self.trim(nice)) m"
            // "0" under the bar's start and the length under its end, or right of the bar when they would touch.
            let labelW = font.width(label, size: Self.smallSize), zeroW = font.width("0 ", size: Self.smallSize)
            c.text("0", x: margin, y: by + 10, size: Self.smallSize, font: font)
            if barPixels - labelW / 2 >= zeroW {
                c.text(label, x: margin + barPixels - labelW / 2, y: by + 10, size: Self.smallSize, font: font)
            } else {
                c.text(label, x: margin + barPixels + 6, y: by - 4, size: Self.smallSize, font: font)
            }
        }

        // Legend, right of the arrow.
        let lx = margin + mapW + arrowW + margin
        c.text("Legend", x: lx, y: top, size: Self.labelSize, font: font)
        for (i, e) in entries.enumerated() {
            let y = top + 28 + i * 40
            c.fill(x: lx, y: y, width: 22, height: 16, e.color)
            c.stroke(x: lx, y: y, width: 22, height: 16, .grey)
            c.text(e.name, x: lx + 30, y: y - 1, size: Self.labelSize, font: font)
            if !e.detail.isEmpty { c.text(e.detail, x: lx + 30, y: y + 18, size: Self.smallSize, font: font, .grey) }
        }
        return c
    }

    static func trim(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.1f", v) }
}
