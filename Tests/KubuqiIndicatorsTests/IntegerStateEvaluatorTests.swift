import XCTest
@testable import KubuqiIndicators

/// `IntegerStateEvaluator` (integers, no fractions) against `ProductivityState.evaluateExact` (reduced
/// fractions), status for status, on random integer series built to land on the edges: values from a
/// handful of levels (ties, means exactly on percentiles), mean differences of exactly the minimum,
/// too few years, several extension fractions, scales and minimum differences.
final class IntegerStateEvaluatorTests: XCTestCase {
    func testStatusEqualsTheFractionPath() {
        var state: UInt64 = 99
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        let settings: [(ProductivityState, String)] = [
            (ProductivityState(minimumMeanDifference: 0.01), "0.0001"), (ProductivityState(), "1"),
            (ProductivityState(extensionFraction: 0, minimumMeanDifference: 0.3), "0.1"),
            (ProductivityState(classChangeThreshold: 3, extensionFraction: 0.25, minimumMeanDifference: 2), "0.5"),
            (ProductivityState(minimumMeanDifference: 0.01), "-0.0001"), (ProductivityState(minimumBaselineYears: 5), "0.0001"),
            // An extension fraction of denominator 10^7 > 2^16: the in-place path compares in 128 bits.
            (ProductivityState(extensionFraction: 0.0123457, minimumMeanDifference: 0.01), "0.0001"),
        ]
        var counts: [Int16: Int] = [:]
        var sortedChecked = 0
        for (setting, (metric, scaleText)) in settings.enumerated() {
            let scale = Rational(decimalString: scaleText)!
            guard let evaluator = IntegerStateEvaluator(metric: metric, scale: scale) else { return XCTFail("setting \(setting)") }
            var scratch = [Int128](repeating: 0, count: 32)
            for trial in 0..<3000 {
                let nb = 1 + next(15), nr = next(5)
                let step = [1, 100, 37][trial % 3], levels = 2 + next(6), base = 3000 + next(200)
                let baseline = (0..<nb).map { _ in base + step * next(levels) }
                var recent = (0..<nr).map { _ in base + step * next(levels + 2) - step }
                if nr > 0 && trial % 5 == 0 {
                    // A recent mean exactly the baseline mean plus the minimum difference (when it is an integer sum).
                    let target = Double(baseline.reduce(0, +)) / Double(nb) + 100
                    let total = Int((target * Double(nr)).rounded())
                    recent = Array(repeating: total / nr, count: nr - 1) + [total - (total / nr) * (nr - 1)]
                }
                let expected = metric.evaluateExact(baseline: baseline, recent: recent, scale: scale).status
                let padded = recent + [0]   // a non-empty buffer when there is no recent year
                let got = baseline.withUnsafeBufferPointer { b in
                    padded.withUnsafeBufferPointer { r in
                        scratch.withUnsafeMutableBufferPointer { s in
                            evaluator.status(baseline: b.baseAddress!, baselineCount: nb, recent: r.baseAddress!, recentCount: nr,
                                             scratch: s.baseAddress!)
                        }
                    }
                }
                XCTAssertEqual(got, expected, "setting \(setting), baseline \(baseline), recent \(recent)")
                // The in-place machine-integer sort (ExactProductivity.state's path) gives the same status.
                if evaluator.extendsOutward {
                    var unsorted = baseline
                    let sortedGot = unsorted.withUnsafeMutableBufferPointer { b in
                        padded.withUnsafeBufferPointer { r in
                            evaluator.status(sortingBaseline: b.baseAddress!, baselineCount: nb, recent: r.baseAddress!, recentCount: nr)
                        }
                    }
                    XCTAssertEqual(sortedGot, expected, "sorting in place: setting \(setting), baseline \(baseline), recent \(recent)")
                    sortedChecked += 1
                }
                counts[expected, default: 0] += 1
            }
        }
        // Every outcome occurred (the comparison above is not vacuous).
        XCTAssertEqual(Set(counts.keys), [-1, 0, 1, DegradationStatus.nodata], "\(counts)")
        XCTAssertNil(IntegerStateEvaluator(metric: ProductivityState(method: .zScore), scale: Rational(1)))
        XCTAssertEqual(sortedChecked, settings.count * 3000, "every setting extends outwards")
    }
}
