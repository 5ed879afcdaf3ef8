import CFreeType
import Foundation

/// A TrueType font opened with FreeType, for the text of PNG quicklooks: DejaVu Sans from
/// Debian's fonts-dejavu-core (`KUBUQI_FONT` names another file). Glyphs are rendered
/// anti-aliased (8-bit coverage) and blended into a `Canvas`.
final class FontFace: @unchecked Sendable {
    /// The default font file.
    static var defaultPath: String {
        ProcessInfo.processInfo.environment["KUBUQI_FONT"] ?? "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    }

    /// A glyph's coverage bitmap and metrics, in pixels.
    struct Glyph {
        var width: Int, rows: Int, left: Int, top: Int, advance: Int
        var coverage: [UInt8]
    }

    private var library: FT_Library?
    private var face: FT_Face?
    private let lock = NSLock()
    private var cache: [String: Glyph] = [:]
    /// The font file.
    let path: String

    private static let sharedLock = NSLock()
    nonisolated(unsafe) private static var opened: [String: FontFace] = [:]

    /// The font at `path` (opened once per process).
    static func shared(_ path: String = defaultPath) throws -> FontFace {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let f = opened[path] { return f }
        let f = try FontFace(path: path)
        opened[path] = f
        return f
    }

    init(path: String) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw KubuqiError(.input, "\(path): the quicklook font is missing (install Debian's fonts-dejavu-core, or set KUBUQI_FONT to a TrueType file)")
        }
        guard FT_Init_FreeType(&library) == 0, let library else { throw KubuqiError(.internal, "FreeType did not initialise") }
        guard FT_New_Face(library, path, 0, &face) == 0, face != nil else {
            FT_Done_FreeType(library)
            throw KubuqiError(.input, "\(path): FreeType cannot read this font file")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// The glyph of `c` at `size` pixels (em height).
    func glyph(_ c: Character, size: Int) -> Glyph {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(size)/\(c)"
        if let g = cache[key] { return g }
        var g = Glyph(width: 0, rows: 0, left: 0, top: 0, advance: size / 2, coverage: [])
        if let face, let scalar = c.unicodeScalars.first {
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
            if FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_RENDER)) == 0, let slot = face.pointee.glyph {
                let bm = slot.pointee.bitmap
                g.width = Int(bm.width)
                g.rows = Int(bm.rows)
                g.left = Int(slot.pointee.bitmap_left)
                g.top = Int(slot.pointee.bitmap_top)
                g.advance = Int(slot.pointee.advance.x >> 6)
                if let buffer = bm.buffer, g.width > 0, g.rows > 0 {
                    let pitch = Int(bm.pitch)
                    g.coverage = (0..<g.rows).flatMap { r in (0..<g.width).map { buffer[r * pitch + $0] } }
                }
            }
        }
        cache[key] = g
        return g
    }

    /// The ascender (baseline below the top of the line) at `size`.
    func ascent(size: Int) -> Int { Int((Double(size) * 0.93).rounded()) }

    /// The advance width of `text` at `size`.
    func width(_ text: String, size: Int) -> Int { text.reduce(0) { $0 + glyph($1, size: size).advance } }
}

extension Canvas {
    /// Draws `text` with `font` at `size` pixels, its line's top-left corner at (x, y), anti-aliased.
    public mutating func text(_ text: String, x: Int, y: Int, size: Int, font: FontFaceHandle, _ c: Color = .black) {
        var pen = x
        let baseline = y + font.face.ascent(size: size)
        for ch in text {
            let g = font.face.glyph(ch, size: size)
            for r in 0..<g.rows {
                for col in 0..<g.width {
                    let a = g.coverage[r * g.width + col]
                    if a > 0 { blend(pen + g.left + col, baseline - g.top + r, c, alpha: a) }
                }
            }
            pen += g.advance
        }
    }

    /// Mixes `c` over pixel (x, y) with coverage `alpha` (0-255).
    mutating func blend(_ x: Int, _ y: Int, _ c: Color, alpha: UInt8) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 4, a = Int(alpha)
        func mix(_ under: UInt8, _ over: UInt8) -> UInt8 { UInt8((Int(over) * a + Int(under) * (255 - a) + 127) / 255) }
        set(x, y, Color(mix(pixels[i], c.r), mix(pixels[i + 1], c.g), mix(pixels[i + 2], c.b)))
    }
}

/// A font for `Canvas.text` (FreeType's face, opened by `FontFaceHandle.load`).
public struct FontFaceHandle: @unchecked Sendable {
    let face: FontFace
    /// DejaVu Sans (or `KUBUQI_FONT`); fails with one line naming the missing file and package.
    public static func load() throws -> FontFaceHandle { FontFaceHandle(face: try FontFace.shared()) }
    /// Width in pixels of `text` at `size`.
    public func width(_ text: String, size: Int) -> Int { face.width(text, size: size) }
}
