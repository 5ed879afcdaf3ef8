import KubuqiIndicators
import TestSupport
import XCTest

/// The sums, counts and first/last valid days of `mean`, `sum` and `count` (``SeriesAccumulators``'s one-pass kernel,
/// eight pixels at a time) against numpy: Int16 rows (x 0.0001, nodata -32768) converted in float32, added in float64
/// row after row in date order, the coverage rule on the first and last valid days, the results as float32 bits.
/// Blocks of 1,024 pixels and a range that is not a multiple of 8, so both the lanes and the scalar tail are checked.
final class SeriesAccumulatorsNumpyTests: XCTestCase {
    static let reference = """
    import json, sys
    import numpy as np
    a = json.load(open(sys.argv[1]))
    k, stride, lo, hi = a["k"], a["stride"], a["lo"], a["hi"]
    days = np.array(a["days"], dtype=np.int64)
    stored = np.array(a["stored"], dtype=np.int16).reshape(k, stride)[:, lo:hi]
    v = stored.astype(np.float32) * np.float32(a["scale"]) + np.float32(0)
    v[stored == a["nodata"]] = np.nan
    valid = ~np.isnan(v)
    s = np.zeros(hi - lo, dtype=np.float64)
    for i in range(k):  # row after row, in date order: no pairwise summation
        s = s + np.where(valid[i], v[i].astype(np.float64), 0.0)
    n = valid.sum(axis=0)
    anyv = n > 0
    first = np.where(anyv, days[np.argmax(valid, axis=0)], 0)
    last = np.where(anyv, days[k - 1 - np.argmax(valid[::-1], axis=0)], 0)
    cover = np.minimum(1.0, (last - first + a["step"]) / a["periodDays"])
    met = anyv & (n >= a["minObs"]) & (cover >= a["minCoverage"] - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(met, (s / np.maximum(n, 1)).astype(np.float32), np.float32(np.nan)).astype(np.float32)
    total = np.where(met, s.astype(np.float32), np.float32(np.nan)).astype(np.float32)
    count = np.where(met, n.astype(np.float32), np.float32(np.nan)).astype(np.float32)
    bits = lambda x: [int(b) for b in x.view(np.uint32)]
    json.dump({"mean": bits(mean), "sum": bits(total), "count": bits(count), "n": [int(x) for x in n],
               "met": int(met.sum())}, open(sys.argv[2], "w"))
    """

    func testSumsCountsAndDaysEqualNumpys() throws {
        guard let python = PythonReference.interpreter(needing: "numpy") else { return }
        let k = 29, stride = 2_100, pixels = 3..<2_061
        let days = (0..<k).map { Int32(4 + $0 * 12) }
        var rng = SystemRandomNumberGenerator()
        var stored = [Int16](repeating: -32_768, count: k * stride)
        for p in 0..<stride {
            // Gaps from none to all; some pixels valid only early or only late (the coverage rule), a few never.
            let gaps = Double(p % 7) / 6
            for i in 0..<k where Double.random(in: 0..<1, using: &rng) >= gaps {
                if p % 11 == 1 && i > 9 { continue }
                if p % 11 == 2 && i < 20 { continue }
                stored[i * stride + p] = Int16.random(in: -2_000...10_000, using: &rng)
            }
        }
        let rule = CompletenessRule(minimumObservations: 2, minimumCoverage: 0.5, stepDays: 12)
        let periodDays = 365
        let scaling = SixteenBitScaling(unsigned: false, scale: 0.0001, offset: 0, nodata: -32_768, validMaximum: nil)
        let input: [String: Any] = [
            "k": k, "stride": stride, "lo": pixels.lowerBound, "hi": pixels.upperBound, "days": days.map(Int.init),
            "stored": stored.map(Int.init), "scale": Double(scaling.scale), "nodata": -32_768, "step": 12,
            "periodDays": periodDays, "minObs": 2, "minCoverage": 0.5,
        ]
        let want = try XCTUnwrap(PythonReference.run(python, script: Self.reference, input: input) as? [String: Any])
        let n = try XCTUnwrap(want["n"] as? [Int])
        XCTAssertGreaterThan(try XCTUnwrap(want["met"] as? Int), 100)
        XCTAssertLessThan(try XCTUnwrap(want["met"] as? Int), pixels.count - 100)
        for reducer in [SeriesReducer.mean, .sum, .count] {
            let bits = try XCTUnwrap(want["\(reducer)"] as? [Int])
            for sizes in [[29], [13, 16], [1, 27, 1]] {
                let state = SeriesAccumulators(reducer, pixels: pixels)
                state.reset(pixels)
                var at = 0
                for size in sizes {
                    let group = Array(stored[(at * stride)..<((at + size) * stride)])
                    group.withUnsafeBytes {
                        state.add(stored: $0.baseAddress!, stride: stride, scalings: Array(repeating: scaling, count: size),
                                  days: Array(days[at..<(at + size)]), pixels: pixels)
                    }
                    at += size
                }
                var out = [Float](repeating: 7, count: stride), counts = out
                let met = out.withUnsafeMutableBufferPointer { o in
                    counts.withUnsafeMutableBufferPointer { state.finish(rule: rule, periodDays: periodDays, pixels: pixels, output: o, counts: $0) }
                }
                XCTAssertEqual(met, want["met"] as? Int, "\(reducer) \(sizes)")
                var wrong = 0
                for (j, p) in pixels.enumerated() {
                    let w = Float(bitPattern: UInt32(bits[j]))
                    if !(w.isNaN && out[p].isNaN) && w.bitPattern != out[p].bitPattern { wrong += 1 }
                    if counts[p] != Float(n[j]) { wrong += 1 }
                }
                XCTAssertEqual(wrong, 0, "\(reducer) \(sizes)")
                XCTAssertEqual(out[0], 7, "pixels outside the range are not touched")
                XCTAssertEqual(out[stride - 1], 7, "pixels outside the range are not touched")
            }
        }
    }
}
