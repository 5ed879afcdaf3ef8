import Foundation
import KubuqiIndicators
import TestSupport
import XCTest

/// `mean`, `sum` and `count` over stored 16-bit rows summed as integers (``StoredSums``,
/// ``SeriesAccumulators/sumStored(_:)``) against exact rationals in Python (numpy for the masks and the
/// coverage rule, `fractions.Fraction` for the exact mean `offset + scale x S / n` and sum `scale x S + n x offset`,
/// rounded to the nearest float32, ties to even): with offset 0 every value is that float32; with an offset,
/// within one float32 unit of it. Also: the state does not depend on how the rows are grouped, and which
/// periods can be summed as integers.
final class StoredSumsTests: XCTestCase {
    static let reference = """
    import json, sys
    from fractions import Fraction
    import numpy as np
    a = json.load(open(sys.argv[1]))
    k, stride, lo, hi = a["k"], a["stride"], a["lo"], a["hi"]
    days = np.array(a["days"], dtype=np.int64)
    stored = np.array(a["stored"], dtype=np.int64).reshape(k, stride)[:, lo:hi]
    valid = np.ones(stored.shape, dtype=bool)
    if a["nodata"] is not None: valid &= stored.astype(np.float64) != a["nodata"]
    if a["top"] is not None: valid &= stored.astype(np.float64) < a["top"]
    n = valid.sum(axis=0)
    S = np.where(valid, stored, 0).sum(axis=0)
    anyv = n > 0
    first = np.where(anyv, days[np.argmax(valid, axis=0)], 0)
    last = np.where(anyv, days[k - 1 - np.argmax(valid[::-1], axis=0)], 0)
    cover = np.minimum(1.0, (last - first + a["step"]) / a["periodDays"])
    met = anyv & (n >= a["minObs"]) & (cover >= a["minCoverage"] - 1e-9)
    scale, offset = Fraction(a["scale"]), Fraction(a["offset"])
    def f32(x):  # the float32 nearest the rational x, ties to the even significand
        c = np.float32(float(x))
        cands = [np.nextafter(c, np.float32(-np.inf)), c, np.nextafter(c, np.float32(np.inf))]
        return min(cands, key=lambda f: (abs(Fraction(float(f)) - x), int(np.array(f).view(np.uint32)) & 1))
    def bits(f): return int(np.array(f, dtype=np.float32).view(np.uint32))
    nan = bits(np.float32(np.nan))
    mean, total, count = [], [], []
    for j in range(hi - lo):
        if not met[j]:
            mean.append(nan); total.append(nan); count.append(nan); continue
        s, m = int(S[j]), int(n[j])
        mean.append(bits(f32(scale * s / m + offset)))
        total.append(bits(f32(scale * s + offset * m)))
        count.append(bits(np.float32(m)))
    json.dump({"mean": mean, "sum": total, "count": count, "n": [int(x) for x in n], "met": int(met.sum())},
              open(sys.argv[2], "w"))
    """

    /// Int16 x 0.0001 (most NDVI collections), UInt16 with an offset and a fractional valid maximum, Int16 with a
    /// fractional nodata (which no value equals) and an integral valid maximum.
    static let cases: [SixteenBitScaling] = [
        SixteenBitScaling(unsigned: false, scale: 0.0001, offset: 0, nodata: -32_768, validMaximum: nil),
        SixteenBitScaling(unsigned: true, scale: 0.0000275, offset: -0.2, nodata: 0, validMaximum: 65_000.5),
        SixteenBitScaling(unsigned: false, scale: 0.3, offset: 0, nodata: 7.5, validMaximum: 30_000),
    ]

