/// The shape of a planted patch, in whole pixels.
public enum PatchShape: Sendable, Hashable {
    /// A rectangle of `width` x `height` pixels.
    case rectangle(width: Int, height: Int)
    /// The pixels whose centres lie within `radius` pixels of the centre pixel's
    /// centre (dx*dx + dy*dy <= radius*radius), a (2r+1)-pixel square bounding box.
    case disc(radius: Int)

    /// Width of the bounding box in pixels.
    public var width: Int {
        switch self {
        case let .rectangle(w, _): return w
        case let .disc(r): return 2 * r + 1
        }
    }

    /// Height of the bounding box in pixels.
    public var height: Int {
        switch self {
        case let .rectangle(_, h): return h
        case let .disc(r): return 2 * r + 1
        }
    }

    /// Whether the pixel at (`dx`, `dy`) from the bounding box's top-left pixel is inside.
    public func contains(dx: Int, dy: Int) -> Bool {
        guard dx >= 0, dy >= 0, dx < width, dy < height else { return false }
        switch self {
        case .rectangle: return true
        case let .disc(r):
            let x = dx - r, y = dy - r
            return x * x + y * y <= r * r
        }
    }

    /// The number of pixels in the shape (exact, counted).
    public var pixelCount: Int {
        switch self {
        case let .rectangle(w, h): return w * h
        case .disc:
            var n = 0
            for dy in 0..<height { for dx in 0..<width where contains(dx: dx, dy: dy) { n += 1 } }
            return n
        }
    }

    /// `rectangle` or `disc`.
    public var name: String {
        switch self {
        case .rectangle: return "rectangle"
        case .disc: return "disc"
        }
    }

    /// `rectangle 24x25` or `disc r=12`.
    public var label: String {
        switch self {
        case let .rectangle(w, h): return "rectangle \(w)x\(h)"
        case let .disc(r): return "disc r=\(r)"
        }
    }
}
