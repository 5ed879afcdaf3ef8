/// The productivity trajectory classes of an integer stack decided by counting
/// pairs, sixteen pixels at a time in 16-bit lanes where every count fits, else
/// eight at a time in 32-bit lanes: no slope, no median, no floating point
/// before Z (docs/ldn-method.md, "Trajectory by counting").
///
/// A pixel's class needs only Mann-Kendall's S and ties (its Z, so its level
/// and direction) and whether direction × median slope > T, with
/// T = p/q = max(0, `minimumAbsoluteSlope` / scale) in stored units per year.
/// All of them are counts over the pairs i < j of the pixel's valid years:
///
/// - S = #(y_j > y_i) − #(y_j < y_i); tied values t_i = #{j ≠ i : y_j = y_i},
///   Var(S) = [n(n−1)(2n+5) − Σ_i t_i(2t_i + 7)] / 18 (a group of t + 1 equal
///   values adds (t + 1)t(2t + 7) = Σ over its members of t(2t + 7));
/// - c₊ = #((y_j − y_i)·q > p·(x_j − x_i)), the slopes above T, and
///   c₋ = #((y_j − y_i)·q < −p·(x_j − x_i)), the slopes below −T.
///
/// With m pairs and k = ⌊m/2⌋, the median of the slopes, negated for a
/// negative direction, is above T iff c ≥ m − k (c = c₊ or c₋), which decides
/// every odd m and every even m with c ≠ k (`TheilSen.exactSlopeExceeds`
/// proves it); an even m with c = k (the two middle slopes on either side of
/// T) is decided for that pixel alone by `TheilSen.exactSlopeExceeds`.
///
/// The classes are those of `ExactProductivity.trajectoryFullyExact` after
/// `TrendBatch` and `TrajectoryClass` (IntegerTrajectoryTests), with the same
/// Z (the same integers S and Var(S) through `MannKendall.z`, rounded to
/// Float). A value is valid when it is a stored integer
/// (`ProductivityValues.storedInteger`: finite, integral, |v| ≤ 2^24).
public struct IntegerTrajectory: Sendable {
    /// Eight 32-bit lanes: one per pixel of half a block.
    typealias Lanes = SIMD8<Int32>
    static let width = 8

    /// The year of each layer.
    public let years: [Int]
    /// Significance levels and the minimum slope.
    public let classifier: TrajectoryClass
    /// Pixels with fewer valid years are nodata (as `TrendBatch`).
    public let minimumYears: Int
    /// T = p / q, p ≥ 0, q > 0.
    let edgeNumerator: Int32, edgeDenominator: Int32
    /// p·(x_j − x_i) for the pairs i < j in order (i outer, j inner).
    let pairEdges: [Int32]

