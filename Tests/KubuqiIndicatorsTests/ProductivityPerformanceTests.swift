import KubuqiIndicators
import XCTest

final class ProductivityPerformanceTests: XCTestCase {
    /// Unit (land cover 2): means 0.05, 0.15, 0.25, 0.35, 0.46, 0.55, ..., 0.95 (10
    /// pixels, one per bin of a 0.1-wide histogram over 0...1). The 90th percentile is at cumulative
    /// count 9: the 9th bin, [0.8, 0.9), entirely: 0.9.
    /// Unit (land cover 3, eco 7): 0.2 and 0.4 (2 pixels): target 1.8 falls in
    /// the bin of 0.4, [0.4, 0.5), at fraction 0.8: 0.48.
    func testPercentilesAndRatios() {
        let means: [Float] = [0.05, 0.15, 0.25, 0.35, 0.46, 0.55, 0.65, 0.75, 0.85, 0.95, 0.2, 0.4, .nan, 0.3]
        let lc: [Int16] = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, DegradationStatus.nodata]
        let eco: [Int32] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 0, 0]
        var acc = PerformanceAccumulator(lowerBound: 0, upperBound: 1, bins: 10)
        means.withUnsafeBufferPointer { m in
            lc.withUnsafeBufferPointer { l in
                eco.withUnsafeBufferPointer { e in acc.add(mean: m, landCover: l, ecologicalUnit: e) }
            }
        }
        XCTAssertEqual(acc.counts, [LandUnit(landCover: 2): 10, LandUnit(landCover: 3, ecologicalUnit: 7): 2])
        let q = acc.quantiles(0.9)
        XCTAssertEqual(q[LandUnit(landCover: 2)]!, 0.9, accuracy: 1e-12)
        XCTAssertEqual(q[LandUnit(landCover: 3, ecologicalUnit: 7)]!, 0.48, accuracy: 1e-12)

        let perf = ProductivityPerformance(accumulator: acc)
        // 0.35 / 0.9 = 0.389 < 0.5: degraded; 0.46 / 0.9 = 0.511: not degraded; 0.2 / 0.48 = 0.417: degraded.
        let out = withOutputs(1, pixels: means.count, fill: Float(0)) { r in
            let st = withOutputs(1, pixels: means.count, fill: Int16(0)) { s in
                means.withUnsafeBufferPointer { m in
                    lc.withUnsafeBufferPointer { l in
                        eco.withUnsafeBufferPointer { e in
                            perf.run(mean: m, landCover: l, ecologicalUnit: e, ratio: r[0], status: s[0])
                        }
                    }
                }
            }
            XCTAssertEqual(st[0], [-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, -1, 0, DegradationStatus.nodata, DegradationStatus.nodata])
        }
        XCTAssertEqual(Double(out[0][3]), 0.35 / 0.9, accuracy: 1e-6)
        XCTAssertEqual(Double(out[0][11]), 0.4 / 0.48, accuracy: 1e-6)
        XCTAssertTrue(out[0][12].isNaN && out[0][13].isNaN)
        // A unit never seen in the first pass has no maximum: nodata.
        XCTAssertEqual(perf.status(mean: 0.5, unit: LandUnit(landCover: 9)), DegradationStatus.nodata)
        // The threshold itself: a ratio of exactly 0.5 is not degraded, just below it is.
        let exact = ProductivityPerformance(maxima: [LandUnit(landCover: 1): 0.8])
        XCTAssertEqual(exact.status(mean: 0.4, unit: LandUnit(landCover: 1)), 0)
        XCTAssertEqual(exact.status(mean: 0.3999, unit: LandUnit(landCover: 1)), -1)
    }

    func testMergingPartsEqualsTheWhole() {
        var rng = TestRandom(seed: 3)
        let n = 5000
        let means = (0..<n).map { _ in Float(rng.unit()) }
        let lc = (0..<n).map { _ in Int16(1 + Int(rng.unit() * 7)) }
        var whole = PerformanceAccumulator()
        means.withUnsafeBufferPointer { m in lc.withUnsafeBufferPointer { whole.add(mean: m, landCover: $0) } }
        var merged = PerformanceAccumulator()
        for start in stride(from: 0, to: n, by: 613) {
            var part = PerformanceAccumulator()
            let end = min(n, start + 613)
            means[start..<end].withUnsafeBufferPointer { m in
                lc[start..<end].withUnsafeBufferPointer { part.add(mean: m, landCover: $0) }
            }
            merged.merge(part)
        }
        XCTAssertEqual(whole, merged)
        // Uniform means: each unit's 90th percentile is near 0.9 (within sampling noise).
        for (_, q) in merged.quantiles(0.9) { XCTAssertEqual(q, 0.9, accuracy: 0.05) }
    }

    func testMeanProductivitySkipsMissingYears() {
        // 3 layers x 2 pixels.
        let stack: [Float] = [1, -1, 2, .nan, 3, -1]
        let out = withOutputs(1, pixels: 2, fill: Float(0)) { b in
            stack.withUnsafeBufferPointer {
                ProductivityPerformance.meanProductivity(stack: $0, pixelCount: 2, pixels: 0..<2, layers: 0..<3,
                                                         nodata: -1, into: b[0])
            }
        }
        XCTAssertEqual(out[0][0], 2)
        XCTAssertTrue(out[0][1].isNaN)
    }
}
