import KubuqiRaster
import TestSupport
import XCTest
@testable import KubuqiIndicators

/// `IntegerStateBatch` (eight pixels at a time, the baseline sorted by a sorting network) against an
/// independent implementation of Trends.Earth's percentile-class state in Python's exact fractions
/// (`fractions.Fraction`, numpy's linear percentile rule written out), and against the per-pixel path
/// (`ExactProductivity.state`'s insertion sort, `IntegerStateEvaluator.status(sortingBaseline:...)`).
final class IntegerStateBatchTests: XCTestCase {
    /// Knuth's 0-1 principle: a comparator network sorts every input iff it sorts every input of 0s and 1s.
    /// Every 0/1 input of 1...16 values through `network(count:)`, applied as `sort` applies it.
    func testNetworkSortsEveryZeroOneInput() {
        for n in 1...16 {
            let net = IntegerStateBatch.network(count: n)
            XCTAssertTrue(stride(from: 0, to: net.count, by: 2).allSatisfy { net[$0] < net[$0 + 1] && net[$0 + 1] < n }, "n \(n)")
            for bits in 0..<(1 << n) {
                var v = (0..<n).map { (bits >> $0) & 1 }
                for c in stride(from: 0, to: net.count, by: 2) where v[net[c]] > v[net[c + 1]] { v.swapAt(net[c], net[c + 1]) }
                if v != v.sorted() { return XCTFail("n \(n): input \(String(bits, radix: 2)) comes out \(v)") }
            }
        }
        // Batcher's network for 16 values has 63 comparators (Knuth, TAOCP 3, §5.3.4, Table 1).
        XCTAssertEqual(IntegerStateBatch.network(count: 16).count / 2, 63)
        XCTAssertEqual(IntegerStateBatch.network(count: 8).count / 2, 19)
    }

    /// The SIMD comparators as the batch runs them, on random lanes with ties.
    func testLaneSortEqualsSortedLanes() {
        var g = SplitMix64(seed: 7)
        for n in [1, 2, 3, 11, 13, 14, 16, 23] {
            let net = IntegerStateBatch.network(count: n)
            for _ in 0..<50 {
                let lanes = (0..<n).map { _ in SIMD8<Int32>((0..<8).map { _ in Int32(g.int(9)) - 4 }) }
                var sorted = lanes
                sorted.withUnsafeMutableBufferPointer { p in net.withUnsafeBufferPointer { IntegerStateBatch.sort(p.baseAddress!, comparators: $0) } }
                for k in 0..<8 { XCTAssertEqual(sorted.map { $0[k] }, lanes.map { $0[k] }.sorted(), "n \(n), lane \(k)") }
            }
        }
    }

    /// Python's exact reference: Trends.Earth's state (docs/ldn-method.md §1.3) in fractions.
    private static let reference = """
    import json, sys
    from fractions import Fraction as F
    NODATA = -32768
    cases = json.load(open(sys.argv[1]))
    out = []
    for case in cases:
        ext, mindiff, scale = F(case["extension"]), F(case["minimumDifference"]), F(case["scale"])
        threshold, nb, nr = case["threshold"], case["baselineYears"], case["recentYears"]
        statuses = []
        for base, recent in zip(case["baseline"], case["recent"]):
            base = [v for v in base if v is not None]
            recent = [v for v in recent if v is not None]
            if len(base) < 3 or len(recent) < 1:
                statuses.append(NODATA)
                continue
            lo, hi = min(base), max(base)
            ext_vals = sorted([F(v) for v in base] + [lo - (hi - lo) * ext, hi + (hi - lo) * ext])
            m = len(ext_vals)
            def percentile(p):
                # numpy's "linear" rule: h = (m - 1) p / 100, between closest ranks.
                h = F(m - 1) * p / 100
                j = h.numerator // h.denominator
                if j >= m - 1:
                    return ext_vals[m - 1]
                return ext_vals[j] + (h - j) * (ext_vals[j + 1] - ext_vals[j])
            deciles = [percentile(10 * k) for k in range(1, 10)]
            def decile_class(x):
                return 1 + sum(1 for p in deciles if x > p)
            mb, mr = F(sum(base), len(base)), F(sum(recent), len(recent))
            change = decile_class(mr) - decile_class(mb)
            if abs((mr - mb) * scale) <= mindiff:
                change = 0
            statuses.append(-1 if change <= -threshold else (1 if change >= threshold else 0))
        out.append(statuses)
    json.dump(out, open(sys.argv[2], "w"))
    """

