import Foundation
import KubuqiGDAL

/// One class layer of a report's interactive map: the classes drawn one image pixel per
/// (decimated) grid pixel as PNG, and the codes themselves, so the page can name the class
/// under the cursor. Both embedded in the page as base64.
struct InteractiveMapLayer: Sendable {
    /// One class: code, name, colour.
    struct Entry: Codable, Sendable { var code: Int; var name: String; var color: String }

    /// The layer's name in the layer switcher.
    var name: String
    /// Size of the image (the grid decimated to at most `maximumSide` pixels a side).
    var width: Int, height: Int
    /// PNG, base64.
    var png: String
    /// The codes, Int8 offset by 128 (nodata: 255), base64.
    var codes: String
    /// Legend, nodata last.
    var entries: [Entry]

    /// The longest side drawn (the map's memory stays that of the small image).
    static let maximumSide = 400
    /// Colour and name of nodata (water, outside the data) in every map and legend.
    static let nodataColor = (r: UInt8(200), g: UInt8(200), b: UInt8(200))
    static let nodataName = "no data (water, masked or outside the inputs)"

    static func hex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> String { String(format: "#%02x%02x%02x", r, g, b) }

    /// Reads `path` band 1 decimated and draws it with `legend`.
    init(name: String, path: String, legend: [ClassLegend.Entry]) throws {
        let band = try Dataset.open(path).band(1)
        let grid = band.dataset.grid
        let factor = max(1, (max(grid.width, grid.height) + Self.maximumSide - 1) / Self.maximumSide)
        let w = max(1, grid.width / factor), h = max(1, grid.height / factor)
        let values = try band.readDecimated(width: w, height: h)
        let nodata = band.nodata
        var colors: [Int: (UInt8, UInt8, UInt8)] = [:]
        for e in legend { colors[e.value] = e.rgb }
        var rgba = [UInt8](repeating: 255, count: w * h * 4)
        var codes = [UInt8](repeating: 255, count: w * h)
        for i in 0..<(w * h) {
            let v = values[i]
            var c = (Self.nodataColor.r, Self.nodataColor.g, Self.nodataColor.b)
            if v.isFinite, Double(v) != nodata, let code = Int(exactly: v.rounded()), let col = colors[code], (-128...126).contains(code) {
                c = col
                codes[i] = UInt8(code + 128)
            }
            rgba[4 * i] = c.0; rgba[4 * i + 1] = c.1; rgba[4 * i + 2] = c.2
        }
        self.name = name
        width = w
        height = h
        png = try ImageWriter.pngData(width: w, height: h, rgba: rgba).base64EncodedString()
        self.codes = Data(codes).base64EncodedString()
        entries = legend.map { Entry(code: $0.value, name: $0.name, color: Self.hex($0.rgb.0, $0.rgb.1, $0.rgb.2)) }
            + [Entry(code: 127, name: Self.nodataName, color: Self.hex(Self.nodataColor.r, Self.nodataColor.g, Self.nodataColor.b))]
    }
}