    func testMeansAndSumsAreTheNearestFloat32OfTheExactValues() throws {
        guard let python = PythonReference.interpreter(needing: "numpy") else { return }
        let k = 31, stride = 1_500, pixels = 5..<1_493
        let days = (0..<k).map { Int32(3 + $0 * 11) }
        let rule = CompletenessRule(minimumObservations: 2, minimumCoverage: 0.4, stepDays: 11)
        for scaling in Self.cases {
            var rng = SystemRandomNumberGenerator()
            var stored = [UInt16](repeating: 0, count: k * stride)
            let nodata = scaling.nodata.flatMap { Int32(exactly: $0) }
            for i in 0..<k {
                for p in 0..<stride {
                    let gaps = Double(p % 5) / 4
                    var v = UInt16.random(in: 0...UInt16.max, using: &rng)   // the full range: large sums, both signs
                    if p % 3 == 0 { v = scaling.unsigned ? UInt16.random(in: 60_000...65_535, using: &rng) : UInt16(bitPattern: Int16.random(in: 29_000...32_767, using: &rng)) }
                    // A gap: the nodata value, else (a fractional nodata) a value at or above the valid maximum.
                    if Double.random(in: 0..<1, using: &rng) < gaps { v = UInt16(truncatingIfNeeded: nodata ?? 31_000) }
                    stored[i * stride + p] = v
                }
            }
            let signed = stored.map { scaling.unsigned ? Int($0) : Int(Int16(bitPattern: $0)) }
            let input: [String: Any] = [
                "k": k, "stride": stride, "lo": pixels.lowerBound, "hi": pixels.upperBound, "days": days.map(Int.init),
                "stored": signed, "scale": Double(scaling.scale), "offset": Double(scaling.offset),
                "nodata": scaling.nodata.map { Double($0) as Any } ?? NSNull(), "top": scaling.validMaximum.map { Double($0) as Any } ?? NSNull(),
                "step": 11, "periodDays": 365, "minObs": 2, "minCoverage": 0.4,
            ]
            let want = try XCTUnwrap(PythonReference.run(python, script: Self.reference, input: input) as? [String: Any])
            let n = try XCTUnwrap(want["n"] as? [Int])
            let met = try XCTUnwrap(want["met"] as? Int)
            XCTAssertGreaterThan(met, 100)
            XCTAssertLessThan(met, pixels.count - 100)
            for reducer in [SeriesReducer.mean, .sum, .count] {
                let bits = try XCTUnwrap(want["\(reducer)"] as? [Int])
                let sums = try XCTUnwrap(StoredSums(Array(repeating: scaling, count: k), reducer: reducer))
                for sizes in [[31], [13, 18], [1, 29, 1]] {
                    let (out, counts, got) = add(stored, stride: stride, sizes: sizes, scaling: scaling, sums: sums, reducer: reducer,
                                                 days: days, pixels: pixels, rule: rule)
                    XCTAssertEqual(got, met, "\(scaling) \(reducer) \(sizes)")
                    var wrong = 0, inexact = 0
                    for (j, p) in pixels.enumerated() {
                        let w = Float(bitPattern: UInt32(bits[j]))
                        if counts[p] != Float(n[j]) { wrong += 1 }
                        if w.isNaN || out[p].isNaN { if !(w.isNaN && out[p].isNaN) { wrong += 1 }; continue }
                        if w.bitPattern == out[p].bitPattern { continue }
                        // With an offset: within one float32 unit (the neighbour on either side); else exactly.
                        if scaling.offset != 0, out[p] == w.nextUp || out[p] == w.nextDown { inexact += 1 } else { wrong += 1 }
                    }
                    XCTAssertEqual(wrong, 0, "\(scaling) \(reducer) \(sizes)")
                    if scaling.offset == 0 { XCTAssertEqual(inexact, 0) }
                    XCTAssertEqual(out[0], 7, "pixels outside the range are not touched")
                }
            }
        }
    }

    /// The state after `sizes` groups of rows, finished.
    private func add(_ stored: [UInt16], stride: Int, sizes: [Int], scaling: SixteenBitScaling, sums: StoredSums, reducer: SeriesReducer,
                     days: [Int32], pixels: Range<Int>, rule: CompletenessRule) -> ([Float], [Float], Int) {
        let state = SeriesAccumulators(reducer, pixels: pixels)
        state.sumStored(sums)
        state.reset(pixels)
        var at = 0
        for size in sizes {
            Array(stored[(at * stride)..<((at + size) * stride)]).withUnsafeBytes {
                state.add(stored: $0.baseAddress!, stride: stride, scalings: Array(repeating: scaling, count: size),
                          days: Array(days[at..<(at + size)]), pixels: pixels)
            }
            at += size
        }
        var out = [Float](repeating: 7, count: stride), counts = out
        let met = out.withUnsafeMutableBufferPointer { o in
            counts.withUnsafeMutableBufferPointer { state.finish(rule: rule, periodDays: 365, pixels: pixels, output: o, counts: $0) }
        }
        return (out, counts, met)
    }