    /// Random stacks of 13 + 3 and 11 + 3 years (and a 16-year baseline), 203 pixels (not a multiple of 8),
    /// values from a few levels (ties, means on percentiles), recent means at exactly the minimum difference,
    /// whole blocks complete and others with missing years, values beyond 2^14 and near ±2^24.
    func testStatusEqualsExactFractionsInPython() throws {
        guard let python = PythonReference.interpreter(needing: "json") else { return }
        var g = SplitMix64(seed: 2026)
        let n = 203
        let settings: [(ProductivityState, String, Int, Int)] = [
            (ProductivityState(minimumMeanDifference: 0.01), "0.0001", 13, 3),
            (ProductivityState(minimumMeanDifference: 0.01), "0.0001", 11, 3),
            (ProductivityState(classChangeThreshold: 3, extensionFraction: 0.25, minimumMeanDifference: 2), "0.5", 16, 4),
            (ProductivityState(extensionFraction: 0, minimumMeanDifference: 0.3), "0.1", 8, 1),
            // |R·nb − B·nr|·S_n·M_d beyond 64 bits' reach: the minimum difference compared in 128 bits.
            (ProductivityState(minimumMeanDifference: 0.00000003), "7", 13, 3),
        ]
        var cases: [[String: Any]] = []
        var stacks: [[Float]] = []
        var swiftStatus: [[Int16]] = []
        var perPixel: [[Int16]] = []
        for (metric, scaleText, nb, nr) in settings {
            let layers = nb + nr
            var stack = [Float](repeating: .nan, count: layers * n)
            for p in 0..<n {
                let step = [1, 100, 37, 4099][g.int(4)], levels = 2 + g.int(6)
                let base = [3000, 16_380, -16_390, 16_777_216 - 4099 * 8, 0][g.int(5)] + g.int(200)
                let missing = (p / 8) % 4 == 3
                for l in 0..<nb where !(missing && g.int(5) == 0) { stack[l * n + p] = Float(base + step * g.int(levels)) }
                for l in nb..<layers where !(missing && g.int(3) == 0) { stack[l * n + p] = Float(base + step * (g.int(levels + 2) - 1)) }
                if p % 5 == 0 {
                    // The recent mean exactly the baseline mean plus the minimum difference, when the sums allow it.
                    let valid = (0..<nb).compactMap { ProductivityValues.storedInteger(stack[$0 * n + p]) }
                    let delta = Int((metric.minimumMeanDifference / Double(scaleText)!).rounded())
                    if !valid.isEmpty, valid.reduce(0, +) % valid.count == 0 {
                        for l in nb..<layers { stack[l * n + p] = Float(valid.reduce(0, +) / valid.count + delta) }
                    }
                }
                if p == 7 { stack[p] = 0.5 }                     // not a stored integer: a missing year
                if p == 9 { stack[n + p] = 16_777_218 }          // beyond 2^24: a missing year
            }
            let scale = Rational(decimalString: scaleText)!
            var batch = [Int16](repeating: 99, count: n), single = [Int16](repeating: 99, count: n)
            let evaluator = try XCTUnwrap(IntegerStateEvaluator(metric: metric, scale: scale))
            let plan = try XCTUnwrap(evaluator.sortedPlan(baselineCount: nb, recentCount: nr))
            XCTAssertEqual(plan.narrowGap, scaleText != "7")
            stack.withUnsafeBufferPointer { s in
                batch.withUnsafeMutableBufferPointer {
                    ExactProductivity.state(stack: s, pixelCount: n, baselineLayers: 0..<nb, recentLayers: nb..<layers,
                                            metric: metric, scale: scale, status: $0)
                }
                // The per-pixel path, as before the batch.
                for p in 0..<n {
                    var b = (0..<nb).compactMap { ProductivityValues.storedInteger(s[$0 * n + p]) }
                    let r = (nb..<layers).compactMap { ProductivityValues.storedInteger(s[$0 * n + p]) } + [0]
                    single[p] = b.withUnsafeMutableBufferPointer { bb in
                        r.withUnsafeBufferPointer { rr in
                            evaluator.status(sortingBaseline: bb.baseAddress!, baselineCount: bb.count, recent: rr.baseAddress!, recentCount: rr.count - 1)
                        }
                    }
                }
            }
            func column(_ layers: Range<Int>, _ p: Int) -> [Any] {
                layers.map { ProductivityValues.storedInteger(stack[$0 * n + p]).map { $0 as Any } ?? NSNull() }
            }
            cases.append(["extension": "\(metric.extensionFraction)", "minimumDifference": "\(metric.minimumMeanDifference)",
                          "scale": scaleText, "threshold": metric.classChangeThreshold, "baselineYears": nb, "recentYears": nr,
                          "baseline": (0..<n).map { column(0..<nb, $0) }, "recent": (0..<n).map { column(nb..<layers, $0) }])
            stacks.append(stack)
            swiftStatus.append(batch)
            perPixel.append(single)
        }
        let expected = try XCTUnwrap(PythonReference.run(python, script: Self.reference, input: cases) as? [[Int]])
        var seen: Set<Int> = []
        for (k, setting) in settings.enumerated() {
            for p in 0..<n {
                XCTAssertEqual(Int(swiftStatus[k][p]), expected[k][p], "setting \(k) (\(setting.1), \(setting.2) + \(setting.3) years), pixel \(p)")
                XCTAssertEqual(swiftStatus[k][p], perPixel[k][p], "setting \(k), pixel \(p): batch against the per-pixel path")
                seen.insert(expected[k][p])
            }
        }
        // Every outcome occurred, so the comparison is not vacuous.
        XCTAssertEqual(seen, [-1, 0, 1, Int(DegradationStatus.nodata)])
    }
}
