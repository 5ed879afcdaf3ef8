import XCTest
@testable import KubuqiIndicators

/// The batched performance paths of integer stacks against their per-pixel rules: the first pass's
/// `add(means:landCover:ecologicalUnit:)` (a unit's table taken out per run of pixels, exact means formed
/// only for new values) against `add(mean:exact:unit:)` pixel by pixel, and `run`'s per-unit bound
/// (sum·B_d ≤ B_n·count) against `status(exactMean:unit:)` in reduced fractions. Random integer stacks on
/// a few levels so that many means sit exactly on 0.5 × P90, with missing years, ecological units,
/// land-cover nodata, and scales and offsets of several signs.
final class PerformanceExactPathTests: XCTestCase {
    func testBatchedPathsEqualThePerPixelRules() {
        var state: UInt64 = 515
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        let settings: [(Double, Double)] = [(0.0001, 0), (1, 0), (0.0003, 0.002), (0.5, -3), (2, 7)]
        var degraded = 0, onTheEdge = 0
        for (setting, (scale, offset)) in settings.enumerated() {
            let values = ProductivityValues.integer(scale: scale, offset: offset)!
            let n = 3000, layers = 1 + setting
            var stack = [Float](repeating: .nan, count: layers * n)
            var landCover = [Int16](repeating: 0, count: n), eco = [Int32](repeating: 0, count: n)
            for p in 0..<n {
                landCover[p] = p % 211 == 7 ? DegradationStatus.nodata : Int16(1 + (p / 40) % 4)
                eco[p] = Int32((p / 300) % 2)
                for l in 0..<layers where next(9) != 0 { stack[l * n + p] = Float(20 * (1 + next(8))) }
            }
            stack.withUnsafeBufferPointer { s in
                let means = PeriodMeans(stack: s, pixelCount: n, layers: 0..<layers, integer: true)
                defer { means.free() }
                landCover.withUnsafeBufferPointer { lc in
                    eco.withUnsafeBufferPointer { e in
                        var batched = PerformanceAccumulator(), perPixel = PerformanceAccumulator()
                        batched.add(means: means, landCover: lc, ecologicalUnit: e)
                        for i in 0..<n where lc[i] != DegradationStatus.nodata {
                            guard let m = means.mean(i) else { continue }
                            perPixel.add(mean: m, exact: means.exactMean(i), unit: LandUnit(landCover: lc[i], ecologicalUnit: e[i]))
                        }
                        XCTAssertEqual(batched, perPixel, "setting \(setting): first pass")
                        let perf = ProductivityPerformance(accumulator: batched, values: values)
                        var status = [Int16](repeating: 99, count: n)
                        status.withUnsafeMutableBufferPointer { perf.run(means: means, landCover: lc, ecologicalUnit: e, status: $0) }
                        for i in 0..<n {
                            let unit = LandUnit(landCover: lc[i], ecologicalUnit: e[i])
                            let expected = lc[i] == DegradationStatus.nodata || means.exactMean(i) == nil ? DegradationStatus.nodata
                                : perf.status(exactMean: means.exactMean(i)!, unit: unit)
                            XCTAssertEqual(status[i], expected, "setting \(setting), pixel \(i)")
                            if expected == -1 { degraded += 1 }
                            if let mean = means.exactMean(i), let p = perf.exactMaxima[unit],
                               mean * values.scale + values.offset == Rational(1, 2) * (p * values.scale + values.offset) { onTheEdge += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(degraded, 500, "degraded pixels compared")
        XCTAssertGreaterThan(onTheEdge, 20, "means exactly on half the unit's P90")
    }
}

private extension ProductivityValues {
    var scale: Rational { if case .integer(let s, _) = self { return s }; return Rational(1) }
    var offset: Rational { if case .integer(_, let o) = self { return o }; return Rational(0) }
}
