import Foundation
import KubuqiRaster

/// Pixel counts and areas per class and per zone, accumulated window by
/// window and mergeable, with percentages computed at the end: the area
/// tables of SDG 15.3.1 reporting (km² and % of land degraded, stable and
/// improved per sub-indicator, per administrative unit...).
///
/// - Areas come from a per-pixel area buffer in km² (or one area per row:
///   in a geographic CRS the pixel area changes with latitude only). They are
///   summed as integers of 10⁻⁹ km² (0.001 m²), so tables merged in any order
///   have the same bits and print the same bytes.
/// - Zones are optional Int32 ids (0 when none); pixels whose zone is
///   `zoneNodata` are skipped.
/// - The nodata class (−32768) is counted and reported but left out of the
///   percentages, which are shares of the zone's valid area (of its valid
///   pixel count when no areas were given).
/// - Rows come out sorted by zone, then class.
public struct AreaTable: Sendable, Hashable, Codable {
    /// Area units per km² of the integer sums.
    public static let unitsPerKm2 = 1e9

    /// One (zone, class) cell.
    public struct Key: Sendable, Hashable, Comparable, Codable {
        /// Zone id (0 without zones).
        public let zone: Int32
        /// Class value.
        public let classValue: Int16
        /// A key.
        public init(zone: Int32, classValue: Int16) {
            self.zone = zone
            self.classValue = classValue
        }
        /// Zone first, then class.
        public static func < (a: Key, b: Key) -> Bool { (a.zone, a.classValue) < (b.zone, b.classValue) }
    }

    /// One line of the finished table.
    public struct Row: Sendable, Hashable, Codable {
        /// Zone id.
        public let zone: Int32
        /// Class value.
        public let classValue: Int16
        /// Pixels.
        public let count: Int
        /// Area in km².
        public let areaKm2: Double
        /// Share of the zone's valid area in % (nil for the nodata class).
        public let percent: Double?
    }

    /// Pixels per cell.
    public private(set) var counts: [Key: Int] = [:]
    /// Area per cell in 10⁻⁹ km².
    public private(set) var areaUnits: [Key: Int64] = [:]

    /// An empty table.
    public init() {}

    /// An area in km2 as whole units of 10⁻⁹ km² (rounded), as the table adds it up.
    @inline(__always)
    public static func units(_ km2: Double) -> Int64 {
        guard km2.isFinite && km2 > 0 else { return 0 }
        let x = km2 * unitsPerKm2
        guard x < 0x1p52 else { return Int64(x.rounded()) }
        // x.rounded() (half away from zero) without libm's `round` call (once per pixel and layer in the
        // tallies): below 2^52 the truncation t and the fraction x − t are exact.
        let t = Int64(x)
        return x - Double(t) >= 0.5 ? t + 1 : t
    }

    /// Counts one pixel (or `count` pixels of `areaKm2` each).
    public mutating func add(zone: Int32 = 0, classValue: Int16, count: Int = 1, areaKm2: Double = 0) {
        let k = Key(zone: zone, classValue: classValue)
        counts[k, default: 0] += count
        areaUnits[k, default: 0] += Int64(count) * Self.units(areaKm2)
    }

    /// Counts every pixel of a window: `classes` per pixel, optional `zones`
    /// per pixel, optional `pixelAreaKm2` per pixel (nil: counts only).
    public mutating func add(
        classes: UnsafeBufferPointer<Int16>, zones: UnsafeBufferPointer<Int32>? = nil, zoneNodata: Int32? = nil,
        pixelAreaKm2: UnsafeBufferPointer<Double>? = nil
    ) {
        let n = classes.count
        precondition((zones?.count ?? n) >= n && (pixelAreaKm2?.count ?? n) >= n, "buffers are shorter than the classes")
        if zones == nil {
            // Dense counts by class code (no dictionary lookup per pixel).
            var dense = CodeCounts()
            if let a = pixelAreaKm2 {
                dense.add(count: n, areaUnits: { Self.units(a[$0]) }, code: { Int(classes[$0]) })
            } else {
                dense.add(count: n, areaUnits: { _ in 0 }, code: { Int(classes[$0]) })
            }
            add(dense, zone: 0)
            return
        }
        accumulate(n) { i in
            let zone = zones?[i] ?? 0
            if zones != nil && zone == zoneNodata { return nil }
            return (Key(zone: zone, classValue: classes[i]), pixelAreaKm2.map { Self.units($0[i]) } ?? 0)
        }
    }

