import Dispatch

/// Theil-Sen slope and Mann-Kendall test for every pixel of a window, from a
/// stack of annual layers.
///
/// The stack is layer-major: `stack[layer * pixelCount + pixel]`, one layer
/// per entry of `years` (the layers a caller reads from GDAL one after the
/// other). A value that is NaN, infinite or equal to `nodata` is a missing
/// year and is dropped for that pixel only.
///
/// `run` allocates its scratch buffers once per call, never per pixel, and
/// touches only the pixels of the range it is given, so calls on disjoint
/// ranges may run on different threads at the same time (the usual split is
/// one call per row chunk of a strip).
public struct TrendBatch: Sendable, Hashable, Codable {
    /// The year of each layer of the stack, strictly increasing.
    public let years: [Double]
    /// Pixels with fewer valid years get NaN in every output (at least 2).
    public let minimumYears: Int

    /// A kernel for stacks with one layer per entry of `years`.
    public init(years: [Double], minimumYears: Int = 3) {
        precondition(!years.isEmpty, "a trend needs years")
        precondition(zip(years, years.dropFirst()).allSatisfy { $0 < $1 }, "years must be strictly increasing")
        precondition(minimumYears >= 2, "a slope needs at least two years")
        self.years = years
        self.minimumYears = minimumYears
    }

    /// A kernel for consecutive years `firstYear...lastYear`.
    public init(firstYear: Int, lastYear: Int, minimumYears: Int = 3) {
        self.init(years: (firstYear...lastYear).map(Double.init), minimumYears: minimumYears)
    }

