/// The percentile-class state of an integer stack eight pixels at a time: the status of
/// `IntegerStateEvaluator.status(sortingBaseline:...)` for every pixel, with the baseline sorted by a
/// sorting network over eight 32-bit lanes (one pixel per lane) instead of one insertion sort per pixel
/// (docs/ldn-method.md, "State by a sorting network").
///
/// A block of eight pixels whose every baseline and recent year is a stored integer (the common block)
/// is sorted by the fixed comparators of Batcher's odd-even merge sort for the baseline's year count:
/// each comparator puts the lane-wise minimum of two vectors first and the maximum second, with no
/// data-dependent branch. A sorting network sorts every input (checked exhaustively on 0/1 inputs,
/// Knuth's 0-1 principle, in IntegerStateBatchTests), and the ascending order of integers is unique, so
/// each lane holds the same sorted baseline as the insertion sort; the deciles, the means' classes and
/// the minimum difference are then decided per lane by the same integer comparisons
/// (`IntegerStateEvaluator.status(sortedBaseline:...)`). Blocks with a missing year, the last partial
/// block, and parameters outside the 64-bit bounds take the per-pixel path.
public struct IntegerStateBatch: Sendable {
    /// Eight 32-bit lanes, one per pixel.
    typealias Lanes = SIMD8<Int32>
    static let width = 8

    let evaluator: IntegerStateEvaluator

    /// A batch for `evaluator` (which must extend outwards, `extendsOutward`).
    public init(evaluator: IntegerStateEvaluator) {
        self.evaluator = evaluator
    }

