/// Medians and percentiles of small scratch buffers, without allocating.
///
/// The buffers are reordered in place; callers pass scratch copies.
enum OrderStatistics {
    /// Moves the k-th smallest element (0-based) of `b[0..<count]` to index k,
    /// with no larger element before it and no smaller one after it
    /// (Hoare's selection with a middle pivot, deterministic).
    static func select(_ b: UnsafeMutableBufferPointer<Double>, count: Int, k: Int) {
        var lo = 0, hi = count - 1
        while lo < hi {
            let pivot = b[lo + (hi - lo) / 2]
            var i = lo, j = hi
            while i <= j {
                while b[i] < pivot { i += 1 }
                while b[j] > pivot { j -= 1 }
                if i <= j {
                    b.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }

    /// The median of `b[0..<count]` (the mean of the two middle values when
    /// `count` is even, as numpy's `median`); NaN when `count` is 0.
    static func median(_ b: UnsafeMutableBufferPointer<Double>, count: Int) -> Double {
        guard count > 0 else { return .nan }
        let upper = count / 2
        select(b, count: count, k: upper)
        let high = b[upper]
        if count % 2 == 1 { return high }
        // The next smaller order statistic is the largest element left of `upper`.
        var low = b[0]
        for i in 1..<upper where b[i] > low { low = b[i] }
        return (low + high) / 2
    }

    /// Sorts `b[0..<count]` ascending (insertion sort: the series are short).
    static func sort(_ b: UnsafeMutableBufferPointer<Double>, count: Int) {
        guard count > 1 else { return }
        for i in 1..<count {
            let v = b[i]
            var j = i - 1
            while j >= 0 && b[j] > v {
                b[j + 1] = b[j]
                j -= 1
            }
            b[j + 1] = v
        }
    }

    /// The `p`-th percentile (0...100) of the ascending `sorted[0..<count]` by
    /// linear interpolation between closest ranks (numpy's default "linear"
    /// method, Hyndman & Fan type 7): h = (count − 1) p / 100.
    static func percentile(sorted: UnsafeMutableBufferPointer<Double>, count: Int, _ p: Double) -> Double {
        guard count > 0 else { return .nan }
        let h = Double(count - 1) * p / 100
        let lo = Int(h.rounded(.down))
        if lo >= count - 1 { return sorted[count - 1] }
        return sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo])
    }
}
