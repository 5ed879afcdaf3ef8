import KubuqiRaster

/// The units drawn in each stratum of a stratified random sample: for stratum `i` with `N_i`
/// units of which `n_i` are drawn, a uniformly random subset of the ranks `0..<N_i` (rank = the
/// unit's position among the stratum's units in row-major order), by Floyd's algorithm (Bentley
/// and Floyd 1987, "Programming pearls: a sample of brilliance", CACM 30(9)) over SplitMix64 with
/// unbiased bounded integers (Lemire 2019). The same seed gives the same sample on every machine.
public struct StratumDraw: Sendable {
    /// The drawn ranks of each stratum, ascending.
    public let ranks: [[Int]]

    /// Draws `sizes[i]` of `available[i]` ranks in every stratum, strata in order, from `seed`.
    public init(sizes: [Int], available: [Int], seed: UInt64) {
        precondition(sizes.count == available.count)
        var rng = SplitMix64(seed: seed)
        ranks = zip(sizes, available).map { n, total in
            precondition(n >= 0 && n <= total)
            var chosen = Set<Int>()
            chosen.reserveCapacity(n)
            for j in (total - n)..<total {
                let t = Self.uniform(below: UInt64(j + 1), &rng)
                if !chosen.insert(Int(t)).inserted { chosen.insert(j) }
            }
            return chosen.sorted()
        }
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject).
    static func uniform(below bound: UInt64, _ rng: inout SplitMix64) -> UInt64 {
        precondition(bound > 0)
        while true {
            let x = rng.next()
            let m = x.multipliedFullWidth(by: bound)
            if m.low >= (0 &- bound) % bound { return m.high }
        }
    }
}

extension StratumDraw {
    /// Walks the units of all strata in row-major order and says which are drawn: feed it each
    /// valid unit's stratum in turn.
    public struct Locator: Sendable {
        private let ranks: [[Int]]
        private var seen: [Int]
        private var next: [Int]

        /// A locator for `draw`.
        public init(_ draw: StratumDraw) {
            ranks = draw.ranks
            seen = [Int](repeating: 0, count: draw.ranks.count)
            next = seen
        }

        /// Whether the next unit of stratum `k` is drawn.
        public mutating func isDrawn(stratum k: Int) -> Bool {
            defer { seen[k] += 1 }
            guard next[k] < ranks[k].count, ranks[k][next[k]] == seen[k] else { return false }
            next[k] += 1
            return true
        }
    }
}
