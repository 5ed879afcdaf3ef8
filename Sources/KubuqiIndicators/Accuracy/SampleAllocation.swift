/// How a sample of `n` units is shared between the strata of a class map.
public enum SampleAllocation: Sendable, Equatable, CustomStringConvertible {
    /// In proportion to each stratum's mapped area.
    case proportional
    /// The same number in every stratum.
    case equal
    /// At least `minimum` units in every stratum (or all of its units when it has fewer), the
    /// rest in proportion to area: the compromise Olofsson et al. (2014, section 5.1.3)
    /// recommend so that rare change classes get enough points for their user's accuracy.
    case compromise(minimum: Int)

    public var description: String {
        switch self {
        case .proportional: return "proportional"
        case .equal: return "equal"
        case .compromise(let m): return "compromise (at least \(m) per stratum, the rest proportional to area)"
        }
    }

    /// Units per stratum, summing to `total` (less where the strata hold fewer units). `weights`
    /// are the strata's area shares, `available` their sizes in units. Fractions are settled by
    /// largest remainder, ties to the earlier stratum, so the result is deterministic.
    public func allocate(total: Int, weights: [Double], available: [Int]) -> [Int] {
        let k = weights.count
        precondition(available.count == k && total >= 0)
        let capacity = available.reduce(0, +)
        let target = min(total, capacity)
        var fixed = [Int?](repeating: nil, count: k)
        switch self {
        case .proportional:
            break
        case .equal:
            // Equal shares; a stratum too small for its share gives the rest to the others.
            var left = target
            var open = (0..<k).filter { available[$0] > 0 }
            for i in 0..<k where available[i] == 0 { fixed[i] = 0 }
            while !open.isEmpty {
                let share = left / open.count
                let small = open.filter { available[$0] <= share }
                if small.isEmpty {
                    var extra = left - share * open.count
                    for i in open { fixed[i] = share + (extra > 0 ? 1 : 0); extra -= 1 }
                    return fixed.map { $0 ?? 0 }
                }
                for i in small { fixed[i] = available[i]; left -= available[i] }
                open.removeAll { small.contains($0) }
            }
            return fixed.map { $0 ?? 0 }
        case .compromise(let minimum):
            for i in 0..<k where available[i] <= minimum { fixed[i] = available[i] }
            // Strata whose proportional share falls below the minimum get the minimum; repeat
            // until the proportional rest no longer pushes any stratum under it.
            while true {
                let used = fixed.compactMap { $0 }.reduce(0, +)
                let open = (0..<k).filter { fixed[$0] == nil }
                let openWeight = open.reduce(0) { $0 + weights[$1] }
                let rest = max(0, target - used)
                let under = open.filter { openWeight <= 0 || Double(rest) * weights[$0] / openWeight < Double(minimum) }
                if under.isEmpty { break }
                for i in under { fixed[i] = min(minimum, available[i]) }
            }
        }
        // Proportional over the strata not fixed, capped by their sizes, by largest remainder.
        var result = fixed.map { $0 ?? 0 }
        var open = (0..<k).filter { fixed[$0] == nil && available[$0] > 0 }
        var rest = max(0, target - result.reduce(0, +))
        while rest > 0 && !open.isEmpty {
            let openWeight = open.reduce(0) { $0 + weights[$1] }
            let exact = open.map { openWeight > 0 ? Double(rest) * weights[$0] / openWeight : Double(rest) / Double(open.count) }
            var share = exact.map { Int($0.rounded(.down)) }
            var left = rest - share.reduce(0, +)
            let order = open.indices.sorted { (exact[$0] - Double(share[$0]), -$0) > (exact[$1] - Double(share[$1]), -$1) }
            for idx in order where left > 0 { share[idx] += 1; left -= 1 }
            var capped = false
            for (idx, i) in open.enumerated() {
                let room = available[i] - result[i]
                let add = min(share[idx], room)
                if add < share[idx] { capped = true }
                result[i] += add
                rest -= add
            }
            if !capped { break }
            open.removeAll { result[$0] >= available[$0] }
        }
        return result
    }
}
