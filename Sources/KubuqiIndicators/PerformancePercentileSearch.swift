import KubuqiRaster

/// The exact percentile of mean productivity per land unit in memory that does not grow with the grid:
/// a radix search over the means' order keys, one streamed pass per 16 bits (docs/ldn-method.md,
/// "Performance: the exact percentile in bounded memory").
///
/// Each mean is a Double; its order key (``key(_:)``, the IEEE bits with the sign folded so that
/// unsigned order is numeric order) is split into four 16-bit digits. The first pass counts every
/// unit's means by their first digit (at most 65,536 counts a unit). From those counts the bins that
/// hold the two ranks the percentile interpolates between (j and j + 1, numpy's linear rule) are
/// known, with the number of means below each. The next pass over the means counts, inside each such
/// bin only, either the next digit (a bin of more than ``exactLimit`` means) or, once a bin holds at
/// most ``exactLimit`` means (or all 64 bits are fixed), every distinct value with its count, as
/// ``PerformanceAccumulator`` does for the whole unit. The ranks are then read inside those values,
/// and the interpolation is ``PerformanceAccumulator/interpolate(count:percent:exact:a:b:)``'s, so the
/// percentile is the one the whole distinct-value survey gives, to the bit.
///
/// Memory: per unit at most two bins of at most 65,536 counts or ``exactLimit`` values, whatever the
/// grid size; passes: the first plus at most four (a bin is collected value by value at the latest once all 64 bits are
/// fixed; with the default limit a bin of 65,536 means or fewer is collected at once, so two refinements are usual).
public struct PerformancePercentileSearch: Sendable {
    /// A bin of order keys: those whose first `bits` bits are `prefix`, counted by their next digit
    /// (`exact` false) or value by value (`exact` true).
    public struct Probe: Sendable, Hashable {
        /// The fixed leading bits of the keys in the bin.
        public var prefix: UInt64
        /// How many leading bits are fixed (0, 16, 32, 48 or 64).
        public var bits: Int
        /// Whether the bin's values are collected one by one.
        public var exact: Bool

