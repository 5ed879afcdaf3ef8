/// Pixel counts of land cover codes that a legend does not map, so that a
/// run can report them ("code 230: 1 234 pixels") instead of silently
/// writing nodata. Mergeable: counters of different windows add up.
public struct UnknownCodeCounter: Sendable, Hashable, Codable {
    /// Pixels seen per unmapped code.
    public private(set) var counts: [Int32: Int] = [:]

    /// An empty counter.
    public init() {}

    /// Counts one pixel of `code`.
    public mutating func add(_ code: Int32, count: Int = 1) {
        counts[code, default: 0] += count
    }

    /// Adds another counter's counts.
    public mutating func merge(_ other: UnknownCodeCounter) {
        for (code, n) in other.counts { counts[code, default: 0] += n }
    }

    /// True when no unmapped code was seen.
    public var isEmpty: Bool { counts.isEmpty }

    /// Total unmapped pixels.
    public var total: Int { counts.values.reduce(0, +) }

    /// The codes and their counts, ascending by code (a stable order for reports).
    public var sorted: [(code: Int32, count: Int)] {
        counts.sorted { $0.key < $1.key }.map { (code: $0.key, count: $0.value) }
    }
}
