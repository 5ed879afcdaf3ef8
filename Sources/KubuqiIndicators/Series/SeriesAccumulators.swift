/// The running state of an accumulating reducer (`mean`, `sum`, `count`, `max`, `min`; see
/// ``SeriesReducer/accumulates``) for the pixels of one window, fed the period's observations a group
/// at a time in date order, so that a period's observations need not all be in memory (nor their
/// files open) at once (docs/stack.md, "Streaming and memory").
///
/// Per pixel: the Double sum of the valid values, their count, the extreme value (`max`, `min`,
/// first-wins comparisons) and the days of the first and last valid observations (for the
/// completeness rule). Each pixel's valid values are taken in date order with the same Double sums
/// and comparisons as ``SeriesReducer/reduce(_:days:count:)``, so the result does not depend on how
/// the observations are split into groups: the same bits as one pass over all of them. With ``storedSums``
/// (``sumStored(_:)``: a period of plain 16-bit bands of one scale and offset, `mean`, `sum`, `count`) the sums
/// are exact Int32 sums of the stored integers instead, scaled once per pixel by `finish` (``StoredSums``).
public final class SeriesAccumulators: @unchecked Sendable {
    /// The reducer (one that accumulates).
    public let reducer: SeriesReducer
    /// The pixels held (indices into the window's buffers).
    public let pixels: Range<Int>
    /// The per-pixel sums: Double sums of Float values, or, with ``storedSums``, Int32 sums of stored
    /// 16-bit integers (the same 8 bytes a pixel, the memory bound to the kind in use).
    private let sumBytes: UnsafeMutableRawPointer
    private var sum: UnsafeMutablePointer<Double> { sumBytes.assumingMemoryBound(to: Double.self) }
    private var integerSum: UnsafeMutablePointer<Int32> { sumBytes.assumingMemoryBound(to: Int32.self) }
    /// The scale and offset of the stored 16-bit integers whose exact Int32 sums the state keeps (``StoredSums``),
    /// nil: Double sums of the Float values. Set with ``sumStored(_:)`` before a period's first ``reset(_:)``.
    public private(set) var storedSums: StoredSums?
    private let extreme: UnsafeMutableBufferPointer<Float>
    private let count: UnsafeMutableBufferPointer<Int32>
    private let first: UnsafeMutableBufferPointer<Int32>
    private let last: UnsafeMutableBufferPointer<Int32>

    /// The bytes one pixel's state takes (for memory budgets).
    public static let bytesPerPixel = 8 + 4 + 4 + 4 + 4

    /// The pixels processed together by ``add(values:stride:days:pixels:)``: their state (24 bytes a pixel) stays in the L1 cache.
    static let block = 1024

    /// State for the pixels `pixels` of a window, of `reducer` (which must accumulate).
    public init(_ reducer: SeriesReducer, pixels: Range<Int>) {
        precondition(reducer.accumulates, "\(reducer) does not accumulate")
        self.reducer = reducer
        self.pixels = pixels
        let n = Swift.max(1, pixels.count)
        sumBytes = .allocate(byteCount: 8 * n, alignment: 16)
        sumBytes.bindMemory(to: Double.self, capacity: n)
        extreme = .allocate(capacity: n)
        count = .allocate(capacity: n)
        first = .allocate(capacity: n)
        last = .allocate(capacity: n)
    }

    deinit { sumBytes.deallocate(); extreme.deallocate(); count.deallocate(); first.deallocate(); last.deallocate() }

    /// Whether the reducer keeps an extreme value (`max`, `min`), else only the sums and counts.
    private var keepsExtreme: Bool {
        switch reducer {
        case .max, .min: return true
        default: return false
        }
    }

    /// Empties the state of `pixels` (a part of ``pixels``; before a window's first group).
    public func reset(_ pixels: Range<Int>) {
        for p in pixels {
            let q = p - self.pixels.lowerBound
            if storedSums == nil { sum[q] = 0 } else { integerSum[q] = 0 }
            count[q] = 0; extreme[q] = .nan; first[q] = 0; last[q] = 0
        }
    }

    /// Makes the state keep exact Int32 sums of stored 16-bit integers, applying `sums`' scale and offset once at
    /// ``finish(rule:periodDays:pixels:output:counts:)``, or (nil) Double sums of Float values; for the whole of a
    /// period, before its first ``reset(_:)``. With `sums`, every group is added by
    /// ``add(stored:stride:scalings:days:pixels:)`` with rows of that scale and offset.
    public func sumStored(_ sums: StoredSums?) {
        precondition(sums == nil || !keepsExtreme, "\(reducer) keeps an extreme value, not sums")
        guard sums != storedSums else { return }
        let n = Swift.max(1, pixels.count)
        if sums == nil { sumBytes.bindMemory(to: Double.self, capacity: n) } else { sumBytes.bindMemory(to: Int32.self, capacity: 2 * n) }
        storedSums = sums
    }