    /// Computes the outputs of the pixels in `pixels` (indices into each
    /// layer, `0..<pixelCount`). Each output buffer is indexed by pixel like
    /// one layer, and any of them may be nil. Pixels without enough valid
    /// years get NaN.
    ///
    /// - Parameters:
    ///   - stack: `years.count * pixelCount` values, layer-major.
    ///   - nodata: the stack's nodata value, if any (NaN is always missing).
    ///   - slope: Theil-Sen slope, in value units per year.
    ///   - z: Mann-Kendall Z (continuity corrected, ties corrected).
    ///   - pValue: two-sided p-value of Z.
    ///   - s: Mann-Kendall S (as Float; exact below 2^24).
    public func run(
        stack: UnsafeBufferPointer<Float>, pixelCount: Int, pixels: Range<Int>, nodata: Float? = nil,
        slope: UnsafeMutableBufferPointer<Float>? = nil,
        z: UnsafeMutableBufferPointer<Float>? = nil,
        pValue: UnsafeMutableBufferPointer<Float>? = nil,
        s: UnsafeMutableBufferPointer<Float>? = nil
    ) {
        let layers = years.count
        precondition(stack.count >= layers * pixelCount, "the stack is shorter than years x pixels")
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= pixelCount, "pixel range outside the window")
        for out in [slope, z, pValue, s] {
            if let out { precondition(out.count >= pixelCount, "an output buffer is shorter than a layer") }
        }
        let nd = nodata ?? .nan
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let tiesScratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let pairs = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, TheilSen.pairCount(layers)))
        defer {
            x.deallocate()
            y.deallocate()
            tiesScratch.deallocate()
            pairs.deallocate()
        }
        let fullTable = PairTable(years: years)
        defer { fullTable?.deallocate() }
        years.withUnsafeBufferPointer { yearBuffer in
            for p in pixels {
                var n = 0
                for l in 0..<layers {
                    let v = stack[l * pixelCount + p]
                    if v.isFinite && v != nd {
                        x[n] = yearBuffer[l]
                        y[n] = Double(v)
                        n += 1
                    }
                }
                guard n >= minimumYears else {
                    slope?[p] = .nan
                    z?[p] = .nan
                    pValue?[p] = .nan
                    s?[p] = .nan
                    continue
                }
                let xb = UnsafeBufferPointer(x), yb = UnsafeBufferPointer(y)
                if n == layers, let table = fullTable {
                    // Every year present: the pairs and their year gaps are fixed, so
                    // slopes are differences times precomputed reciprocals, and S comes
                    // from the same differences (one pass over the pairs).
                    var sSum = 0
                    let ti = table.i.baseAddress!, tj = table.j.baseAddress!, tg = table.inverseGap.baseAddress!
                    let yp = yb.baseAddress!, out = pairs.baseAddress!
                    for k in 0..<table.count {
                        let d = yp[tj[k]] - yp[ti[k]]
                        out[k] = d * tg[k]
                        sSum &+= (d > 0 ? 1 : 0) &- (d < 0 ? 1 : 0)
                    }
                    if let slope { slope[p] = Float(OrderStatistics.median(pairs, count: table.count)) }
                    if z != nil || pValue != nil || s != nil {
                        let mk = MannKendall(count: n, s: sSum, variance: MannKendall.variance(y: yb, count: n, scratch: tiesScratch))
                        z?[p] = Float(mk.z)
                        if pValue != nil { pValue?[p] = Float(mk.pValue) }
                        s?[p] = Float(mk.s)
                    }
                    continue
                }
                if let slope { slope[p] = Float(TheilSen.slope(x: xb, y: yb, count: n, scratch: pairs)) }
                if z != nil || pValue != nil || s != nil {
                    let mk = MannKendall.test(y: yb, count: n, scratch: tiesScratch)
                    z?[p] = Float(mk.z)
                    pValue?[p] = Float(mk.pValue)
                    s?[p] = Float(mk.s)
                }
            }
        }
    }

    /// `run` over every pixel, split into `chunks` ranges computed on all
    /// cores (`DispatchQueue.concurrentPerform`). A convenience for callers
    /// that do not chunk themselves.
    public func runConcurrently(
        stack: UnsafeBufferPointer<Float>, pixelCount: Int, nodata: Float? = nil, chunks: Int = 16,
        slope: UnsafeMutableBufferPointer<Float>? = nil,
        z: UnsafeMutableBufferPointer<Float>? = nil,
        pValue: UnsafeMutableBufferPointer<Float>? = nil,
        s: UnsafeMutableBufferPointer<Float>? = nil
    ) {
        let chunkCount = max(1, min(chunks, pixelCount))
        let size = (pixelCount + chunkCount - 1) / chunkCount
        // The buffers are written at disjoint pixel ranges only.
        nonisolated(unsafe) let stack = stack
        nonisolated(unsafe) let outs = (slope, z, pValue, s)
        let kernel = self
        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
            let lo = c * size, hi = min(pixelCount, lo + size)
            guard lo < hi else { return }
            kernel.run(stack: stack, pixelCount: pixelCount, pixels: lo..<hi, nodata: nodata,
                       slope: outs.0, z: outs.1, pValue: outs.2, s: outs.3)
        }
    }
}


/// The year pairs (i < j) of a complete series with the reciprocals of their
/// year gaps, precomputed once per batch (raw buffers: the hot loop reads them
/// without reference counting or bounds checks).
struct PairTable {
    let i: UnsafeMutableBufferPointer<Int>
    let j: UnsafeMutableBufferPointer<Int>
    let inverseGap: UnsafeMutableBufferPointer<Double>

    /// Nil when two layers share a year (their pairs have no slope).
    init?(years: [Double]) {
        var a: [Int] = [], b: [Int] = [], g: [Double] = []
        for p in 0..<years.count {
            for q in (p + 1)..<max(p + 1, years.count) {
                guard years[q] != years[p] else { return nil }
                a.append(p); b.append(q); g.append(1 / (years[q] - years[p]))
            }
        }
        i = .allocate(capacity: max(1, a.count)); _ = i.initialize(from: a)
        j = .allocate(capacity: max(1, b.count)); _ = j.initialize(from: b)
        inverseGap = .allocate(capacity: max(1, g.count)); _ = inverseGap.initialize(from: g)
        if a.isEmpty { i[0] = 0; j[0] = 0; inverseGap[0] = 0 }
        count = a.count
    }

    /// Number of pairs.
    let count: Int
    /// Frees the buffers.
    func deallocate() { i.deallocate(); j.deallocate(); inverseGap.deallocate() }
}
