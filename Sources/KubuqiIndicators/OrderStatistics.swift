/// Medians and percentiles of small scratch buffers, without allocating.
///
/// The buffers are reordered in place; callers pass scratch copies.
enum OrderStatistics {
    /// The median of `b[0..<count]` (the mean of the two middle values when
    /// `count` is even, as numpy's `median`); NaN when `count` is 0. The
    /// values must not be NaN.
    ///
    /// A quickselect whose partition step has no data-dependent branch: each
    /// value is written to both a "below the pivot" and an "above the pivot"
    /// buffer and only the two write positions move, by the comparison
    /// results. The values equal to the pivot are counted, not moved, so a
    /// series with many equal slopes still shrinks at every step. The median
    /// of first, middle and last is the pivot. `scratch` (at least
    /// `2 * count` elements) holds the buffers; `b` is overwritten.
    static func median(_ b: UnsafeMutableBufferPointer<Double>, count: Int,
                       scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        guard count > 0 else { return .nan }
        precondition(b.count >= count && scratch.count >= 2 * count, "the median's buffers are too small")
        var k2 = count / 2
        var k1 = count % 2 == 0 ? k2 - 1 : k2
        var src = b.baseAddress!, m = count
        var free1 = scratch.baseAddress!, free2 = free1 + count
        while m > 8 {
            let p: Double
            if m >= 40 {
                // Tukey's ninther: the median of three medians of three, spread out.
                let e = m / 9
                p = medianOfThree(medianOfThree(src[0], src[e], src[2 * e]),
                                  medianOfThree(src[3 * e], src[4 * e], src[5 * e]),
                                  medianOfThree(src[6 * e], src[7 * e], src[m - 1]))
            } else {
                p = medianOfThree(src[0], src[m / 2], src[m - 1])
            }
            let below = free1, above = free2
            var nb = 0, na = 0
            // Two values at a time through vector comparisons: their masks
            // (0 or -1 per lane) move the write positions, which keeps the
            // compiler from turning the comparisons into branches.
            let pivots = SIMD2<Double>(repeating: p)
            var i = 0
            while i &+ 1 < m {
                let v = SIMD2<Double>(src[i], src[i &+ 1])
                let lt = unsafeBitCast(v .< pivots, to: SIMD2<Int64>.self)
                let gt = unsafeBitCast(v .> pivots, to: SIMD2<Int64>.self)
                below[nb] = v[0]
                above[na] = v[0]
                nb &-= Int(lt[0])
                na &-= Int(gt[0])
                below[nb] = v[1]
                above[na] = v[1]
                nb &-= Int(lt[1])
                na &-= Int(gt[1])
                i &+= 2
            }
            if i < m {
                let x = src[i]
                below[nb] = x
                above[na] = x
                nb &+= x < p ? 1 : 0
                na &+= x > p ? 1 : 0
            }
            let equalEnd = m - na
            if k2 < nb {
                (free1, free2, src, m) = (src, above, below, nb)
            } else if k1 >= equalEnd {
                k1 -= equalEnd
                k2 -= equalEnd
                (free1, free2, src, m) = (src, below, above, na)
            } else {
                // k1 and k2 (k2 = k1 or k1 + 1) meet the values equal to the
                // pivot: a rank below them is the largest value below, a rank
                // above them the smallest value above.
                var low = p, high = p
                if k1 < nb {
                    low = below[0]
                    for i in 1..<nb { low = max(low, below[i]) }
                }
                if k2 >= equalEnd {
                    high = above[0]
                    for i in 1..<na { high = min(high, above[i]) }
                }
                return k1 == k2 ? high : (low + high) / 2
            }
        }
        // A few values left: sort them.
        sort(UnsafeMutableBufferPointer(start: src, count: m), count: m)
        return k1 == k2 ? src[k2] : (src[k1] + src[k2]) / 2
    }

    /// The middle one of three values.
    @inline(__always)
    static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
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
        let lo = max(0, Int(saturating: h.rounded(.down)))
        if lo >= count - 1 { return sorted[count - 1] }
        return sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo])
    }
}
