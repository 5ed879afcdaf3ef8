/// The productivity trajectory classes of an integer stack decided by counting
/// pairs, eight pixels at a time, in 32-bit integers: no slope, no median, no
/// floating point before Z (docs/ldn-method.md, "Trajectory by counting").
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
    /// Eight 32-bit lanes: one per pixel of a block.
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
    public func run(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, pixels: Range<Int>,
                    classes: UnsafeMutableBufferPointer<Int16>) {
        let layers = years.count
        precondition(stack.count >= layers * n, "the stack is shorter than years x pixels")
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= n && classes.count >= n, "pixel range outside the window")
        let w = Self.width
        let raw = UnsafeMutablePointer<Int32>.allocate(capacity: layers * w)
        let valid = UnsafeMutablePointer<Lanes>.allocate(capacity: layers)
        let values = UnsafeMutablePointer<Lanes>.allocate(capacity: layers)
        let ties = UnsafeMutablePointer<Lanes>.allocate(capacity: layers)
        defer { raw.deallocate(); valid.deallocate(); values.deallocate(); ties.deallocate() }
        var block = Block()
        var start = pixels.lowerBound
        while start < pixels.upperBound {
            let count = min(w, pixels.upperBound - start)
            load(stack: stack, pixelCount: n, first: start, count: count, raw: raw, valid: valid, values: values)
            tally(into: &block, valid: valid, values: values, ties: ties)
            for k in 0..<count { classes[start + k] = decide(lane: k, block: block, raw: raw, valid: valid) }
            start += count
        }
    }

    /// The counts of one block, per lane.
    struct Block {
        var positive = Lanes(), negative = Lanes(), above = Lanes(), below = Lanes()
        var validYears = Lanes(), tieTerm = Lanes()
    }

    /// Step 1: a block's stored integers (`raw`, layer-major by 8 lanes), their validity masks
    /// (−1 valid, 0 not) and y·q (0 where invalid); lanes past `count` are invalid.
    @inline(__always)
    private func load(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, first: Int, count: Int,
                      raw: UnsafeMutablePointer<Int32>, valid: UnsafeMutablePointer<Lanes>, values: UnsafeMutablePointer<Lanes>) {
        let w = Self.width, q = Lanes(repeating: edgeDenominator)
        for l in 0..<years.count {
            let src = stack.baseAddress! + l * n + first
            var mask = Lanes()
            for k in 0..<w {
                var v: Int32 = 0, ok: Int32 = 0
                if k < count {
                    let f = src[k]
                    if abs(f) <= 16_777_216, f == f.rounded(.towardZero) { v = Int32(f); ok = -1 }
                }
                raw[l * w + k] = v
                mask[k] = ok
            }
            valid[l] = mask
            let stored = UnsafeRawPointer(raw + l * w).loadUnaligned(as: Lanes.self)
            values[l] = edgeDenominator == 1 ? stored : stored &* q
        }
    }

    /// Step 2: S's two counts, the slopes above T and below −T, the valid years and the ties term,
    /// over every pair of the block's layers (compare masks are −1 per true lane).
    @inline(__always)
    private func tally(into b: inout Block, valid: UnsafeMutablePointer<Lanes>, values: UnsafeMutablePointer<Lanes>,
                       ties: UnsafeMutablePointer<Lanes>) {
        let layers = years.count
        var positive = Lanes(), negative = Lanes(), above = Lanes(), below = Lanes(), validCount = Lanes()
        for l in 0..<layers { ties[l] = Lanes() }
        let zero = Lanes(), everyLane = Lanes(repeating: -1)
        let hasEdge = edgeNumerator != 0
        var complete = true
        for l in 0..<layers where valid[l] != everyLane { complete = false; break }
        // `masked` false (every year of every lane valid, the common block) drops the pair masks; the
        // optimizer folds `x & everyLane` away in that copy of the loop.
        @inline(__always) func pairs(masked: Bool, _ edges: UnsafeBufferPointer<Int32>) {
            var pair = 0
            for i in 0..<layers {
                let yi = values[i], vi = masked ? valid[i] : everyLane
                validCount &-= vi
                var tiedWithI = Lanes()
                for j in (i + 1)..<max(i + 1, layers) {
                    let both = masked ? vi & valid[j] : everyLane
                    let d = values[j] &- yi
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
        b.positive = positive
        b.negative = negative
        b.above = hasEdge ? above : positive
        b.below = hasEdge ? below : negative
        b.validYears = validCount
        b.tieTerm = term
    }

    /// Step 3: one lane's class from its counts.
    @inline(__always)
    private func decide(lane k: Int, block b: Block, raw: UnsafeMutablePointer<Int32>, valid: UnsafeMutablePointer<Lanes>) -> Int16 {
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
        for l in 0..<years.count where valid[l][k] != 0 {
            let v = Int(raw[l * Self.width + k])
            x.append(years[l])
            y.append(rising ? v : -v)
        }
        let agrees = TheilSen.exactSlopeExceeds(x: x, y: y, numerator: Int128(edgeNumerator), denominator: Int128(edgeDenominator))!
        return agrees ? level : 0
    }
}
