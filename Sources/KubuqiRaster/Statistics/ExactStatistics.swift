/// Count, extremes, sum and sum of squares of Float values, kept **exactly**:
/// every value is split into its binary exponent and integer significand,
/// and significands are added into one integer bucket per exponent. Integer
/// addition is associative, so accumulators merged in any order, from any
/// split of a raster into windows, threads, tiles or machines, hold the same
/// buckets and give the same bits for the mean and the standard deviation.
///
/// ``SummaryStatistics`` sums in floating point, so its last bits depend on
/// how the raster was split; use this type where a figure derived from the
/// whole region (a threshold) must not depend on the split.
///
/// Capacity: each bucket takes 2^39 (5.5e11) values before it could overflow.
public struct ExactStatistics: Sendable, Hashable, Codable {
    /// Exponent buckets of a Float32 (biased exponents 1...254; subnormals share bucket 1).
    static let buckets = 255

    /// Number of finite values.
    public private(set) var count: Int = 0
    /// Number of NaN or infinite values.
    public private(set) var nodataCount: Int = 0
    /// Smallest finite value, `+infinity` when none.
    public private(set) var minimum: Float = .infinity
    /// Largest finite value, `-infinity` when none.
    public private(set) var maximum: Float = -.infinity
    /// Sum of significands per biased exponent: value = m x 2^(e - 150).
    public private(set) var sums: [Int64] = Array(repeating: 0, count: buckets)
    /// Sum of squared significands per biased exponent, high 24 bits: m^2 = hi x 2^24 + lo.
    public private(set) var squaresHigh: [Int64] = Array(repeating: 0, count: buckets)
    /// Low 24 bits of the squared significands.
    public private(set) var squaresLow: [Int64] = Array(repeating: 0, count: buckets)

    /// An empty accumulator.
    public init() {}

