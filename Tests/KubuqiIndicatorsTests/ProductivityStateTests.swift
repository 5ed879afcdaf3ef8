import KubuqiIndicators
import XCTest

/// Baseline years 1, 2, ..., 9. Extended by min − 5 % of the range (8) = 0.6 and
/// max + 5 % = 9.4, the 11 sorted values are 0.6, 1, 2, ..., 9, 9.4. With
/// linear interpolation P(10k) sits at rank h = 10 · k/10 = k, so P10...P90 are
/// exactly 1...9. The baseline mean 5 is above P10...P40 only: class 5.
final class ProductivityStateTests: XCTestCase {
    let baseline: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let state = ProductivityState.trendsEarth

    func testDecileClassesWorkedByHand() {
        var sorted: [Double] = [0.6, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9.4]
        sorted.withUnsafeMutableBufferPointer { b in
            XCTAssertEqual(ProductivityState.decileClass(of: 0.5, sorted: b, count: 11), 1)
            XCTAssertEqual(ProductivityState.decileClass(of: 1, sorted: b, count: 11), 1) // x <= P10
            XCTAssertEqual(ProductivityState.decileClass(of: 1.01, sorted: b, count: 11), 2)
            XCTAssertEqual(ProductivityState.decileClass(of: 5, sorted: b, count: 11), 5)
            XCTAssertEqual(ProductivityState.decileClass(of: 9, sorted: b, count: 11), 9)
            XCTAssertEqual(ProductivityState.decileClass(of: 9.2, sorted: b, count: 11), 10)
        }
    }

    func testClassChange() {
        // Recent mean 2: above P10 only, class 2; change 2 - 5 = -3: degraded.
        XCTAssertTrue(state.evaluate(baseline: baseline, recent: [2, 2, 2]) == (-3, -1))
        // Recent mean 3: class 3, change -2: degraded (the boundary counts).
        XCTAssertTrue(state.evaluate(baseline: baseline, recent: [2, 3, 4]) == (-2, -1))
        // Recent mean 3.5: class 4, change -1: stable.
        XCTAssertTrue(state.evaluate(baseline: baseline, recent: [3.5]) == (-1, 0))
        // Recent mean 7.5: class 8, change +3: improved.
        XCTAssertTrue(state.evaluate(baseline: baseline, recent: [7, 8, 7.5]) == (3, 1))
        // Missing recent years are dropped: (7 + 8)/2 = 7.5 again.
        XCTAssertTrue(state.evaluate(baseline: baseline + [.nan], recent: [7, .nan, 8]) == (3, 1))
    }

    func testMinimumMeanDifference() {
        // Means 5 and 3 differ by 2: with a threshold of 2 that is "no change".
        let tolerant = ProductivityState(minimumMeanDifference: 2)
        XCTAssertTrue(tolerant.evaluate(baseline: baseline, recent: [3]) == (0, 0))
        // 2.9 differs by 2.1: above P10 and P20 only, class 3, change -2: degraded.
        XCTAssertTrue(tolerant.evaluate(baseline: baseline, recent: [2.9]) == (-2, -1))
    }

    func testTooFewYears() {
        let r = state.evaluate(baseline: [1, 2], recent: [3])
        XCTAssertTrue(r.metric.isNaN)
        XCTAssertEqual(r.status, DegradationStatus.nodata)
        XCTAssertEqual(state.evaluate(baseline: baseline, recent: [.nan]).status, DegradationStatus.nodata)
    }

    /// μ = 5, σ² = (16+9+4+1+0+1+4+9+16)/9 = 60/9, σ = 2.5819889;
    /// recent 2, 2, 2: z = (2 − 5)/(σ/√3) = −3/1.4907120 = −2.0124612: degraded;
    /// recent 3, 3, 3: z = −1.3416408: stable.
    func testZScoreMethod() {
        let z = ProductivityState(method: .zScore)
        let a = z.evaluate(baseline: baseline, recent: [2, 2, 2])
        XCTAssertEqual(a.metric, -2.0124612, accuracy: 1e-6)
        XCTAssertEqual(a.status, -1)
        let b = z.evaluate(baseline: baseline, recent: [3, 3, 3])
        XCTAssertEqual(b.metric, -1.3416408, accuracy: 1e-6)
        XCTAssertEqual(b.status, 0)
        XCTAssertEqual(z.evaluate(baseline: baseline, recent: [8, 8, 8]).status, 1)
        XCTAssertEqual(z.evaluate(baseline: [4, 4, 4], recent: [8]).status, DegradationStatus.nodata)
    }

    func testStackMatchesArrays() {
        // 12 layers (9 baseline + 3 recent) x 3 pixels.
        let pixels = 3
        let recents: [[Float]] = [[2, 2, 2], [7, 8, 7.5], [5, .nan, 5]]
        var stack = [Float](repeating: 0, count: 12 * pixels)
        for p in 0..<pixels {
            for l in 0..<9 { stack[l * pixels + p] = Float(baseline[l]) }
            for l in 0..<3 { stack[(9 + l) * pixels + p] = recents[p][l] }
        }
        let out = withOutputs(1, pixels: pixels, fill: Float(0)) { m in
            let st = withOutputs(1, pixels: pixels, fill: Int16(0)) { s in
                stack.withUnsafeBufferPointer {
                    state.run(stack: $0, pixelCount: pixels, pixels: 0..<pixels, baselineLayers: 0..<9,
                              recentLayers: 9..<12, metric: m[0], status: s[0])
                }
            }
            XCTAssertEqual(st[0], [-1, 1, 0])
        }
        XCTAssertEqual(out[0], [-3, 3, 0])
    }
}
