/// Pixel counts and ground areas per (zone, class), mergeable across
/// windows, threads and tiles. Zone 0 is "no zone"; areas are in m2.
///
/// A pixel's area (which varies by row in a geographic CRS) is rounded to
/// whole units of 0.001 m2 and the units are summed as integers, so a tally
/// has the same bits however the raster was cut into windows, chunks or
/// tiles and in whatever order the parts were merged.
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
    /// Areas per key in units of 0.001 m2.
    public private(set) var areaUnits: [Key: Int64] = [:]

    /// Area units per m2.
    public static let unitsPerSquareMetre = 1000.0

    /// Areas in m2 per key.
    public var squareMetres: [Key: Double] { areaUnits.mapValues { Double($0) / Self.unitsPerSquareMetre } }

    /// The area in m2 of one key (nil when it has none): `squareMetres[key]` without converting every
    /// key (a report asking for each zone's classes through `squareMetres` was quadratic in the zones).
    public func squareMetres(_ key: Key) -> Double? { areaUnits[key].map { Double($0) / Self.unitsPerSquareMetre } }

    /// An empty tally.
    public init() {}

    /// Counts `n` pixels of `code` in `zone`, each of `pixelArea` m2.
    public mutating func add(zone: Int = 0, code: Int, pixels n: Int = 1, pixelArea: Double) {
        // A non-finite or negative area (a pixel off the ellipsoid) counts no area.
        let units = pixelArea.isFinite && pixelArea > 0 ? Int64(saturating: (pixelArea * Self.unitsPerSquareMetre).rounded()) : 0
        add(Key(zone: zone, code: code), pixels: n, units: Int64(n) * units)
    }

    /// The area units (0.001 m2, rounded) of one pixel of `squareMetres`; 0 for a
    /// non-finite or negative area (a pixel off the ellipsoid).
    @inlinable
    public static func units(squareMetres a: Double) -> Int64 {
        a.isFinite && a > 0 ? Int64(saturating: (a * unitsPerSquareMetre).rounded()) : 0
    }

    /// Counts `n` pixels of `code` in `zone` whose areas add up to `areaUnits` (see `units(squareMetres:)`).
    public mutating func add(zone: Int = 0, code: Int, pixels n: Int, areaUnits: Int64) {
        add(Key(zone: zone, code: code), pixels: n, units: areaUnits)
    }

    private mutating func add(_ k: Key, pixels n: Int, units: Int64) {
        pixels[k, default: 0] += n
        areaUnits[k, default: 0] += units
    }

    /// Counts one row of class codes (NaN = nodata, counted under `nodataCode`),
    /// with optional zone ids per pixel.
    public mutating func addRow(codes: UnsafeBufferPointer<Float>, zones: UnsafeBufferPointer<Float>?, pixelArea: Double, nodataCode: Int) {
        guard let zones else {
            let units = Self.units(squareMetres: pixelArea)
            var counts = CodeCounts()
            counts.add(count: codes.count, areaUnits: { _ in units }, code: { i in Self.code(codes[i], nodataCode: nodataCode) })
            add(counts)
            return
        }
        // Count locally by (zone, code) first, then fold in.
        var local: [Key: Int] = [:]
        for i in 0..<codes.count {
            local[Key(zone: Int(saturating: zones[i]), code: Self.code(codes[i], nodataCode: nodataCode)), default: 0] += 1
        }
        for (k, n) in local { add(zone: k.zone, code: k.code, pixels: n, pixelArea: pixelArea) }
    }

    /// Counts one row of class codes (NaN = nodata, counted under `nodataCode`)
    /// with each pixel's own area in m2 (`pixelAreas[i]`, true areas vary
    /// along a row in most projections) and optional zone ids per pixel.
    public mutating func addRow(codes: UnsafeBufferPointer<Float>, zones: UnsafeBufferPointer<Float>?,
                                pixelAreas: UnsafeBufferPointer<Double>, nodataCode: Int) {
        precondition(pixelAreas.count >= codes.count, "one area per pixel")
        guard let zones else {
            var counts = CodeCounts()
            counts.add(count: codes.count, areaUnits: { i in Self.units(squareMetres: pixelAreas[i]) },
                       code: { i in Self.code(codes[i], nodataCode: nodataCode) })
            add(counts)
            return
        }
        var local: [Key: (Int, Int64)] = [:]
        for i in 0..<codes.count {
            let key = Key(zone: Int(saturating: zones[i]), code: Self.code(codes[i], nodataCode: nodataCode))
            local[key, default: (0, 0)].0 += 1
            local[key, default: (0, 0)].1 += Self.units(squareMetres: pixelAreas[i])
        }
        for (k, v) in local { add(k, pixels: v.0, units: v.1) }
    }

    /// The class code of a stored value: NaN is `nodataCode`, others convert saturating.
    @inlinable
    public static func code(_ value: Float, nodataCode: Int) -> Int {
        value.isNaN ? nodataCode : Int(saturating: value)
    }

    /// Adds a window's dense counts (see `CodeCounts`) under `zone`.
    public mutating func add(_ counts: CodeCounts, zone: Int = 0) {
        counts.forEach { code, n, units in add(Key(zone: zone, code: code), pixels: n, units: units) }
    }

    private enum CodingKeys: String, CodingKey { case pixels, areaUnits, squareMetres }

    /// Decodes a tally; one written before areas were integer units (with
    /// `squareMetres` in Double) is converted to units.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pixels = try c.decode([Key: Int].self, forKey: .pixels)
        if let units = try c.decodeIfPresent([Key: Int64].self, forKey: .areaUnits) {
            areaUnits = units
        } else {
            let legacy = try c.decode([Key: Double].self, forKey: .squareMetres)
            areaUnits = legacy.mapValues { Int64(saturating: ($0 * Self.unitsPerSquareMetre).rounded()) }
        }
    }

    /// Encodes pixels and area units.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pixels, forKey: .pixels)
        try c.encode(areaUnits, forKey: .areaUnits)
    }

    /// Adds another tally.
    public mutating func merge(_ other: ClassAreaTally) {
        for (k, n) in other.pixels { pixels[k, default: 0] += n }
        for (k, a) in other.areaUnits { areaUnits[k, default: 0] += a }
    }

    /// Keys in zone-then-code order (deterministic for reports).
    public var sortedKeys: [Key] { pixels.keys.sorted() }

    /// The tally summed over zones, per class code.
    public var byClass: ClassAreaTally {
        var t = ClassAreaTally()
        for k in sortedKeys { t.add(Key(zone: 0, code: k.code), pixels: pixels[k]!, units: areaUnits[k] ?? 0) }
        return t
    }
}
