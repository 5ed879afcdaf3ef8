/// An RGBA raster image in memory for quicklooks: filled rectangles, lines,
/// triangles, and text drawn by FreeType (`FontFace.swift`). Written out as PNG by
/// `ImageWriter` in KubuqiGDAL.
public struct Canvas: Sendable {
    /// An opaque RGB colour.
    public struct Color: Sendable, Hashable {
        /// Components 0-255.
        public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
        /// Creates a colour.
        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) { self.r = r; self.g = g; self.b = b; self.a = a }
        /// White.
        public static let white = Color(255, 255, 255)
        /// Black.
        public static let black = Color(0, 0, 0)
        /// Mid grey.
        public static let grey = Color(140, 140, 140)
    }

    /// Size in pixels.
    public let width: Int, height: Int
    /// RGBA bytes, row-major.
    public private(set) var pixels: [UInt8]

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        pixels = Array(repeating: 0, count: width * height * 4)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// Sets one pixel (ignored outside the canvas).
    public mutating func set(_ x: Int, _ y: Int, _ c: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 4
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b; pixels[i + 3] = c.a
    }

    /// Fills a rectangle.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ c: Color) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { set(xx, yy, c) } }
    }

    /// Draws a rectangle's outline.
    public mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, _ c: Color) {
        fill(x: x, y: y, width: w, height: 1, c); fill(x: x, y: y + h - 1, width: w, height: 1, c)
        fill(x: x, y: y, width: 1, height: h, c); fill(x: x + w - 1, y: y, width: 1, height: h, c)
    }

    /// A filled triangle (for the north arrow), by scanlines.
    public mutating func triangle(_ p: [(Int, Int)], _ c: Color) {
        let ys = p.map(\.1)
        for y in ys.min()!...ys.max()! {
            var xs: [Double] = []
            for i in 0..<3 {
                let (x1, y1) = p[i], (x2, y2) = p[(i + 1) % 3]
                if (y1 <= y && y < y2) || (y2 <= y && y < y1) {
                    xs.append(Double(x1) + Double(y - y1) * Double(x2 - x1) / Double(y2 - y1))
                }
            }
            if xs.count >= 2 { fill(x: Int(xs.min()!.rounded()), y: y, width: Int((xs.max()! - xs.min()!).rounded()) + 1, height: 1, c) }
        }
    }
}
