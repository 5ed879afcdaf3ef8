/// Pixel counts and ground areas per (zone, class), mergeable across
/// windows, threads and tiles. Zone 0 is "no zone"; areas are in m2, summed
/// in `Double` from per-pixel areas (which vary by row in geographic CRS).
public struct ClassAreaTally: Sendable, Hashable, Codable {
    /// A (zone, class) key.
    public struct Key: Sendable, Hashable, Codable, Comparable {
        /// Zone id (0 when no zones are used or the pixel is outside every zone).
        public var zone: Int
        /// Class code.
        public var code: Int
        /// Creates a key.
        public init(zone: Int, code: Int) { self.zone = zone; self.code = code }
        /// Zone first, then class code.
        public static func < (a: Key, b: Key) -> Bool { (a.zone, a.code) < (b.zone, b.code) }
    }

    /// Counts per key.
    public private(set) var pixels: [Key: Int] = [:]
    /// Areas in m2 per key.
    public private(set) var squareMetres: [Key: Double] = [:]

    /// An empty tally.
    public init() {}

    /// Counts `n` pixels of `code` in `zone`, each of `pixelArea` m2.
    public mutating func add(zone: Int = 0, code: Int, pixels n: Int = 1, pixelArea: Double) {
        let k = Key(zone: zone, code: code)
        pixels[k, default: 0] += n
        squareMetres[k, default: 0] += Double(n) * pixelArea
    }

    /// Counts one row of class codes (NaN = nodata, counted under `nodataCode`),
    /// with optional zone ids per pixel.
    public mutating func addRow(codes: UnsafeBufferPointer<Float>, zones: UnsafeBufferPointer<Float>?, pixelArea: Double, nodataCode: Int) {
        // Count locally by small integer code first (classes are few), then fold in.
        var local: [Key: Int] = [:]
        for i in 0..<codes.count {
            let c = codes[i]
            let code = c.isNaN ? nodataCode : Int(c)
            let zone = zones.map { z in z[i].isNaN ? 0 : Int(z[i]) } ?? 0
            local[Key(zone: zone, code: code), default: 0] += 1
        }
        for (k, n) in local { add(zone: k.zone, code: k.code, pixels: n, pixelArea: pixelArea) }
    }

    /// Adds another tally.
    public mutating func merge(_ other: ClassAreaTally) {
        for (k, n) in other.pixels { pixels[k, default: 0] += n }
        for (k, a) in other.squareMetres { squareMetres[k, default: 0] += a }
    }

    /// Keys in zone-then-code order (deterministic for reports).
    public var sortedKeys: [Key] { pixels.keys.sorted() }

    /// The tally summed over zones, per class code.
    public var byClass: ClassAreaTally {
        var t = ClassAreaTally()
        for k in sortedKeys { t.add(zone: 0, code: k.code, pixels: pixels[k]!, pixelArea: 0); t.squareMetres[Key(zone: 0, code: k.code), default: 0] += squareMetres[k]! }
        return t
    }
}
