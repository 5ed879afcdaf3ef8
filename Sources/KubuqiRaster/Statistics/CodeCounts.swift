/// Pixel counts and integer area sums per class code for one window, in dense arrays indexed
/// by the code: the per-pixel step of the area tallies (`ClassAreaTally`, `AreaTable`) without
/// a hash or dictionary lookup per pixel.
///
/// Codes in `denseCodes` (every class and status code of change and SDG 15.3.1 layers) go to
/// the arrays; the nodata code (-32768) and any other code to a small side table that is only
/// touched for such pixels. Sums are integers, so the order of adding never changes a total.
/// One value per window or chunk: make one, count, fold it into the tally with `forEach`.
public struct CodeCounts {
    /// The codes counted densely.
    public static let denseCodes = -1024..<1024
    /// The nodata code, counted beside the arrays without a dictionary.
    @usableFromInline static let nodata = -32768

    @usableFromInline var pixels: [Int]
    @usableFromInline var units: [Int64]
    @usableFromInline var others: [Int: (pixels: Int, units: Int64)] = [:]
    /// The nodata code's (-32768) pixels and units, beside the arrays: a window's nodata pixels are many.
    @usableFromInline var nodataPixels = 0, nodataUnits: Int64 = 0

    /// Empty counts.
    public init() {
        pixels = Array(repeating: 0, count: Self.denseCodes.count)
        units = Array(repeating: 0, count: Self.denseCodes.count)
    }

    /// Counts `codes[i]` with `areaUnits[i]` for every i (nil areas: count only), through
    /// `code(i)` turning each stored value into its code (NaN to nodata, saturating).
    @inlinable
    public mutating func add(count n: Int, areaUnits: (Int) -> Int64, code: (Int) -> Int) {
        let low = Self.denseCodes.lowerBound, span = UInt(Self.denseCodes.count)
        var others = self.others, nodataPixels = self.nodataPixels, nodataUnits = self.nodataUnits
        defer { self.others = others; self.nodataPixels = nodataPixels; self.nodataUnits = nodataUnits }
        pixels.withUnsafeMutableBufferPointer { p in
            units.withUnsafeMutableBufferPointer { u in
                for i in 0..<n {
                    let c = code(i), a = areaUnits(i)
                    let k = c &- low
                    if UInt(bitPattern: k) < span {
                        p[k] &+= 1; u[k] &+= a
                    } else if c == Self.nodata {
                        nodataPixels &+= 1; nodataUnits &+= a
                    } else {
                        others[c, default: (0, 0)].pixels += 1
                        others[c, default: (0, 0)].units += a
                    }
                }
            }
        }
    }

    /// Each counted code with its pixels and area units, codes ascending.
    public func forEach(_ body: (_ code: Int, _ pixels: Int, _ units: Int64) -> Void) {
        let low = Self.denseCodes.lowerBound
        var below = others.filter { $0.key < low }
        if nodataPixels != 0 { below[Self.nodata] = (nodataPixels, nodataUnits) }
        for (c, v) in below.sorted(by: { $0.key < $1.key }) { body(c, v.pixels, v.units) }
        for k in 0..<pixels.count where pixels[k] != 0 { body(k + low, pixels[k], units[k]) }
        for (c, v) in others.sorted(by: { $0.key < $1.key }) where c >= low { body(c, v.pixels, v.units) }
    }
}
