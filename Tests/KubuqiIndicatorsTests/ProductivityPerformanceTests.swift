import KubuqiIndicators
import XCTest

final class ProductivityPerformanceTests: XCTestCase {
    /// The means of a one-layer stack (integer or not).
    func means(_ values: [Float], integer: Bool = false, _ body: (PeriodMeans) -> Void) {
        values.withUnsafeBufferPointer { v in
            let m = PeriodMeans(stack: v, pixelCount: values.count, layers: 0..<1, integer: integer)
            defer { m.free() }
            body(m)
        }
    }

    /// numpy's default percentile of a list, written out here independently of
    /// the accumulator: sort, h = (n - 1) p / 100, lerp as numpy's _lerp.
    func numpyPercentile(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        let h = Double(s.count - 1) * (p / 100)
        let j = Int(h.rounded(.down)), g = h - Double(j)
        let a = s[j], b = s[min(j + 1, s.count - 1)], d = b - a
        return g >= 0.5 ? b - d * (1 - g) : a + d * g
    }

    /// Unit (land cover 2): ten means 0.05, 0.15, ..., 0.95: h = 9 x 0.9 = 8.1, so
    /// P90 = 0.85 + 0.1 x (0.95 - 0.85) = 0.86; degraded when mean / 0.86 <= 0.5, i.e.
    /// mean <= 0.43. Unit (3, eco 7): 0.2 and 0.4: h = 0.9, P90 = 0.2 + 0.9 x 0.2 = 0.38;
    /// 0.2 / 0.38 = 0.53: not degraded.
    func testPercentilesAndRatios() {
        let values: [Float] = [0.05, 0.15, 0.25, 0.35, 0.46, 0.55, 0.65, 0.75, 0.85, 0.95, 0.2, 0.4, .nan, 0.3]
        let lc: [Int16] = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, DegradationStatus.nodata]
        let eco: [Int32] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 0, 0]
        var acc = PerformanceAccumulator()
        means(values) { m in
            lc.withUnsafeBufferPointer { l in
                eco.withUnsafeBufferPointer { e in acc.add(means: m, landCover: l, ecologicalUnit: e) }
            }
        }
        XCTAssertEqual(acc.counts, [LandUnit(landCover: 2): 10, LandUnit(landCover: 3, ecologicalUnit: 7): 2])
        let q = acc.percentiles(90)
        XCTAssertEqual(q[LandUnit(landCover: 2)]!.value, 0.86, accuracy: 1e-7)
        XCTAssertEqual(q[LandUnit(landCover: 3, ecologicalUnit: 7)]!.value, 0.38, accuracy: 1e-7)

        let perf = ProductivityPerformance(accumulator: acc)
        var status = [Int16](repeating: 0, count: values.count)
        means(values) { m in
            lc.withUnsafeBufferPointer { l in
                eco.withUnsafeBufferPointer { e in
                    status.withUnsafeMutableBufferPointer { perf.run(means: m, landCover: l, ecologicalUnit: e, status: $0) }
                }
            }
        }
        XCTAssertEqual(status, [-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, DegradationStatus.nodata, DegradationStatus.nodata])
        // A unit never seen in the first pass has no maximum: nodata.
        XCTAssertEqual(perf.status(mean: 0.5, unit: LandUnit(landCover: 9)), DegradationStatus.nodata)
        // The edge in Double: a ratio of exactly 0.5 is degraded (Trends.Earth lte(0.5)), just above it is not.
        let edge = ProductivityPerformance(maxima: [LandUnit(landCover: 1): 0.8])
        XCTAssertEqual(edge.status(mean: 0.4, unit: LandUnit(landCover: 1)), -1)
        XCTAssertEqual(edge.status(mean: 0.4001, unit: LandUnit(landCover: 1)), 0)
    }

    /// Integer stack, scale 0.0001: unit 2 = [45, 90 x 9] and unit 3 = [46, 90 x 9]; both
    /// P90 = 90 (h = 8.1 between two 90s). 45 x 0.0001 <= 0.5 x 90 x 0.0001 exactly: degraded;
    /// 46: not. In Float, 0.0045 / 0.009 need not be exactly 0.5.
    func testIntegerStackRatioOfExactlyOneHalf() {
        let values: [Float] = [45] + Array(repeating: 90, count: 9) + [46] + Array(repeating: 90, count: 9)
        let lc: [Int16] = Array(repeating: 2, count: 10) + Array(repeating: 3, count: 10)
        let integer = ProductivityValues.integer(scale: 0.0001, offset: 0)!
        var acc = PerformanceAccumulator()
        means(values, integer: true) { m in lc.withUnsafeBufferPointer { acc.add(means: m, landCover: $0) } }
        let perf = ProductivityPerformance(accumulator: acc, values: integer)
        XCTAssertEqual(perf.exactMaxima[LandUnit(landCover: 2)], Rational(90))
        XCTAssertEqual(perf.maxima[LandUnit(landCover: 3)]!, 0.009, accuracy: 1e-15)
        var status = [Int16](repeating: 9, count: values.count)
        means(values, integer: true) { m in
            lc.withUnsafeBufferPointer { l in status.withUnsafeMutableBufferPointer { perf.run(means: m, landCover: l, status: $0) } }
        }
        XCTAssertEqual(status[0], -1)
        XCTAssertEqual(status[10], 0)
        XCTAssertEqual(Set(status[1..<10] + status[11...]), [0])
    }

    /// Productivity outside -1...1 (NPP in g C/m2, EVI x 10000 unscaled): the percentile is the
    /// data's, whatever its range; parts merged in any order equal the whole.
    func testAnyValueRangeAndMergingPartsEqualsTheWhole() {
        var rng = TestRandom(seed: 3)
        let n = 5000
        let values = (0..<n).map { _ in Float(-500 + rng.unit() * 6000) }
        let lc = (0..<n).map { _ in Int16(1 + Int(rng.unit() * 7)) }
        var whole = PerformanceAccumulator()
        means(values) { m in lc.withUnsafeBufferPointer { whole.add(means: m, landCover: $0) } }
        var merged = PerformanceAccumulator()
        for start in stride(from: 0, to: n, by: 613).reversed() {
            var part = PerformanceAccumulator()
            let end = min(n, start + 613)
            means(Array(values[start..<end])) { m in lc[start..<end].withUnsafeBufferPointer { part.add(means: m, landCover: $0) } }
            merged.merge(part)
        }
        XCTAssertEqual(whole, merged)
        for (unit, q) in merged.percentiles(90) {
            let own = zip(values, lc).filter { $0.1 == unit.landCover }.map { Double($0.0) }
            XCTAssertEqual(q.value, numpyPercentile(own, 90), "unit \(unit)")
        }
    }

    func testPeriodMeansSkipMissingYears() {
        // 3 layers x 2 pixels.
        let stack: [Float] = [1, .nan, 2, .nan, 3, .infinity]
        stack.withUnsafeBufferPointer {
            let m = PeriodMeans(stack: $0, pixelCount: 2, layers: 0..<3, integer: true)
            defer { m.free() }
            XCTAssertEqual(m.mean(0), 2)
            XCTAssertEqual(m.exactMean(0), Rational(2))
            XCTAssertNil(m.mean(1))
        }
    }
}
