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

    /// The state is kept eight pixels at a time in registers across a group's rows: pixel ranges that start
    /// anywhere and end with any number (0-7) of pixels beyond the last eight give the per-pixel definition's bits,
    /// and no pixel outside the range is touched (a kernel storing whole lanes past the range's end fails here).
    func testRangesOfAnyStartAndLengthGiveThePerPixelBits() {
        let k = 11, stride = 40
        let days = (0..<k).map { Int32(10 + $0 * 16) }
        var rng = SystemRandomNumberGenerator()
        var values = [Float](repeating: .nan, count: k * stride)
        for p in 0..<stride {
            // Every third pixel valid only in the second group (its first valid day comes from a later group).
            for i in 0..<k where Int.random(in: 0..<3, using: &rng) > 0 && !(p % 3 == 0 && i < 4) {
                values[i * stride + p] = Float.random(in: -1...1, using: &rng)
            }
        }
        let rule = CompletenessRule(minimumObservations: 1, minimumCoverage: 0.45, stepDays: 16)
        let periodDays = 365
        for reducer in [SeriesReducer.mean, .sum, .count, .max, .min] {
            for start in 0...8 {
                for length in 0...17 {
                    let range = start..<(start + length)
                    let state = SeriesAccumulators(reducer, pixels: 0..<stride)
                    state.reset(0..<stride)
                    for (a, b) in [(0, 4), (4, k)] {
                        let group = Array(values[(a * stride)..<(b * stride)])
                        group.withUnsafeBufferPointer { state.add(values: $0, stride: stride, days: Array(days[a..<b]), pixels: range) }
                    }
                    var out = [Float](repeating: 7, count: stride), counts = out
                    _ = out.withUnsafeMutableBufferPointer { o in
                        counts.withUnsafeMutableBufferPointer { state.finish(rule: rule, periodDays: periodDays, pixels: 0..<stride, output: o, counts: $0) }
                    }
                    for p in 0..<stride {
                        var series: [Float] = [], when: [Int32] = []
                        if range.contains(p) {
                            for i in 0..<k where !values[i * stride + p].isNaN { series.append(values[i * stride + p]); when.append(days[i]) }
                        }
                        var want = Float.nan
                        if !series.isEmpty, rule.isMet(count: series.count, first: Int(when[0]), last: Int(when.last!), periodDays: periodDays) {
                            let n = series.count
                            want = series.withUnsafeMutableBufferPointer { s in when.withUnsafeBufferPointer { reducer.reduce(s, days: $0, count: n) } }
                        }
                        XCTAssertEqual(counts[p], Float(series.count), "\(reducer) \(range) pixel \(p)")
                        XCTAssertTrue(out[p].bitPattern == want.bitPattern || (out[p].isNaN && want.isNaN),
                                      "\(reducer) \(range) pixel \(p): \(out[p]) vs \(want)")
                    }
                }
            }
        }
    }
}
