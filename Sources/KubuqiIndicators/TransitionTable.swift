/// Pixel counts and areas of each land cover transition between the seven
/// UNCCD classes (a 7 × 7 table, rows = baseline class, columns = target
/// class), accumulated window by window and mergeable.
///
/// Areas come from a per-pixel area buffer (or one area per row: in a
/// geographic CRS the pixel area changes with latitude only), in km². They
/// are summed as integers of 10⁻⁹ km² (0.001 m²), so merging in any order
/// gives the same bits; rounding each pixel to 0.001 m² is far below any
/// map's accuracy. Pixels whose class is not 1...7 in either map are counted
/// apart (`nodataCount`, `nodataAreaKm2`).
public struct TransitionTable: Sendable, Hashable, Codable {
    /// Area units per km² of the integer sums.
    public static let unitsPerKm2 = 1e9

    /// Pixel counts, row-major: index `(from − 1) * 7 + (to − 1)`.
    public private(set) var counts = [Int](repeating: 0, count: 49)
    /// Area sums in 10⁻⁹ km², same layout.
    public private(set) var areaUnits = [Int64](repeating: 0, count: 49)
    /// Pixels with a class outside 1...7 in either map.
    public private(set) var nodataCount = 0
    /// Their area in 10⁻⁹ km².
    public private(set) var nodataAreaUnits: Int64 = 0

    /// An empty table.
    public init() {}

    /// Area of one pixel in integer units.
    @inline(__always)
    static func units(_ km2: Double) -> Int64 {
        km2.isFinite && km2 > 0 ? Int64((km2 * unitsPerKm2).rounded()) : 0
    }

    /// Counts every pixel of a window. `pixelAreaKm2` holds one area per
    /// pixel; nil counts pixels only (areas stay 0).
    public mutating func add(
        initial: UnsafeBufferPointer<Int16>, final: UnsafeBufferPointer<Int16>, pixelAreaKm2: UnsafeBufferPointer<Double>?
    ) {
        let n = initial.count
        precondition(final.count >= n && (pixelAreaKm2?.count ?? n) >= n, "buffers are shorter than the classes")
        for i in 0..<n {
            add(from: initial[i], to: final[i], units: pixelAreaKm2.map { Self.units($0[i]) } ?? 0)
        }
    }

    /// Counts every pixel of a window with each pixel's area already in the table's units (``units(_:)``
    /// of its km2): the same sums as ``add(initial:final:pixelAreaKm2:)``.
    public mutating func add(initial: UnsafeBufferPointer<Int16>, final: UnsafeBufferPointer<Int16>, pixelAreaUnits: UnsafeBufferPointer<Int64>) {
        let n = initial.count
        precondition(final.count >= n && pixelAreaUnits.count >= n, "buffers are shorter than the classes")
        for i in 0..<n { add(from: initial[i], to: final[i], units: pixelAreaUnits[i]) }
    }

    /// Counts every pixel of a window of `width` columns whose pixel area is
    /// the same along each row: `rowAreaKm2[r]` for row r.
    public mutating func add(
        initial: UnsafeBufferPointer<Int16>, final: UnsafeBufferPointer<Int16>, width: Int, rowAreaKm2: UnsafeBufferPointer<Double>
    ) {
        precondition(width > 0 && initial.count % width == 0, "the window is a whole number of rows")
        precondition(final.count >= initial.count && rowAreaKm2.count >= initial.count / width, "buffers are too short")
        for i in 0..<initial.count {
            add(from: initial[i], to: final[i], units: Self.units(rowAreaKm2[i / width]))
        }
    }

    private mutating func add(from: Int16, to: Int16, units: Int64) {
        guard (1...7).contains(from), (1...7).contains(to) else {
            nodataCount += 1
            nodataAreaUnits += units
            return
        }
        let k = Int(from - 1) * 7 + Int(to - 1)
        counts[k] += 1
        areaUnits[k] += units
    }

    /// Adds another table.
    public mutating func merge(_ other: TransitionTable) {
        for k in 0..<49 {
            counts[k] += other.counts[k]
            areaUnits[k] += other.areaUnits[k]
        }
        nodataCount += other.nodataCount
        nodataAreaUnits += other.nodataAreaUnits
    }

    /// Pixels that went from class `from` to class `to` (1...7).
    public func count(from: Int16, to: Int16) -> Int { counts[Int(from - 1) * 7 + Int(to - 1)] }

    /// Their area in km².
    public func areaKm2(from: Int16, to: Int16) -> Double {
        Double(areaUnits[Int(from - 1) * 7 + Int(to - 1)]) / Self.unitsPerKm2
    }

    /// Area of the pixels outside the classes, in km².
    public var nodataAreaKm2: Double { Double(nodataAreaUnits) / Self.unitsPerKm2 }

    /// Area of each meaning (−1, 0, 1) of a transition matrix, in km², and
    /// pixel counts: the land cover sub-indicator's area table.
    public func summary(_ matrix: TransitionMatrix) -> [Int16: (count: Int, areaKm2: Double)] {
        var count: [Int16: Int] = [-1: 0, 0: 0, 1: 0]
        var units: [Int16: Int64] = [-1: 0, 0: 0, 1: 0]
        for k in 0..<49 {
            let m = matrix.meanings[k]
            count[m, default: 0] += counts[k]
            units[m, default: 0] += areaUnits[k]
        }
        return count.reduce(into: [:]) { out, kv in
            out[kv.key] = (count: kv.value, areaKm2: Double(units[kv.key] ?? 0) / Self.unitsPerKm2)
        }
    }
}
