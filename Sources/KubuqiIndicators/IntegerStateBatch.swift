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
        let raw = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, nb + nr) * w)
        defer { scalar.deallocate(); recentScratch.deallocate(); lanes.deallocate(); raw.deallocate() }
        // The per-pixel path (a block with a missing year, the last partial block).
        func single(_ p: Int) {
            var b = 0, r = 0
            for l in baselineLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { scalar[b] = v; b += 1 } }
            for l in recentLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { recentScratch[r] = v; r += 1 } }
            status[p] = evaluator.status(sortingBaseline: scalar, baselineCount: b, recent: recentScratch, recentCount: r)
        }
        let plan = evaluator.sortedPlan(baselineCount: nb, recentCount: nr)
        let blocks = plan == nil ? 0 : n / w
        let network = Self.network(count: nb)
        let base = stack.baseAddress!
        network.withUnsafeBufferPointer { net in
            for block in 0..<blocks {
                let first = block * w
                var complete = true
                for (k, l) in baselineLayers.enumerated() { complete = Self.load(base + l * n + first, into: raw + k * w) && complete }
                for (k, l) in recentLayers.enumerated() { complete = Self.load(base + l * n + first, into: raw + (nb + k) * w) && complete }
                var baselineSum = Lanes(), recentSum = Lanes()
                for k in 0..<nb {
                    let v = UnsafeRawPointer(raw + k * w).loadUnaligned(as: Lanes.self)
                    lanes[k] = v
                    baselineSum &+= v
                }
                for k in nb..<(nb + nr) { recentSum &+= UnsafeRawPointer(raw + k * w).loadUnaligned(as: Lanes.self) }
                guard complete else {
                    for p in first..<(first + w) { single(p) }
                    continue
                }
                Self.sort(lanes, comparators: net)
                let sorted = UnsafeRawPointer(lanes).assumingMemoryBound(to: Int32.self)
                for k in 0..<w {
                    status[first + k] = evaluator.status(sortedBaseline: sorted + k, stride: w, plan: plan!,
                                                         baselineSum: Int(baselineSum[k]), recentSum: Int(recentSum[k]))
                }
            }
        }
        for p in (blocks * w)..<n { single(p) }
    }

    /// Eight values as stored integers into `out` (plain memory: writing single lanes of a vector would
    /// stall every later load of it), and whether every one of them is one (|v| ≤ 2^24, integral, as
    /// `ProductivityValues.storedInteger`); the others are written as 0.
    @inline(__always)
    static func load(_ src: UnsafePointer<Float>, into out: UnsafeMutablePointer<Int32>) -> Bool {
        var ok = true
        for k in 0..<width {
            let f = src[k]
            let inRange = abs(f) <= 16_777_216   // false for NaN
            let g: Float = inRange ? f : 0
            let i = Int32(g)
            ok = ok && inRange && Float(i) == g
            out[k] = i
        }
        return ok
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