    /// A kernel for stacks with one layer per entry of `years` (integral,
    /// strictly increasing) of stored integers of unit `scale` (> 0). Nil
    /// when the 32-bit counts could overflow: q > 64 (so that y·q stays
    /// within 2^30 for |y| ≤ 2^24), p·(last year − first year) ≥ 2^30, or
    /// non-integral years; the caller then uses `TrendBatch` and
    /// `ExactProductivity.trajectory`.
    public init?(years: [Double], classifier: TrajectoryClass, scale: Rational, minimumYears: Int = 3) {
        guard scale.signum > 0, !years.isEmpty, years.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e6 }),
              zip(years, years.dropFirst()).allSatisfy({ $0 < $1 }), minimumYears >= 2 else { return nil }
        let minimum = Rational(decimal: classifier.minimumAbsoluteSlope) ?? Rational(0)
        let edge = minimum.signum > 0 ? minimum / scale : Rational(0)
        let span = Int128(years.last! - years.first!)
        guard edge.denominator > 0, edge.denominator <= 64, edge.numerator >= 0,
              edge.numerator * max(1, span) < (1 << 30) else { return nil }
        self.years = years.map { Int($0) }
        self.classifier = classifier
        self.minimumYears = minimumYears
        edgeNumerator = Int32(edge.numerator)
        edgeDenominator = Int32(edge.denominator)
        var edges: [Int32] = []
        for i in 0..<years.count {
            for j in (i + 1)..<max(i + 1, years.count) { edges.append(Int32(edge.numerator) * Int32(self.years[j] - self.years[i])) }
        }
        pairEdges = edges
    }

    /// Writes the class −3…3 (or `DegradationStatus.nodata`) of every pixel of
    /// `pixels` into `classes` (indexed like one layer). `stack` is layer-major,
    /// `years.count × pixelCount` values. Calls on disjoint ranges may run at
    /// the same time.
    ///
    /// Sixteen pixels at a time: a block whose valid y·q all lie in [−2^14, 2^14) is counted in 16-bit
    /// lanes (`narrowLayers`: every difference then fits in 16 bits, and with at most 24 layers so do every
    /// count and the ties term, n(n − 1)(2n + 5) < 2^15), any other block as two blocks of eight 32-bit lanes.
    public func run(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, pixels: Range<Int>,
                    classes: UnsafeMutableBufferPointer<Int16>) {
        let layers = years.count
        precondition(stack.count >= layers * n, "the stack is shorter than years x pixels")
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= n && classes.count >= n, "pixel range outside the window")
        let w = Self.blockWidth
        let raw = UnsafeMutablePointer<Int32>.allocate(capacity: layers * w)
        let ok = UnsafeMutablePointer<Int16>.allocate(capacity: layers * w)
        let ok32 = UnsafeMutablePointer<Int32>.allocate(capacity: layers * w)
        let scaled = UnsafeMutablePointer<Int16>.allocate(capacity: layers * w)
        let ties = UnsafeMutablePointer<Lanes>.allocate(capacity: layers)
        let ties16 = UnsafeMutablePointer<Lanes16>.allocate(capacity: layers)
        let counts = Counts()
        defer {
            raw.deallocate(); ok.deallocate(); ok32.deallocate(); scaled.deallocate(); ties.deallocate(); ties16.deallocate()
            counts.free()
        }
        let narrowLayers = layers <= Self.narrowLayerLimit
        var start = pixels.lowerBound
        while start < pixels.upperBound {
            let count = min(w, pixels.upperBound - start)
            var complete = false
            let fits = load(stack: stack, pixelCount: n, first: start, count: count, raw: raw, ok: ok, ok32: ok32, scaled: scaled,
                            complete: &complete)
            if narrowLayers && fits {
                tally16(into: counts, complete: complete, valid: UnsafeRawPointer(ok), values: UnsafeRawPointer(scaled), ties: ties16)
            } else {
                for half in 0..<(count > Self.width ? 2 : 1) {
                    tally(into: counts, lanes: half * Self.width, valid: UnsafeRawPointer(ok32), values: UnsafeRawPointer(raw), ties: ties)
                }
            }
            for k in 0..<count { classes[start + k] = decide(lane: k, counts: counts, raw: raw, ok: ok) }
            start += count
        }
    }

    /// Pixels per block.
    static let blockWidth = 16
    /// The most layers counted in 16-bit lanes: with n layers every count is at most n(n − 1)/2 and the ties
    /// term at most n(n − 1)(2n + 5), below 2^15 for n ≤ 24.
    static let narrowLayerLimit = 24
    /// Sixteen 16-bit lanes: one per pixel of a block.
    typealias Lanes16 = SIMD16<Int16>

    /// The counts of one block, per lane (16 lanes each), in plain memory: S's two counts, the slopes above T
    /// and below −T, the valid years and the ties term.
    struct Counts {
        let storage = UnsafeMutablePointer<Int32>.allocate(capacity: 6 * IntegerTrajectory.blockWidth)
        var positive: UnsafeMutablePointer<Int32> { storage }
        var negative: UnsafeMutablePointer<Int32> { storage + IntegerTrajectory.blockWidth }
        var above: UnsafeMutablePointer<Int32> { storage + 2 * IntegerTrajectory.blockWidth }
        var below: UnsafeMutablePointer<Int32> { storage + 3 * IntegerTrajectory.blockWidth }
        var validYears: UnsafeMutablePointer<Int32> { storage + 4 * IntegerTrajectory.blockWidth }
        var tieTerm: UnsafeMutablePointer<Int32> { storage + 5 * IntegerTrajectory.blockWidth }
        func free() { storage.deallocate() }
    }

    /// Step 1: a block's stored integers (`raw`, layer-major by 16 lanes), their validity masks (`ok` and
    /// `ok32`: −1 valid, 0 not) and y·q in 16 bits (`scaled`, 0 where invalid; meaningful only when the result
    /// is true); lanes past `count` are invalid; `complete` whether every lane of every layer is valid. True
    /// when every valid y·q lies in [−2^14, 2^14). Written to plain memory (writing single lanes of a vector
    /// would stall every later load of it); a whole block eight values at a time, without a branch.
    @inline(__always)
    private func load(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, first: Int, count: Int, raw: UnsafeMutablePointer<Int32>,
                      ok: UnsafeMutablePointer<Int16>, ok32: UnsafeMutablePointer<Int32>, scaled: UnsafeMutablePointer<Int16>,
                      complete: inout Bool) -> Bool {
        let w = Self.blockWidth, q = edgeDenominator
        var outside: Int32 = 0, invalid: Int32 = 0
        if count == w {
            // Eight lanes at a time, without a branch (`ProductivityValues.storedIntegers`).
            var outsideLanes = Lanes(), validLanes = SIMDMask<Lanes>(repeating: true)
            for l in 0..<years.count {
                for half in 0..<2 {
                    let at = l &* w &+ half &* Self.width
                    let (v, valid) = ProductivityValues.storedIntegers(stack.baseAddress! + l * n + first + half * Self.width)
                    let mask = unsafeBitCast(valid, to: Lanes.self), y = v &* q
                    validLanes .&= valid
                    // Outside [−2^14, 2^14): y + 2^14 has a bit at or above 2^15 (or is negative).
                    outsideLanes |= (y &+ 16_384) & ~32_767
                    UnsafeMutableRawPointer(raw + at).storeBytes(of: v, as: Lanes.self)
                    UnsafeMutableRawPointer(ok32 + at).storeBytes(of: mask, as: Lanes.self)
                    UnsafeMutableRawPointer(ok + at).storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: mask), as: SIMD8<Int16>.self)
                    UnsafeMutableRawPointer(scaled + at).storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: y), as: SIMD8<Int16>.self)
                }
            }
            complete = all(validLanes)
            return outsideLanes == Lanes()
        }
        for l in 0..<years.count {
            let src = stack.baseAddress! + l * n + first
            for k in 0..<w {
                let x = k < count ? ProductivityValues.storedInteger(src[k]) : nil
                let v = Int32(x ?? 0), at = l &* w &+ k
                raw[at] = v
                ok[at] = x == nil ? 0 : -1
                ok32[at] = x == nil ? 0 : -1
                invalid |= x == nil ? 1 : 0
                let y = v &* q
                outside |= (y &+ 16_384) & ~32_767
                scaled[at] = Int16(truncatingIfNeeded: y)
            }
        }
        complete = invalid == 0
        return outside == 0
    }

    /// Step 2 (16-bit lanes): the counts of `tally` for sixteen pixels, from `valid` and `values` (layer-major,
    /// sixteen Int16 per layer). No difference or count overflows (`load`'s range, `narrowLayerLimit`).
    @inline(__always)
    private func tally16(into b: Counts, complete: Bool, valid validRaw: UnsafeRawPointer, values valuesRaw: UnsafeRawPointer,
                         ties: UnsafeMutablePointer<Lanes16>) {
        let layers = years.count
        @inline(__always) func valid(_ l: Int) -> Lanes16 { validRaw.loadUnaligned(fromByteOffset: l * 32, as: Lanes16.self) }
        @inline(__always) func value(_ l: Int) -> Lanes16 { valuesRaw.loadUnaligned(fromByteOffset: l * 32, as: Lanes16.self) }
        var positive = Lanes16(), negative = Lanes16(), above = Lanes16(), below = Lanes16(), validCount = Lanes16()
        for l in 0..<layers { ties[l] = Lanes16() }
        let everyLane = Lanes16(repeating: -1)
        let hasEdge = edgeNumerator != 0
        @inline(__always) func pairs(masked: Bool, _ edges: UnsafeBufferPointer<Int32>) {
            var pair = 0
            for i in 0..<layers {
                let yi = value(i), vi = masked ? valid(i) : everyLane
                validCount &-= vi
                var tiedWithI = Lanes16()
                for j in (i + 1)..<max(i + 1, layers) {
                    let both = masked ? vi & valid(j) : everyLane
                    let yj = value(j)
                    positive &-= both & unsafeBitCast(yj .> yi, to: Lanes16.self)
                    negative &-= both & unsafeBitCast(yj .< yi, to: Lanes16.self)
                    let tied = both & unsafeBitCast(yj .== yi, to: Lanes16.self)
                    tiedWithI &-= tied
                    ties[j] &-= tied
                    if hasEdge {
                        // |Δ| < 2^15; an edge of 2^15 or more is never exceeded, as its clamp 32767 is not.
                        let d = yj &- yi, e = Int16(clamping: edges[pair])
                        above &-= both & unsafeBitCast(d .> Lanes16(repeating: e), to: Lanes16.self)
                        below &-= both & unsafeBitCast(d .< Lanes16(repeating: -e), to: Lanes16.self)
                    }
                    pair &+= 1
                }
                ties[i] &+= tiedWithI
            }
        }
        pairEdges.withUnsafeBufferPointer { edges in
            if complete { pairs(masked: false, edges) } else { pairs(masked: true, edges) }
        }
        var term = Lanes16()
        for l in 0..<layers { let t = ties[l]; term &+= t &* (t &+ t &+ 7) }
        if !hasEdge { (above, below) = (positive, negative) }
        for k in 0..<Self.blockWidth {
            b.positive[k] = Int32(positive[k]); b.negative[k] = Int32(negative[k])
            b.above[k] = Int32(above[k]); b.below[k] = Int32(below[k])
            b.validYears[k] = Int32(validCount[k]); b.tieTerm[k] = Int32(term[k])
        }
    }

    /// Step 2: S's two counts, the slopes above T and below −T, the valid years and the ties term,
    /// over every pair of the block's layers (compare masks are −1 per true lane).
    @inline(__always)
    private func tally(into b: Counts, lanes offset: Int, valid validRaw: UnsafeRawPointer, values valuesRaw: UnsafeRawPointer,
                       ties: UnsafeMutablePointer<Lanes>) {
        let layers = years.count, q = Lanes(repeating: edgeDenominator), rowBytes = 4 * Self.blockWidth
        // Lanes offset..<offset + 8 of layer l: its validity masks and y·q.
        @inline(__always) func valid(_ l: Int) -> Lanes { validRaw.loadUnaligned(fromByteOffset: l * rowBytes + 4 * offset, as: Lanes.self) }
        @inline(__always) func value(_ l: Int) -> Lanes {
            let y = valuesRaw.loadUnaligned(fromByteOffset: l * rowBytes + 4 * offset, as: Lanes.self)
            return edgeDenominator == 1 ? y : y &* q
        }
        var positive = Lanes(), negative = Lanes(), above = Lanes(), below = Lanes(), validCount = Lanes()
        for l in 0..<layers { ties[l] = Lanes() }
        let zero = Lanes(), everyLane = Lanes(repeating: -1)
        let hasEdge = edgeNumerator != 0
        var complete = true
        for l in 0..<layers where valid(l) != everyLane { complete = false; break }
        // `masked` false (every year of every lane valid, the common block) drops the pair masks; the
        // optimizer folds `x & everyLane` away in that copy of the loop.
        @inline(__always) func pairs(masked: Bool, _ edges: UnsafeBufferPointer<Int32>) {
            var pair = 0
            for i in 0..<layers {
                let yi = value(i), vi = masked ? valid(i) : everyLane
                validCount &-= vi
                var tiedWithI = Lanes()
                for j in (i + 1)..<max(i + 1, layers) {
                    let both = masked ? vi & valid(j) : everyLane
                    let d = value(j) &- yi
                    positive &-= both & unsafeBitCast(d .> zero, to: Lanes.self)
                    negative &-= both & unsafeBitCast(d .< zero, to: Lanes.self)
                    let tied = both & unsafeBitCast(d .== zero, to: Lanes.self)
                    tiedWithI &-= tied
                    ties[j] &-= tied
                    if hasEdge {
                        let e = edges[pair]
                        above &-= both & unsafeBitCast(d .> Lanes(repeating: e), to: Lanes.self)
                        below &-= both & unsafeBitCast(d .< Lanes(repeating: -e), to: Lanes.self)
                    }
                    pair &+= 1
                }
                ties[i] &+= tiedWithI
            }
        }
        pairEdges.withUnsafeBufferPointer { edges in
            if complete { pairs(masked: false, edges) } else { pairs(masked: true, edges) }
        }
        var term = Lanes()
        for l in 0..<layers { let t = ties[l]; term &+= t &* (t &+ t &+ 7) }
        if !hasEdge { (above, below) = (positive, negative) }
        for k in 0..<Self.width {
            b.positive[offset + k] = positive[k]; b.negative[offset + k] = negative[k]
            b.above[offset + k] = above[k]; b.below[offset + k] = below[k]
            b.validYears[offset + k] = validCount[k]; b.tieTerm[offset + k] = term[k]
        }
    }

    /// Step 3: one lane's class from its counts.
    @inline(__always)
    private func decide(lane k: Int, counts b: Counts, raw: UnsafeMutablePointer<Int32>, ok: UnsafeMutablePointer<Int16>) -> Int16 {
        let nv = Int(b.validYears[k])
        guard nv >= minimumYears else { return DegradationStatus.nodata }
        let s = Int(b.positive[k]) - Int(b.negative[k])
        let variance = MannKendall.variance(count: nv, tieTerm: Int(b.tieTerm[k]))
        let z = Float(MannKendall.z(s: s, variance: variance))
        let level = classifier.signedLevel(z: z)
        guard level != 0 else { return 0 }
        let rising = z > 0
        let c = Int(rising ? b.above[k] : b.below[k])
        let m = nv * (nv - 1) / 2, half = m / 2
        if m % 2 == 1 || c != half { return c >= m - half ? level : 0 }
        // Even m with the two middle slopes on either side of T: their mean against T, this pixel alone.
        var x: [Int] = [], y: [Int] = []
        x.reserveCapacity(nv)
        y.reserveCapacity(nv)
        for l in 0..<years.count where ok[l * Self.blockWidth + k] != 0 {
            let v = Int(raw[l * Self.blockWidth + k])
            x.append(years[l])
            y.append(rising ? v : -v)
        }
        let agrees = TheilSen.exactSlopeExceeds(x: x, y: y, numerator: Int128(edgeNumerator), denominator: Int128(edgeDenominator))!
        return agrees ? level : 0
    }
}
