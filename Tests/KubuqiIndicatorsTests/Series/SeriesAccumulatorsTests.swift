import KubuqiIndicators
import XCTest

/// `SeriesAccumulators` fed a period's observations in groups (as `stack` reads a long period, a
/// group of files at a time) gives the same bits as one pass over all of them and as the reducers'
/// per-pixel definition (``SeriesReducer/reduce(_:days:count:)`` then the completeness rule),
/// whatever the split, including the first and last valid days the coverage rule needs.
final class SeriesAccumulatorsTests: XCTestCase {
    func testAnySplitIntoGroupsGivesTheSameBits() {
        let k = 40, stride = 1500, pixels = 200..<1500
        let days = (0..<k).map { Int32(3 + $0 * 9) }
        var rng = SystemRandomNumberGenerator()
        var values = [Float](repeating: .nan, count: k * stride)
        for p in 0..<stride {
            // Gaps from none to all; some pixels valid only early or only late (the coverage rule).
            let gaps = Double(p % 9) / 8
            for i in 0..<k where Double.random(in: 0..<1, using: &rng) >= gaps {
                if p % 13 == 1 && i > 10 { continue }
                if p % 13 == 2 && i < 30 { continue }
                values[i * stride + p] = p % 5 == 0 ? [0, -0.0, 0.5][Int.random(in: 0..<3, using: &rng)] : Float.random(in: -0.2...0.9, using: &rng)
            }
        }
        let rule = CompletenessRule(minimumObservations: 2, minimumCoverage: 0.5, stepDays: 9)
        let periodDays = 365
        for reducer in [SeriesReducer.mean, .sum, .count, .max, .min] {
            var expected = [Float](repeating: .nan, count: stride), expectedMet = 0
            for p in pixels {
                var series: [Float] = [], when: [Int32] = []
                for i in 0..<k where !values[i * stride + p].isNaN { series.append(values[i * stride + p]); when.append(days[i]) }
                guard !series.isEmpty, rule.isMet(count: series.count, first: Int(when[0]), last: Int(when.last!), periodDays: periodDays) else { continue }
                let n = series.count
                expected[p] = series.withUnsafeMutableBufferPointer { s in when.withUnsafeBufferPointer { reducer.reduce(s, days: $0, count: n) } }
                if !expected[p].isNaN { expectedMet += 1 }
            }
            for sizes in [[40], [1, 39], [32, 8], [7, 7, 7, 7, 7, 5], Array(repeating: 1, count: 40)] {
                let state = SeriesAccumulators(reducer, pixels: pixels)
                state.reset(pixels)
                var at = 0
                for size in sizes {
                    // Each group in its own buffer, as read: `size` rows of `stride` pixels.
                    let group = Array(values[(at * stride)..<((at + size) * stride)])
                    group.withUnsafeBufferPointer { state.add(values: $0, stride: stride, days: Array(days[at..<(at + size)]), pixels: pixels) }
                    at += size
                }
                var out = [Float](repeating: 7, count: stride), counts = out
                let met = out.withUnsafeMutableBufferPointer { o in
                    counts.withUnsafeMutableBufferPointer { state.finish(rule: rule, periodDays: periodDays, pixels: pixels, output: o, counts: $0) }
                }
                XCTAssertEqual(met, expectedMet, "\(reducer) \(sizes)")
                for p in pixels {
                    let valid = (0..<k).filter { !values[$0 * stride + p].isNaN }.count
                    XCTAssertEqual(counts[p], Float(valid), "\(reducer) \(sizes) pixel \(p)")
                    XCTAssertEqual(out[p].bitPattern, expected[p].bitPattern, "\(reducer) \(sizes) pixel \(p): \(out[p]) vs \(expected[p])")
                }
                XCTAssertEqual(out[0], 7, "pixels outside the range are not touched")
            }
        }
    }
}