    /// Counts every pixel of a window as ``add(classes:zones:zoneNodata:pixelAreaKm2:)`` does, with each pixel's
    /// area already in the table's units (``units(_:)`` of its km2): the same sums, for callers that add one
    /// window's areas to several tables and form the units once.
    public mutating func add(
        classes: UnsafeBufferPointer<Int16>, zones: UnsafeBufferPointer<Int32>? = nil, zoneNodata: Int32? = nil,
        pixelAreaUnits: UnsafeBufferPointer<Int64>
    ) {
        let n = classes.count
        precondition((zones?.count ?? n) >= n && pixelAreaUnits.count >= n, "buffers are shorter than the classes")
        guard let zones else {
            var dense = CodeCounts()
            dense.add(count: n, areaUnits: { pixelAreaUnits[$0] }, code: { Int(classes[$0]) })
            add(dense, zone: 0)
            return
        }
        if addDense(classes: classes, zones: zones, zoneNodata: zoneNodata, pixelAreaUnits: pixelAreaUnits, count: n) { return }
        accumulate(n) { i in
            let zone = zones[i]
            if zone == zoneNodata { return nil }
            return (Key(zone: zone, classValue: classes[i]), pixelAreaUnits[i])
        }
    }

    /// Counts every pixel of a window under one `zone` (the same cells as ``add(classes:zones:zoneNodata:pixelAreaUnits:)``
    /// with every zone id `zone`), by dense counts per class code: for a zone column that is constant over the window
    /// (a map year), without forming it.
    public mutating func add(classes: UnsafeBufferPointer<Int16>, zone: Int32, pixelAreaUnits: UnsafeBufferPointer<Int64>) {
        let n = classes.count
        precondition(pixelAreaUnits.count >= n, "buffers are shorter than the classes")
        var dense = CodeCounts()
        dense.add(count: n, areaUnits: { pixelAreaUnits[$0] }, code: { Int(classes[$0]) })
        add(dense, zone: zone)
    }

    /// Adds `pixels` pixels of `units` area units in total to the cell (`zone`, `classValue`) (a caller's own counts:
    /// the same cell as that many pixels added one by one with those units in sum).
    public mutating func add(zone: Int32, classValue: Int16, pixels: Int, units: Int64) {
        let k = Key(zone: zone, classValue: classValue)
        counts[k, default: 0] += pixels
        areaUnits[k, default: 0] += units
    }

    /// The most distinct zones, and the widest span of class codes (besides nodata), that `addDense` counts densely.
    static let denseZones = 16, denseSpan = 256

    /// The zoned add of ``add(classes:zones:zoneNodata:pixelAreaUnits:)`` through dense counts instead of a
    /// dictionary lookup per pixel (the crossed tables' zones and classes change from pixel to pixel, so runs are
    /// short): one row of counts per zone, at most `denseZones` of them, and one column per class code in the
    /// window's range (at most `denseSpan`) plus one for nodata; the rows are added to the dictionaries once.
    /// The same integer sums per cell, so the same table. False, with nothing added, for windows with more zones
    /// or a wider range of codes (the caller then takes the dictionary path).
    private mutating func addDense(classes: UnsafeBufferPointer<Int16>, zones: UnsafeBufferPointer<Int32>, zoneNodata: Int32?,
                                   pixelAreaUnits: UnsafeBufferPointer<Int64>, count n: Int) -> Bool {
        let nodata = DegradationStatus.nodata
        var lo = Int16.max, hi = Int16.min
        for i in 0..<n where classes[i] != nodata {
            lo = Swift.min(lo, classes[i])
            hi = Swift.max(hi, classes[i])
        }
        let span = lo > hi ? 0 : Int(hi) - Int(lo) + 1
        guard span <= Self.denseSpan else { return false }
        let width = span + 1, low = Int(lo)
        let pixels = UnsafeMutablePointer<Int>.allocate(capacity: Self.denseZones * width)
        let units = UnsafeMutablePointer<Int64>.allocate(capacity: Self.denseZones * width)
        defer { pixels.deallocate(); units.deallocate() }
        var ids: [Int32] = []
        ids.reserveCapacity(Self.denseZones)
        let skips = zoneNodata != nil, skipped = zoneNodata ?? 0
        var lastZone: Int32 = 0, lastRow = -1
        for i in 0..<n {
            let z = zones[i]
            if skips && z == skipped { continue }
            if z != lastZone || lastRow < 0 {
                if let k = ids.firstIndex(of: z) {
                    lastRow = k * width
                } else {
                    guard ids.count < Self.denseZones else { return false }
                    lastRow = ids.count * width
                    ids.append(z)
                    (pixels + lastRow).initialize(repeating: 0, count: width)
                    (units + lastRow).initialize(repeating: 0, count: width)
                }
                lastZone = z
            }
            let c = classes[i]
            let cell = lastRow &+ (c == nodata ? span : Int(c) &- low)
            pixels[cell] &+= 1
            units[cell] &+= pixelAreaUnits[i]
        }
        for (k, zone) in ids.enumerated() {
            for column in 0..<width where pixels[k * width + column] != 0 {
                let key = Key(zone: zone, classValue: column == span ? nodata : Int16(low + column))
                counts[key, default: 0] += pixels[k * width + column]
                areaUnits[key, default: 0] += units[k * width + column]
            }
        }
        return true
    }