    /// Adds a group of observations: `days.count` rows of `values`, `stride` apart (NaN for nodata), in
    /// ascending date order and after every group added before, for the pixels `pixels`.
    public func add(values: UnsafeBufferPointer<Float>, stride: Int, days: [Int32], pixels: Range<Int>) {
        precondition(storedSums == nil, "Float rows added to sums of stored integers")
        guard !days.isEmpty, !pixels.isEmpty else { return }
        let base = values.baseAddress!
        if keepsExtreme {
            accumulate(days: days, pixels: pixels, row: { i, start, _ in base + i * stride + start },
                       value: { i, p in base[i * stride + p] })
        } else {
            accumulateSums(days: days, pixels: pixels, row: { i, start, _ in base + i * stride + start })
        }
    }

    /// Adds a group of observations stored as 16-bit integers: `days.count` rows at `stored`, `stride`
    /// values apart, row `i` converted by `scalings[i]` (``SixteenBitScaling``) block by block as it is
    /// added, so a row is read once, as 2 bytes a value, and its Float values live only in the L1 cache.
    /// The same state, bit for bit, as ``add(values:stride:days:pixels:)`` on the converted rows; with ``storedSums``,
    /// the stored integers of the valid values are summed as they are (`accumulateStored`), nothing converted.
    public func add(stored: UnsafeRawPointer, stride: Int, scalings: [SixteenBitScaling], days: [Int32], pixels: Range<Int>) {
        precondition(scalings.count == days.count, "one conversion per row")
        guard !days.isEmpty, !pixels.isEmpty else { return }
        if let storedSums {
            precondition(scalings.allSatisfy { storedSums.sums($0) }, "a row of another scale or offset than the sums'")
            let masks = scalings.map(StoredSums.Mask.init)
            if scalings[0].unsigned {
                accumulateStored(UInt16.self, stored, stride: stride, masks: masks, days: days, pixels: pixels)
            } else {
                accumulateStored(Int16.self, stored, stride: stride, masks: masks, days: days, pixels: pixels)
            }
            return
        }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Self.block)
        defer { scratch.deallocate() }
        let row = { (i: Int, start: Int, m: Int) -> UnsafePointer<Float> in
            scalings[i].convert(stored + 2 * (i * stride + start), into: UnsafeMutableRawPointer(scratch), count: m)
            return UnsafePointer(scratch)
        }
        if keepsExtreme {
            accumulate(days: days, pixels: pixels, row: row, value: { i, p in scalings[i].value(stored + 2 * i * stride, at: p) })
        } else {
            accumulateSums(days: days, pixels: pixels, row: row)
        }
    }

    /// The accumulation of a group for `mean`, `sum` and `count` (no extreme kept), block by block, eight pixels at
    /// a time: each row's valid values (not NaN) added to the Double sums (+0.0 for a gap, which leaves a sum as
    /// it is), counted, and the row's day recorded as the pixel's last valid day, and as its first when the pixel
    /// had no valid value before. One pass over each row, in date order: the same sums, counts and days as
    /// ``accumulate(days:pixels:row:value:)``'s loop and its scan of the group's ends afterwards (which read
    /// the rows of a block again, one value at a time: about 40 % of main's `add` samples in a profiled run,
    /// docs/benchmarks.md "Session 15").
    @inline(__always)
    private func accumulateSums(days: [Int32], pixels: Range<Int>, row: (Int, Int, Int) -> UnsafePointer<Float>) {
        typealias Values = SIMD8<Float>
        typealias Sums = SIMD8<Double>
        typealias Counts = SIMD8<Int32>
        let lanes = Values.scalarCount
        var start = pixels.lowerBound
        while start < pixels.upperBound {
            let m = Swift.min(Self.block, pixels.upperBound - start)
            let q = start - self.pixels.lowerBound
            let (s, c) = (UnsafeMutableRawPointer(sum + q), UnsafeMutableRawPointer(count.baseAddress! + q))
            let (f, l) = (UnsafeMutableRawPointer(first.baseAddress! + q), UnsafeMutableRawPointer(last.baseAddress! + q))
            let whole = m - m % lanes
            for i in days.indices {
                let r = UnsafeRawPointer(row(i, start, m))
                let day = days[i]
                let dayLanes = Counts(repeating: day), zero = Counts(repeating: 0), one = Counts(repeating: 1)
                var j = 0
                while j < whole {
                    let v = r.loadUnaligned(fromByteOffset: 4 * j, as: Values.self)
                    let valid = v .== v
                    let n = c.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    var d = f.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    d.replace(with: dayLanes, where: valid .& (n .== zero))
                    f.storeBytes(of: d, toByteOffset: 4 * j, as: Counts.self)
                    var e = l.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    e.replace(with: dayLanes, where: valid)
                    l.storeBytes(of: e, toByteOffset: 4 * j, as: Counts.self)
                    c.storeBytes(of: n &+ zero.replacing(with: one, where: valid), toByteOffset: 4 * j, as: Counts.self)
                    let a = s.loadUnaligned(fromByteOffset: 8 * j, as: Sums.self)
                    s.storeBytes(of: a + Sums(v.replacing(with: 0, where: .!valid)), toByteOffset: 8 * j, as: Sums.self)
                    j += lanes
                }
                let (ss, cs) = (s.assumingMemoryBound(to: Double.self), c.assumingMemoryBound(to: Int32.self))
                let (fs, ls) = (f.assumingMemoryBound(to: Int32.self), l.assumingMemoryBound(to: Int32.self))
                while j < m {
                    let v = r.load(fromByteOffset: 4 * j, as: Float.self)
                    if !v.isNaN {
                        if cs[j] == 0 { fs[j] = day }
                        ls[j] = day
                        cs[j] &+= 1
                        ss[j] += Double(v)
                    }
                    j += 1
                }
            }
            start += m
        }
    }

    /// The accumulation of a group of stored 16-bit rows into exact Int32 sums (``storedSums``), eight pixels at a
    /// time, each eight's state held in registers while the group's rows pass in date order (integer sums do not
    /// depend on the order of the adds, so the loops can be turned round: the state is loaded and stored once per
    /// group, not once per row as in ``accumulateSums(days:pixels:row:)``). A value is valid when it is not the row's
    /// nodata and is below its valid maximum (the tests of ``SixteenBitScaling`` on the integers: each converts to
    /// Float exactly), and is then added as the integer it is, counted, and its day recorded as the pixel's last
    /// valid day, and as its first when the pixel had no valid value before. No value is converted to Float or
    /// Double: the scale and offset are applied once per pixel by `finish`.
    @inline(__always)
    private func accumulateStored<T: FixedWidthInteger & SIMDScalar>(_: T.Type, _ stored: UnsafeRawPointer, stride: Int,
                                                                      masks: [StoredSums.Mask], days: [Int32], pixels: Range<Int>) {
        typealias Counts = SIMD8<Int32>
        let lanes = Counts.scalarCount, size = MemoryLayout<T>.stride
        let q0 = pixels.lowerBound - self.pixels.lowerBound
        let (s, c) = (UnsafeMutableRawPointer(integerSum + q0), UnsafeMutableRawPointer(count.baseAddress! + q0))
        let (f, l) = (UnsafeMutableRawPointer(first.baseAddress! + q0), UnsafeMutableRawPointer(last.baseAddress! + q0))
        let r0 = stored + size * pixels.lowerBound
        let m = pixels.count, whole = m - m % lanes, rows = days.count
        let zero = Counts(repeating: 0), one = Counts(repeating: 1)
        days.withUnsafeBufferPointer { days in
            masks.withUnsafeBufferPointer { masks in
                var j = 0
                while j < whole {
                    var n = c.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    var d = f.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    var e = l.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    var a = s.loadUnaligned(fromByteOffset: 4 * j, as: Counts.self)
                    var r = r0 + size * j
                    for i in 0..<rows {
                        let v = Counts(truncatingIfNeeded: r.loadUnaligned(as: SIMD8<T>.self))
                        let valid = (v .!= Counts(repeating: masks[i].nodata)) .& (v .< Counts(repeating: masks[i].top))
                        let day = Counts(repeating: days[i])
                        d.replace(with: day, where: valid .& (n .== zero))
                        e.replace(with: day, where: valid)
                        n &+= zero.replacing(with: one, where: valid)
                        a &+= zero.replacing(with: v, where: valid)
                        r += size * stride
                    }
                    c.storeBytes(of: n, toByteOffset: 4 * j, as: Counts.self)
                    f.storeBytes(of: d, toByteOffset: 4 * j, as: Counts.self)
                    l.storeBytes(of: e, toByteOffset: 4 * j, as: Counts.self)
                    s.storeBytes(of: a, toByteOffset: 4 * j, as: Counts.self)
                    j += lanes
                }
                let (ss, cs) = (s.assumingMemoryBound(to: Int32.self), c.assumingMemoryBound(to: Int32.self))
                let (fs, ls) = (f.assumingMemoryBound(to: Int32.self), l.assumingMemoryBound(to: Int32.self))
                while j < m {
                    for i in 0..<rows {
                        let v = Int32(truncatingIfNeeded: r0.loadUnaligned(fromByteOffset: size * (i * stride + j), as: T.self))
                        if v != masks[i].nodata, v < masks[i].top {
                            if cs[j] == 0 { fs[j] = days[i] }
                            ls[j] = days[i]
                            cs[j] &+= 1
                            ss[j] &+= v
                        }
                    }
                    j += 1
                }
            }
        }
    }

    /// The accumulation of a group, block by block: `row(i, start, m)` gives the `m` values of row `i` from
    /// pixel `start` (valid until the next call), `value(i, p)` the value of row `i` at pixel `p`.
    @inline(__always)
    private func accumulate(days: [Int32], pixels: Range<Int>, row: (Int, Int, Int) -> UnsafePointer<Float>,
                            value: (Int, Int) -> Float) {
        let before = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Self.block)
        defer { before.deallocate() }
        var start = pixels.lowerBound
        while start < pixels.upperBound {
            let m = Swift.min(Self.block, pixels.upperBound - start)
            let q = start - self.pixels.lowerBound
            let (s, e, c) = (sum + q, extreme.baseAddress! + q, count.baseAddress! + q)
            for j in 0..<m { before[j] = c[j] }
            for i in days.indices {
                let row = row(i, start, m)
                switch reducer {
                case .max:
                    for j in 0..<m {
                        let v = row[j]
                        if !v.isNaN {
                            if c[j] == 0 || v > e[j] { e[j] = v }
                            c[j] += 1
                        }
                    }
                case .min:
                    for j in 0..<m {
                        let v = row[j]
                        if !v.isNaN {
                            if c[j] == 0 || v < e[j] { e[j] = v }
                            c[j] += 1
                        }
                    }
                default:
                    for j in 0..<m {
                        let v = row[j], valid = !v.isNaN
                        // Adding +0.0 for a gap leaves the sum as it is (it starts at +0.0, so it is never -0.0).
                        s[j] += valid ? Double(v) : 0
                        c[j] &+= valid ? 1 : 0
                    }
                }
            }
            // The days of the first and last valid observations, for the pixels this group added to: a short
            // scan from the group's ends (usually its first and last rows), outside the loops above.
            let (f, l) = (first.baseAddress! + q, last.baseAddress! + q)
            for j in 0..<m where c[j] != before[j] {
                if before[j] == 0 {
                    var a = 0
                    while value(a, start + j).isNaN { a += 1 }
                    f[j] = days[a]
                }
                var b = days.count - 1
                while value(b, start + j).isNaN { b -= 1 }
                l[j] = days[b]
            }
            start += m
        }
    }

    /// The reduced values of `pixels` into `output` (NaN where a pixel falls short of `rule`) and their
    /// valid observations into `counts`; returns how many pixels met the rule.
    public func finish(rule: CompletenessRule, periodDays: Int, pixels: Range<Int>,
                       output: UnsafeMutableBufferPointer<Float>, counts: UnsafeMutableBufferPointer<Float>) -> Int {
        // What a pixel's value is, decided once (comparing the reducer, an enum with a payload, per pixel cost more than
        // the arithmetic).
        enum Kind { case mean, sum, count, extreme, storedMean, storedSum }
        let kind: Kind
        switch reducer {
        case .mean: kind = storedSums == nil ? .mean : .storedMean
        case .sum: kind = storedSums == nil ? .sum : .storedSum
        case .count: kind = .count
        default: kind = .extreme
        }
        let stored = storedSums ?? StoredSums(unsigned: false, scale: 1, offset: 0)
        let minimum = reducer.minimumObservations
        var met = 0
        for p in pixels {
            let q = p - self.pixels.lowerBound
            let n = Int(count[q])
            counts[p] = Float(n)
            guard n > 0, n >= minimum,
                  rule.isMet(count: n, first: Int(first[q]), last: Int(last[q]), periodDays: periodDays) else {
                output[p] = .nan
                continue
            }
            let r: Float
            switch kind {
            case .mean: r = Float(sum[q] / Double(n))
            case .sum: r = Float(sum[q])
            case .count: r = Float(n)
            case .extreme: r = extreme[q]
            case .storedMean: r = stored.value(sum: integerSum[q], count: n, mean: true)
            case .storedSum: r = stored.value(sum: integerSum[q], count: n, mean: false)
            }
            output[p] = r
            if !r.isNaN { met += 1 }
        }
        return met
    }
}