    /// Adds every value; NaN and infinities count as nodata.
    ///
    /// Values of a raster cluster in a few exponents, so adding each one into its bucket in turn makes every addition
    /// wait for the store of the one before (same address). Four sets of buckets take the values in turn (value i the
    /// set i mod 4) and are added into the accumulator's at the end: integer sums, so the same buckets exactly
    /// (fewer than 1,024 values go straight into the accumulator's buckets).
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        guard values.count >= 1024 else { return addInPlace(values) }
        let lanes = 4, stride = 256, kinds = 3
        var n = 0, lo = minimum, hi = maximum
        let local = UnsafeMutableBufferPointer<Int64>.allocate(capacity: lanes * kinds * stride)
        defer { local.deallocate() }
        local.initialize(repeating: 0)
        let acc = local.baseAddress!
        values.withMemoryRebound(to: UInt32.self) { raw in
            for i in 0..<raw.count {
                let bits = raw[i]
                guard bits & 0x7f80_0000 != 0x7f80_0000 else { continue }   // NaN, infinities
                let v = Float(bitPattern: bits)
                n += 1
                if v < lo { lo = v }
                if v > hi { hi = v }
                var e = Int((bits >> 23) & 0xff)
                var m = Int64(bits & 0x7f_ffff)
                if e == 0 { e = 1 } else { m |= 0x80_0000 }
                let square = m * m
                let set = acc + (i & (lanes - 1)) * kinds * stride + e
                set[0] += bits >> 31 == 0 ? m : -m
                set[stride] += square >> 24
                set[2 * stride] += square & 0xff_ffff
            }
        }
        sums.withUnsafeMutableBufferPointer { s in
            squaresHigh.withUnsafeMutableBufferPointer { qh in
                squaresLow.withUnsafeMutableBufferPointer { ql in
                    for lane in 0..<lanes {
                        let set = acc + lane * kinds * stride
                        for e in 0..<Self.buckets {
                            s[e] += set[e]
                            qh[e] += set[stride + e]
                            ql[e] += set[2 * stride + e]
                        }
                    }
                }
            }
        }
        count += n
        nodataCount += values.count - n
        minimum = lo
        maximum = hi
    }

    /// `add` value by value into the accumulator's own buckets.
    private mutating func addInPlace(_ values: UnsafeBufferPointer<Float>) {
        var n = 0, lo = minimum, hi = maximum
        sums.withUnsafeMutableBufferPointer { s in
            squaresHigh.withUnsafeMutableBufferPointer { qh in
                squaresLow.withUnsafeMutableBufferPointer { ql in
                    for v in values where v.isFinite {
                        n += 1
                        if v < lo { lo = v }
                        if v > hi { hi = v }
                        let bits = v.bitPattern
                        var e = Int((bits >> 23) & 0xff)
                        var m = Int64(bits & 0x7f_ffff)
                        if e == 0 { e = 1 } else { m |= 0x80_0000 }
                        let square = m * m
                        s[e] += bits >> 31 == 0 ? m : -m
                        qh[e] += square >> 24
                        ql[e] += square & 0xff_ffff
                    }
                }
            }
        }
        count += n
        nodataCount += values.count - n
        minimum = lo
        maximum = hi
    }

    /// Adds one value.
    public mutating func add(_ value: Float) {
        withUnsafePointer(to: value) { add(UnsafeBufferPointer(start: $0, count: 1)) }
    }

    /// Merges another accumulator (exact, in any order).
    public mutating func merge(_ other: ExactStatistics) {
        count += other.count
        nodataCount += other.nodataCount
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        for e in 0..<Self.buckets {
            sums[e] += other.sums[e]
            squaresHigh[e] += other.squaresHigh[e]
            squaresLow[e] += other.squaresLow[e]
        }
    }

    /// The sum of the values, rounded to Double from the exact buckets (smallest exponents first).
    public var sum: Double {
        var total = 0.0
        for e in 1..<Self.buckets where sums[e] != 0 { total += Double(sums[e]) * Self.power(e - 150) }
        return total
    }

    /// The sum of the squared values, rounded to Double from the exact buckets.
    public var sumOfSquares: Double {
        var total = 0.0
        for e in 1..<Self.buckets where squaresHigh[e] != 0 || squaresLow[e] != 0 {
            let scale = Self.power(2 * (e - 150))
            total += (Double(squaresHigh[e]) * 16_777_216 + Double(squaresLow[e])) * scale
        }
        return total
    }

    /// Mean of the finite values, nil when there are none.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Population standard deviation of the finite values, nil when there are none.
    public var standardDeviation: Double? {
        guard let m = mean else { return nil }
        return max(0, sumOfSquares / Double(count) - m * m).squareRoot()
    }

    /// The same figures as a ``SummaryStatistics`` (sums rounded to Double).
    public var summary: SummaryStatistics {
        SummaryStatistics(count: count, nodataCount: nodataCount, minimum: count > 0 ? Double(minimum) : .infinity,
                          maximum: count > 0 ? Double(maximum) : -.infinity, sum: sum, sumOfSquares: sumOfSquares)
    }

    /// 2^k for k in -300...104, exactly.
    static func power(_ k: Int) -> Double {
        Double(sign: .plus, exponent: k, significand: 1)
    }

    // Sparse coding: only the non-zero buckets, so a tile's statistics stay a few lines of JSON.
    enum CodingKeys: String, CodingKey { case count, nodataCount, minimum, maximum, sums, squaresHigh, squaresLow }

    /// Decodes the sparse form written by ``encode(to:)``.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        nodataCount = try c.decode(Int.self, forKey: .nodataCount)
        minimum = try c.decodeIfPresent(Float.self, forKey: .minimum) ?? .infinity
        maximum = try c.decodeIfPresent(Float.self, forKey: .maximum) ?? -.infinity
        func dense(_ key: CodingKeys) throws -> [Int64] {
            var out = Array(repeating: Int64(0), count: Self.buckets)
            for (k, v) in try c.decode([String: Int64].self, forKey: key) {
                guard let e = Int(k), (0..<Self.buckets).contains(e) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "bucket \(k) outside 0..<\(Self.buckets)")
                }
                out[e] = v
            }
            return out
        }
        sums = try dense(.sums)
        squaresHigh = try dense(.squaresHigh)
        squaresLow = try dense(.squaresLow)
    }

    /// Encodes the non-zero buckets only; extremes are left out when there is no value.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(nodataCount, forKey: .nodataCount)
        if count > 0 {
            try c.encode(minimum, forKey: .minimum)
            try c.encode(maximum, forKey: .maximum)
        }
        func sparse(_ a: [Int64]) -> [String: Int64] {
            var out: [String: Int64] = [:]
            for (e, v) in a.enumerated() where v != 0 { out[String(e)] = v }
            return out
        }
        try c.encode(sparse(sums), forKey: .sums)
        try c.encode(sparse(squaresHigh), forKey: .squaresHigh)
        try c.encode(sparse(squaresLow), forKey: .squaresLow)
    }
}