    /// The comparators (i, j), i < j, of Batcher's odd-even merge sort of `n` values (Knuth, TAOCP 3,
    /// §5.3.4, Algorithm M): the network for the next power of two with every comparator that touches an
    /// index ≥ n dropped (those indices would hold +∞, so the dropped comparators would leave every value in
    /// place). Flattened: i₀, j₀, i₁, j₁, …
    public static func network(count n: Int) -> [Int] {
        var out: [Int] = []
        var p = 1
        while p < n {
            var k = p
            while k >= 1 {
                var j = k % p
                while j <= n - 1 - k {
                    for i in 0...min(k - 1, n - j - k - 1) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        out.append(i + j)
                        out.append(i + j + k)
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        return out
    }

    /// Writes the state status of every pixel 0..<n into `status`: `stack` layer-major (`years × n` values),
    /// the baseline's and recent years' layers `baselineLayers` and `recentLayers`. Values that are not stored
    /// integers (`ProductivityValues.storedInteger`) are missing years, as in `ExactProductivity.state`.
    public func run(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, baselineLayers: Range<Int>, recentLayers: Range<Int>,
                    status: UnsafeMutableBufferPointer<Int16>) {
        precondition(evaluator.extendsOutward, "an extension that pushes the ends outwards")
        precondition(stack.count >= max(baselineLayers.upperBound, recentLayers.upperBound) * n && status.count >= n,
                     "the stack is shorter than layers x pixels")
        let nb = baselineLayers.count, nr = recentLayers.count, w = Self.width
        let scalar = UnsafeMutablePointer<Int>.allocate(capacity: max(1, nb))
        let recentScratch = UnsafeMutablePointer<Int>.allocate(capacity: max(1, nr))
        let lanes = UnsafeMutablePointer<Lanes>.allocate(capacity: max(1, nb))
        defer { scalar.deallocate(); recentScratch.deallocate(); lanes.deallocate() }
        // The per-pixel path (a block with a missing year, the last partial block).
        func single(_ p: Int) {
            var b = 0, r = 0
            for l in baselineLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { scalar[b] = v; b += 1 } }
            for l in recentLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { recentScratch[r] = v; r += 1 } }
            status[p] = evaluator.status(sortingBaseline: scalar, baselineCount: b, recent: recentScratch, recentCount: r)
        }
        guard let plan = evaluator.sortedPlan(baselineCount: nb, recentCount: nr) else {
            for p in 0..<n { single(p) }
            return
        }
        let network = Self.network(count: nb)
        let base = stack.baseAddress!
        network.withUnsafeBufferPointer { net in
            for block in 0..<(n / w) {
                let first = block * w
                var complete = SIMDMask<Lanes>(repeating: true)
                var baselineSum = Lanes(), recentSum = Lanes()
                for (k, l) in baselineLayers.enumerated() {
                    let (v, valid) = ProductivityValues.storedIntegers(base + l * n + first)
                    complete .&= valid
                    lanes[k] = v
                    baselineSum &+= v
                }
                for l in recentLayers {
                    let (v, valid) = ProductivityValues.storedIntegers(base + l * n + first)
                    complete .&= valid
                    recentSum &+= v
                }
                guard all(complete) else {
                    for p in first..<(first + w) { single(p) }
                    continue
                }
                Self.sort(lanes, comparators: net)
                if plan.interior, let change = Self.classChange(sorted: lanes, plan: plan, baselineSum: baselineSum, recentSum: recentSum) {
                    for k in 0..<w {
                        status[first + k] = plan.status(change: Int(change[k]), baselineSum: Int(baselineSum[k]), recentSum: Int(recentSum[k]))
                    }
                    continue
                }
                let sorted = UnsafeRawPointer(lanes).assumingMemoryBound(to: Int32.self)
                for k in 0..<w {
                    status[first + k] = evaluator.status(sortedBaseline: sorted + k, stride: w, plan: plan,
                                                         baselineSum: Int(baselineSum[k]), recentSum: Int(recentSum[k]))
                }
            }
        }
        for p in ((n / w) * w)..<n { single(p) }
    }

    /// The class change (recent class − baseline class) of eight pixels in 32-bit lanes, for a plan whose deciles
    /// fall between stored values (`SortedPlan.interior`: neither extended end enters, so D cancels out: a mean
    /// B/n lies above the percentile D·(100·v_j + f·(v_{j+1} − v_j)) / (100·D) iff 100·B > n·(100·v_j +
    /// f·(v_{j+1} − v_j)), the comparison of `status(sortedBaseline:...)` divided by D > 0). Nil when a lane's
    /// baseline leaves ±2^16 or a sum ±2^24: within them every term stays below 2^31 (|100·v + f·Δv| ≤
    /// 300·2^16, times n ≤ 64 below 2^30.3; 100·|B| below 2^30.7).
    @inline(__always)
    static func classChange(sorted: UnsafeMutablePointer<Lanes>, plan: IntegerStateEvaluator.SortedPlan,
                            baselineSum: Lanes, recentSum: Lanes) -> Lanes? {
        let limit = Lanes(repeating: 1 << 16), sums = Lanes(repeating: 1 << 24)
        guard all(sorted[0] .>= 0 &- limit), all(sorted[plan.nb &- 1] .<= limit), all(baselineSum .<= sums),
              all(baselineSum .>= 0 &- sums), all(recentSum .<= sums), all(recentSum .>= 0 &- sums) else { return nil }
        let b100 = baselineSum &* 100, r100 = recentSum &* 100
        let nb = Lanes(repeating: Int32(plan.nb)), nr = Lanes(repeating: Int32(plan.nr))
        var change = Lanes()
        for q in 0..<9 {
            let j = plan.j[q], f = Int32(plan.f[q])
            // Extended value j is stored value j − 1 of the sorted baseline.
            let a = sorted[j &- 1]
            let p = f == 0 ? a &* 100 : a &* 100 &+ Lanes(repeating: f) &* (sorted[j] &- a)
            change &-= unsafeBitCast(r100 .> p &* nr, to: Lanes.self)
            change &+= unsafeBitCast(b100 .> p &* nb, to: Lanes.self)
        }
        return change
    }

    /// Sorts `values[0..<count]` lane by lane with the network's comparators.
    @inline(__always)
    static func sort(_ values: UnsafeMutablePointer<Lanes>, comparators: UnsafeBufferPointer<Int>) {
        var c = 0
        while c < comparators.count {
            let i = comparators[c], j = comparators[c &+ 1]
            let a = values[i], b = values[j]
            // Where a > b the two swap: x = (a ^ b) on those lanes, 0 elsewhere.
            let x = (a ^ b) & unsafeBitCast(a .> b, to: Lanes.self)
            values[i] = a ^ x
            values[j] = b ^ x
            c &+= 2
        }
    }
}
