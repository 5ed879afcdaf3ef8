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
        let pairCount = TheilSen.pairCount(layers)
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let y = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, TheilSen.scratchCount(layers)))
        defer {
            x.deallocate()
            y.deallocate()
            scratch.deallocate()
        }
        let pairs = UnsafeMutableBufferPointer(rebasing: scratch[0..<pairCount])
        let selection = UnsafeMutableBufferPointer(rebasing: scratch[pairCount...])
        // The reciprocals of the year gaps of a complete series, pair order
        // (i outer, j inner), computed once per call.
        let inverseGaps = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, pairCount))
        defer { inverseGaps.deallocate() }
        var pairIndex = 0
        for i in 0..<layers {
            for j in (i + 1)..<max(i + 1, layers) {
                inverseGaps[pairIndex] = 1 / (years[j] - years[i])
                pairIndex += 1
            }
        }
        let wantsMannKendall = z != nil || pValue != nil || s != nil
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
                if n == layers {
                    // Every year present: the pairs and their year gaps are fixed, so the
                    // slopes are differences times precomputed reciprocals, written in pair
                    // order (i outer, j inner) so the inner loop runs over contiguous memory
                    // without a branch; S and the number of tied pairs come from the same
                    // differences.
                    var sSum = 0, tiedPairs = 0, k = 0
                    let gaps = inverseGaps.baseAddress!, yp = yb.baseAddress!, out = pairs.baseAddress!
                    var signs = SIMD4<Int64>(), ties = SIMD4<Int64>()
                    for i in 0..<(n - 1) {
                        let yi = yp[i]
                        let yis = SIMD4<Double>(repeating: yi)
                        var j = i + 1
                        // Four pairs at a time; the comparison masks are 0 or -1 per lane.
                        while j &+ 4 <= n {
                            let at = k &+ j &- i &- 1
                            let d = UnsafeRawPointer(yp + j).loadUnaligned(as: SIMD4<Double>.self) - yis
                            let g = UnsafeRawPointer(gaps + at).loadUnaligned(as: SIMD4<Double>.self)
                            UnsafeMutableRawPointer(out + at).storeBytes(of: d * g, as: SIMD4<Double>.self)
                            signs &+= unsafeBitCast(d .< 0, to: SIMD4<Int64>.self) &- unsafeBitCast(d .> 0, to: SIMD4<Int64>.self)
                            ties &-= unsafeBitCast(d .== 0, to: SIMD4<Int64>.self)
                            j &+= 4
                        }
                        while j < n {
                            let at = k &+ j &- i &- 1
                            let d = yp[j] - yi
                            out[at] = d * gaps[at]
                            sSum &+= (d > 0 ? 1 : 0) &- (d < 0 ? 1 : 0)
                            tiedPairs &+= d == 0 ? 1 : 0
                            j &+= 1
                        }
                        k &+= n &- 1 &- i
                    }
                    sSum &+= Int(signs.wrappedSum())
                    tiedPairs &+= Int(ties.wrappedSum())
                    if let slope { slope[p] = Float(OrderStatistics.median(pairs, count: pairCount, scratch: selection)) }
                    if wantsMannKendall {
                        // Without a tied pair there is no ties term to count.
                        let variance = tiedPairs == 0 ? MannKendall.variance(count: n, tieTerm: 0)
                                                      : MannKendall.variance(y: yb, count: n)
                        let zValue = MannKendall.z(s: sSum, variance: variance)
                        z?[p] = Float(zValue)
                        if pValue != nil { pValue?[p] = Float(NormalDistribution.twoSidedPValue(zValue)) }
                        s?[p] = Float(sSum)
                    }
                    continue
                }
                if let slope { slope[p] = Float(TheilSen.slope(x: xb, y: yb, count: n, scratch: scratch)) }
                if wantsMannKendall {
                    let mk = MannKendall.test(y: yb, count: n)
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