    /// Counts every pixel of a window of `width` columns with one pixel area
    /// per row, `rowAreaKm2[r]`.
    public mutating func add(
        classes: UnsafeBufferPointer<Int16>, zones: UnsafeBufferPointer<Int32>? = nil, zoneNodata: Int32? = nil,
        width: Int, rowAreaKm2: UnsafeBufferPointer<Double>
    ) {
        let n = classes.count
        precondition(width > 0 && n % width == 0, "the window is a whole number of rows")
        precondition((zones?.count ?? n) >= n && rowAreaKm2.count >= n / width, "buffers are too short")
        let rowUnits = (0..<(n / width)).map { Self.units(rowAreaKm2[$0]) }
        accumulate(n) { i in
            let zone = zones?[i] ?? 0
            if zones != nil && zone == zoneNodata { return nil }
            return (Key(zone: zone, classValue: classes[i]), rowUnits[i / width])
        }
    }

    /// Folds pixels into the dictionaries, through a run-length cache of the
    /// last key (classes come in runs along a row).
    private mutating func accumulate(_ n: Int, _ pixel: (Int) -> (Key, Int64)?) {
        var lastKey: Key?
        var runCount = 0
        var runUnits: Int64 = 0
        for i in 0..<n {
            guard let (k, u) = pixel(i) else { continue }
            if k != lastKey {
                if let lk = lastKey {
                    counts[lk, default: 0] += runCount
                    areaUnits[lk, default: 0] += runUnits
                }
                lastKey = k
                runCount = 0
                runUnits = 0
            }
            runCount += 1
            runUnits += u
        }
        if let lk = lastKey {
            counts[lk, default: 0] += runCount
            areaUnits[lk, default: 0] += runUnits
        }
    }

    /// Adds a window's dense counts (`CodeCounts`, Int16 class codes) under `zone`.
    mutating func add(_ dense: CodeCounts, zone: Int32) {
        dense.forEach { code, n, units in
            let k = Key(zone: zone, classValue: Int16(code))
            counts[k, default: 0] += n
            areaUnits[k, default: 0] += units
        }
    }

    /// The cells of one zone alone, with their pixel counts and integer area sums unchanged (a zone's own
    /// table: the same areas as its rows in this table, to the unit).
    public func zone(_ id: Int32) -> AreaTable {
        var t = AreaTable()
        for (k, n) in counts where k.zone == id { t.counts[k] = n }
        for (k, u) in areaUnits where k.zone == id { t.areaUnits[k] = u }
        return t
    }

    /// Every zone's own table (as ``zone(_:)`` gives it) in one pass over the cells: asking ``zone(_:)`` for each
    /// zone reads every cell once per zone (quadratic in the zones: 100,000 zones, 10^10 reads).
    public var byZone: [Int32: AreaTable] {
        var tables: [Int32: AreaTable] = [:]
        for (k, n) in counts { tables[k.zone, default: AreaTable()].counts[k] = n }
        for (k, u) in areaUnits { tables[k.zone, default: AreaTable()].areaUnits[k] = u }
        return tables
    }

    /// Adds another table.
    public mutating func merge(_ other: AreaTable) {
        for (k, n) in other.counts { counts[k, default: 0] += n }
        for (k, u) in other.areaUnits { areaUnits[k, default: 0] += u }
    }

    /// The finished rows, sorted by zone then class, with percentages of each
    /// zone's valid (non-nodata) area.
    public var rows: [Row] {
        var validUnits: [Int32: Int64] = [:]
        var validCount: [Int32: Int] = [:]
        for (k, n) in counts where k.classValue != DegradationStatus.nodata {
            validCount[k.zone, default: 0] += n
            validUnits[k.zone, default: 0] += areaUnits[k] ?? 0
        }
        return counts.keys.sorted().map { k in
            let n = counts[k] ?? 0, u = areaUnits[k] ?? 0
            var percent: Double?
            if k.classValue != DegradationStatus.nodata {
                let zu = validUnits[k.zone] ?? 0, zc = validCount[k.zone] ?? 0
                percent = zu > 0 ? Double(u) / Double(zu) * 100 : (zc > 0 ? Double(n) / Double(zc) * 100 : nil)
            }
            return Row(zone: k.zone, classValue: k.classValue, count: n, areaKm2: Double(u) / Self.unitsPerKm2,
                       percent: percent)
        }
    }

    /// The rows as CSV (`zone,class,pixels,area_km2,percent`) through ``CSVTable`` (RFC 4180,
    /// CRLF), with fixed decimals (6 for km², 4 for %), so equal tables print equal bytes.
    /// `className` may replace class values by labels.
    public func csv(className: ((Int16) -> String)? = nil) -> String {
        var table = CSVTable(header: ["zone", "class", "pixels", "area_km2", "percent"])
        for r in rows {
            table.append([String(r.zone), className?(r.classValue) ?? String(r.classValue), String(r.count),
                          String(format: "%.6f", r.areaKm2), r.percent.map { String(format: "%.4f", $0) } ?? ""])
        }
        return table.text
    }
}
