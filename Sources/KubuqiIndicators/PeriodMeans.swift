/// Per-pixel means of productivity over a period's years, as sums and counts
/// of the valid years so that integer stacks keep exact fractions.
public struct PeriodMeans {
    /// Sum of the valid values per pixel (Double: exact for integer stacks).
    public let sums: UnsafeMutableBufferPointer<Double>
    /// Number of valid years per pixel.
    public let years: UnsafeMutableBufferPointer<Int32>
    /// Whether the values are stored integers (exact fractions).
    public let integer: Bool
    /// Fewer valid years than this give no mean.
    public let minimumYears: Int

    /// Pixels.
    public var count: Int { sums.count }

    /// Sums and counts of layers `layers` of a layer-major stack for pixels
    /// 0..<pixelCount (NaN and infinities are missing years). Call `free()`.
    public init(stack: UnsafeBufferPointer<Float>, pixelCount n: Int, layers: Range<Int>, integer: Bool, minimumYears: Int = 1) {
        self.init(count: n, integer: integer, minimumYears: minimumYears)
        fill(stack: stack, layers: layers)
    }

    /// Uninitialised sums and counts of `n` pixels, to be filled (`fill`, `decode`). Call `free()`.
    public init(count n: Int, integer: Bool, minimumYears: Int = 1) {
        self.init(sums: .allocate(capacity: n), years: .allocate(capacity: n), integer: integer, minimumYears: minimumYears)
    }

    /// Sums and counts in storage the caller owns (of the same count; a reused chunk scratch), to be filled
    /// (`fill`, `decode`). Not to be freed with `free()`.
    public init(sums: UnsafeMutableBufferPointer<Double>, years: UnsafeMutableBufferPointer<Int32>, integer: Bool, minimumYears: Int = 1) {
        precondition(sums.count == years.count, "as many sums as counts")
        self.sums = sums
        self.years = years
        self.integer = integer
        self.minimumYears = max(1, minimumYears)
    }

    /// Fills every pixel's sum and count from layers `layers` of a layer-major stack of `count` pixels a layer.
    /// Each pixel's values are added in layer order from +0, as a loop over its years would (a missing year adds
    /// +0, which leaves a sum that is never −0 unchanged): the same sums to the bit, by blocks of pixels a layer at a time.
    public func fill(stack: UnsafeBufferPointer<Float>, layers: Range<Int>) {
        let n = count
        precondition(stack.count >= layers.upperBound * n, "the stack is shorter than layers x pixels")
        guard let values = stack.baseAddress, let s = sums.baseAddress, let y = years.baseAddress else { return }
        let block = 1024
        var start = 0
        while start < n {
            let end = min(n, start + block)
            for p in start..<end { s[p] = 0; y[p] = 0 }
            for l in layers {
                let layer = values + l * n
                for p in start..<end {
                    let v = layer[p]
                    let valid = v.isFinite
                    s[p] += valid ? Double(v) : 0
                    y[p] &+= valid ? 1 : 0
                }
            }
            start = end
        }
    }

    /// How many Float32 scratch bands hold the sums and counts exactly (`encode(into:)`): two (the sum, the count)
    /// for stored integers of at most 16 bits over at most 255 years, whose sums are integers below 65,535 · 255 <
    /// 2^24 in magnitude, which a Float holds; else four.
    public static func scratchBands(integer: Bool, years: Int) -> Int { integer && years <= 255 ? 2 : 4 }

    /// Pixel `i`'s sum and count as four Float values that hold them exactly (for a Float32 scratch raster):
    /// the sum's 64 IEEE bits in three integers of 22, 21 and 21 bits (each exact in a Float), then the count.
    @inline(__always) public func encode(_ i: Int, into out: [UnsafeMutableBufferPointer<Float>]) {
        let b = sums[i].bitPattern
        out[0][i] = Float(b >> 42)
        out[1][i] = Float((b >> 21) & 0x1F_FFFF)
        out[2][i] = Float(b & 0x1F_FFFF)
        out[3][i] = Float(years[i])
    }

    /// Every pixel into the scratch bands: four as `encode(_:into:)`, or two (``scratchBands(integer:years:)``): the
    /// sum itself and the count, each exact in a Float (checked: a sum a Float does not hold stops the run).
    public func encode(into out: [UnsafeMutableBufferPointer<Float>]) {
        precondition((out.count == 2 || out.count == 4) && out.allSatisfy { $0.count >= count }, "two or four bands of the means")
        guard out.count == 2 else {
            for i in 0..<count { encode(i, into: out) }
            return
        }
        let sum = out[0], n = out[1]
        var exact = true
        for i in 0..<count {
            let f = Float(sums[i])
            exact = exact && Double(f) == sums[i]
            sum[i] = f
            n[i] = Float(years[i])
        }
        precondition(exact, "a sum of stored integers beyond what a Float holds (the means scratch needs four bands)")
    }

    /// Fills every pixel from the two or four values `encode` wrote (the same sums and counts, to the bit).
    public func decode(_ bands: [UnsafeBufferPointer<Float>]) {
        precondition((bands.count == 2 || bands.count == 4) && bands.allSatisfy { $0.count >= count }, "two or four bands of the means")
        if bands.count == 2 {
            let sum = bands[0], n = bands[1]
            for i in 0..<count {
                sums[i] = Double(sum[i])
                years[i] = Int32(n[i])
            }
            return
        }
        for i in 0..<count {
            sums[i] = Double(bitPattern: UInt64(bands[0][i]) << 42 | UInt64(bands[1][i]) << 21 | UInt64(bands[2][i]))
            years[i] = Int32(bands[3][i])
        }
    }

    /// The mean of pixel `i` in Double (sum / count), nil without enough years.
    public func mean(_ i: Int) -> Double? {
        Int(years[i]) >= minimumYears ? sums[i] / Double(years[i]) : nil
    }

    /// The exact mean of pixel `i` (integer stacks only).
    public func exactMean(_ i: Int) -> Rational? {
        guard integer, Int(years[i]) >= minimumYears else { return nil }
        return Rational(Int128(sums[i]), Int128(years[i]))
    }

    /// Releases the buffers (not those of ``init(sums:years:integer:minimumYears:)``).
    public func free() {
        sums.deallocate()
        years.deallocate()
    }
}