        /// Whether `key` is in the bin.
        @inline(__always) func holds(_ key: UInt64) -> Bool { bits == 0 || key >> UInt64(64 - bits) == prefix }
        /// The key's digit after the fixed bits.
        @inline(__always) func digit(_ key: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: key >> UInt64(48 - bits)) }
    }

    /// A rank still sought in a unit: the bin it lies in and its rank inside the bin.
    struct Sought: Sendable {
        var probe: Probe
        var rank: Int
        var found: (Double, Rational?)?
    }

    /// A unit's search: its count and its two ranks.
    struct UnitSearch: Sendable {
        var count: Int
        var ranks: [Sought]
    }

    /// The percentile sought (90).
    public let percent: Int
    /// Most means collected value by value in one bin (beyond: counted by the next digit).
    public let exactLimit: Int
    /// Whether the means are exact fractions (integer stacks): the ranks and interpolation are then
    /// those of `PerformanceAccumulator`'s exact path.
    public let integer: Bool
    private var units: [LandUnit: UnitSearch] = [:]
    private var started = false

    /// A search for the `percent` percentile; `exactLimit` (at least 1) bounds a bin collected value by value.
    public init(percent: Int = 90, integer: Bool, exactLimit: Int = 1 << 16) {
        precondition(exactLimit >= 1 && (0...100).contains(percent), "a positive limit and a percent")
        self.percent = percent
        self.integer = integer
        self.exactLimit = exactLimit
    }

    /// The order key of a finite mean: unsigned order is the values' order, −0 counted as +0.
    @inline(__always) public static func key(_ value: Double) -> UInt64 {
        let b = (value + 0.0).bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    /// Whether every unit's percentile is known (after the first pass: false until `advance` says so).
    public var isComplete: Bool { started && units.values.allSatisfy { $0.ranks.allSatisfy { $0.found != nil } } }

    /// The counts of the next pass (empty: every unit's first digit).
    public func nextPass() -> Counts {
        guard started else { return Counts(probes: nil) }
        var probes: [LandUnit: [Probe]] = [:]
        for (unit, u) in units {
            var list: [Probe] = []
            for r in u.ranks where r.found == nil && !list.contains(r.probe) { list.append(r.probe) }
            if !list.isEmpty { probes[unit] = list }
        }
        return Counts(probes: probes)
    }

    /// Takes a finished pass's counts (merged over every chunk): fixes the bins of the next pass, or the values.
    public mutating func advance(with counts: Counts) {
        if !started {
            started = true
            for (unit, tables) in counts.histograms {
                let n = tables[0].values.reduce(0, +)
                guard n > 0 else { continue }
                let ranks = PerformanceAccumulator.ranks(count: n, percent: percent, exact: integer)
                let root = Probe(prefix: 0, bits: 0, exact: false)
                units[unit] = UnitSearch(count: n, ranks: [ranks.0, ranks.1].map { Sought(probe: root, rank: $0) })
            }
        }
        for (unit, var u) in units {
            guard let probes = counts.probes?[unit] ?? (counts.probes == nil ? [Probe(prefix: 0, bits: 0, exact: false)] : nil) else { continue }
            for k in u.ranks.indices where u.ranks[k].found == nil {
                guard let p = probes.firstIndex(of: u.ranks[k].probe) else { continue }
                let probe = probes[p]
                if probe.exact {
                    let values = counts.values[unit]?[p] ?? [:]
                    u.ranks[k].found = PerformanceAccumulator.value(atRank: u.ranks[k].rank, in: values)
                    continue
                }
                let table = counts.histograms[unit]?[p] ?? [:]
                var below = 0
                for digit in table.keys.sorted() {
                    let c = table[digit]!
                    if below + c > u.ranks[k].rank {
                        let bits = probe.bits + 16
                        u.ranks[k].probe = Probe(prefix: (bits == 16 ? 0 : probe.prefix << 16) | UInt64(digit), bits: bits,
                                                 exact: c <= exactLimit || bits == 64)
                        u.ranks[k].rank -= below
                        break
                    }
                    below += c
                }
            }
            units[unit] = u
        }
    }

    /// Every unit's percentile (once `isComplete`).
    public func percentiles() -> [LandUnit: PerformanceAccumulator.Percentile] {
        var out: [LandUnit: PerformanceAccumulator.Percentile] = [:]
        for (unit, u) in units {
            guard let a = u.ranks[0].found, let b = u.ranks[1].found else { continue }
            out[unit] = PerformanceAccumulator.interpolate(count: u.count, percent: percent, exact: integer, a: a, b: b)
        }
        return out
    }

    /// One pass's counts over a part of the raster (one per running chunk, merged by adding).
    public struct Counts: Sendable {
        /// Each unit's bins (nil: the first pass, every unit's whole range by its first digit).
        let probes: [LandUnit: [Probe]]?
        /// Per unit and bin: counts by digit (histogram bins).
        var histograms: [LandUnit: [[UInt16: Int]]] = [:]
        /// Per unit and bin: counts by value (exact bins).
        var values: [LandUnit: [[Double: PerformanceAccumulator.Entry]]] = [:]

        /// Whether this pass counts nothing (every unit's percentile already known).
        public var isEmpty: Bool { probes?.isEmpty ?? false }

        /// Counts a window's means (`PeriodMeans`) by land unit, as `PerformanceAccumulator.add(means:...)`
        /// selects them: pixels without a mean or whose land cover is `landCoverNodata` are skipped.
        public mutating func add(
            means: PeriodMeans, landCover: UnsafeBufferPointer<Int16>,
            ecologicalUnit: UnsafeBufferPointer<Int32>? = nil, landCoverNodata: Int16? = DegradationStatus.nodata
        ) {
            precondition(landCover.count >= means.count && (ecologicalUnit?.count ?? means.count) >= means.count,
                         "input buffers are shorter than the means")
            let root = [Probe(prefix: 0, bits: 0, exact: false)]
            var unit: LandUnit?, probes: [Probe] = [], hist: [[UInt16: Int]] = [], vals: [[Double: PerformanceAccumulator.Entry]] = []
            // The current unit's digit counts go through a direct-mapped cache of 256 slots a probe (slot p·256 + the
            // digit's low byte: the digit it counts, or −1, and its count), added to the unit's dictionaries when a
            // slot is taken by another digit and when the unit changes: the same counts, a dictionary update per run of
            // a digit in its slot rather than per pixel.
            var slotDigit: [Int32] = [], slotCount: [Int] = [], used: [Int] = []
            func flushSlots() {
                for s in used {
                    hist[s >> 8][UInt16(truncatingIfNeeded: slotDigit[s]), default: 0] += slotCount[s]
                    slotDigit[s] = -1
                    slotCount[s] = 0
                }
                used.removeAll(keepingCapacity: true)
            }
            func putBack() {
                guard let unit, !probes.isEmpty else { return }
                flushSlots()
                histograms[unit] = hist
                values[unit] = vals
            }
            for i in 0..<means.count {
                guard landCover[i] != landCoverNodata, let m = means.mean(i), m.isFinite else { continue }
                let u = LandUnit(landCover: landCover[i], ecologicalUnit: ecologicalUnit?[i] ?? 0)
                if u != unit {
                    putBack()
                    unit = u
                    probes = unitProbes(for: u, root: root)
                    hist = histograms.removeValue(forKey: u) ?? Array(repeating: [:], count: probes.count)
                    vals = values.removeValue(forKey: u) ?? Array(repeating: [:], count: probes.count)
                    if slotDigit.count < probes.count << 8 {   // empty: flushed by putBack
                        slotDigit = Array(repeating: -1, count: probes.count << 8)
                        slotCount = Array(repeating: 0, count: probes.count << 8)
                    }
                }
                if probes.isEmpty { continue }
                let key = PerformancePercentileSearch.key(m)
                for p in probes.indices where probes[p].holds(key) {
                    if probes[p].exact {
                        if let k = vals[p].index(forKey: m) { vals[p].values[k].count += 1 }
                        else { vals[p][m] = PerformanceAccumulator.Entry(count: 1, exact: means.exactMean(i)) }
                    } else {
                        let d = probes[p].digit(key), slot = p << 8 | Int(d & 0xFF)
                        if slotDigit[slot] == Int32(d) {
                            slotCount[slot] += 1
                        } else {
                            if slotDigit[slot] >= 0 { hist[p][UInt16(truncatingIfNeeded: slotDigit[slot]), default: 0] += slotCount[slot] }
                            else { used.append(slot) }
                            slotDigit[slot] = Int32(d)
                            slotCount[slot] = 1
                        }
                    }
                }
            }
            putBack()
        }

        private func unitProbes(for unit: LandUnit, root: [Probe]) -> [Probe] {
            guard let probes else { return root }
            return probes[unit] ?? []
        }

        /// Adds another part's counts of the same pass.
        public mutating func merge(_ other: Counts) {
            for (unit, tables) in other.histograms {
                var mine = histograms[unit] ?? Array(repeating: [:], count: tables.count)
                for k in tables.indices { mine[k].merge(tables[k], uniquingKeysWith: +) }
                histograms[unit] = mine
            }
            for (unit, tables) in other.values {
                var mine = values[unit] ?? Array(repeating: [:], count: tables.count)
                for k in tables.indices {
                    mine[k].merge(tables[k]) { PerformanceAccumulator.Entry(count: $0.count + $1.count, exact: $0.exact ?? $1.exact) }
                }
                values[unit] = mine
            }
        }
    }
}