    func testIntegerSumsOnlyForOneScaleOffsetAndSignednessWithoutOverflow() {
        let ndvi = SixteenBitScaling(unsigned: false, scale: 0.0001, offset: 0, nodata: -32_768, validMaximum: nil)
        var other = ndvi
        XCTAssertEqual(StoredSums([ndvi, ndvi], reducer: .mean), StoredSums(unsigned: false, scale: 0.0001, offset: 0))
        XCTAssertNotNil(StoredSums([ndvi], reducer: .sum))
        XCTAssertNotNil(StoredSums([ndvi], reducer: .count))
        other.nodata = 0; other.validMaximum = 10_000   // masks may differ row by row
        XCTAssertNotNil(StoredSums([ndvi, other], reducer: .mean))
        for reducer in [SeriesReducer.max, .min, .median, .integral, .percentile(90)] { XCTAssertNil(StoredSums([ndvi], reducer: reducer)) }
        XCTAssertNil(StoredSums([], reducer: .mean))
        XCTAssertNil(StoredSums([ndvi, nil], reducer: .mean), "a row that is not a plain 16-bit band")
        other = ndvi; other.scale = 0.0002
        XCTAssertNil(StoredSums([ndvi, other], reducer: .mean))
        other = ndvi; other.offset = -0.0
        XCTAssertNil(StoredSums([ndvi, other], reducer: .mean), "offsets compared bit for bit")
        other = ndvi; other.unsigned = true
        XCTAssertNil(StoredSums([ndvi, other], reducer: .mean))
        other = ndvi; other.scale = 1e35
        XCTAssertNil(StoredSums([other], reducer: .mean), "values that would overflow to infinity")
        XCTAssertNotNil(StoredSums(Array(repeating: ndvi, count: StoredSums.maximumObservations), reducer: .mean))
        XCTAssertNil(StoredSums(Array(repeating: ndvi, count: StoredSums.maximumObservations + 1), reducer: .mean))
    }

    /// The extremes of the sums: 8,192 observations of -32,768 or of 65,535 (UInt16) do not overflow the Int32 sums,
    /// and their means are the stored value scaled (a hand-worked case).
    func testLargestSumsDoNotOverflow() {
        for (unsigned, raw, want) in [(false, UInt16(bitPattern: -32_768), Float(-32_768) * 0.5), (true, UInt16.max, Float(65_535) * 0.5)] {
            let k = StoredSums.maximumObservations, pixels = 0..<9
            let scaling = SixteenBitScaling(unsigned: unsigned, scale: 0.5, offset: 0, nodata: nil, validMaximum: nil)
            let state = SeriesAccumulators(.mean, pixels: pixels)
            state.sumStored(StoredSums(Array(repeating: scaling, count: k), reducer: .mean))
            state.reset(pixels)
            let stored = [UInt16](repeating: raw, count: k * 9)
            stored.withUnsafeBytes {
                state.add(stored: $0.baseAddress!, stride: 9, scalings: Array(repeating: scaling, count: k),
                          days: (0..<k).map { Int32($0) }, pixels: pixels)
            }
            var out = [Float](repeating: 0, count: 9), counts = out
            let rule = CompletenessRule(minimumObservations: 1, minimumCoverage: 0, stepDays: 1)
            _ = out.withUnsafeMutableBufferPointer { o in
                counts.withUnsafeMutableBufferPointer { state.finish(rule: rule, periodDays: k, pixels: pixels, output: o, counts: $0) }
            }
            XCTAssertEqual(out, [Float](repeating: want, count: 9))
            XCTAssertEqual(counts, [Float](repeating: Float(k), count: 9))
        }
    }
}
