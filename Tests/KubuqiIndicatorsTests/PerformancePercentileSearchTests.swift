import XCTest
import TestSupport
@testable import KubuqiIndicators

/// `PerformancePercentileSearch` (the exact 90th percentile of each land unit in bounded memory) against
/// numpy's `percentile` (floating-point means) and Python's `fractions` (exact means of integer stacks),
/// and against the whole distinct-value survey (`PerformanceAccumulator`) it replaces in a whole `ldn` run;
/// with bins so small that every pass of the search is used, means split over chunks merged in any order.
final class PerformancePercentileSearchTests: XCTestCase {
    /// The numpy / fractions reference: per unit, the 90th percentile of its means.
    static let script = """
    import json, sys
    from fractions import Fraction
    import numpy as np
    data = json.load(open(sys.argv[1]))
    out = []
    for unit in data["units"]:
        if data["integer"]:
            v = sorted(Fraction(s, c) for s, c in unit)
            h = Fraction((len(v) - 1) * 90, 100)
            j = h.numerator // h.denominator
            a, b = v[j], v[min(j + 1, len(v) - 1)]
            p = a + (h - j) * (b - a)
            out.append([p.numerator, p.denominator, float(p)])
        else:
            out.append([float(np.percentile(np.array(unit, dtype=np.float64), 90))])
    json.dump(out, open(sys.argv[2], "w"))
    """

    /// A pseudo-random generator so that a failure can be replayed.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
    }

    /// Means of `units` land units (land cover 1...units) over `n` pixels, as sums and counts of `layers` years.
    func makeMeans(n: Int, layers: Int, units: Int, integer: Bool, spread: Int, rng: inout LCG) -> (PeriodMeans, [Int16]) {
        let means = PeriodMeans(count: n, integer: integer)
        var landCover = [Int16](repeating: 0, count: n)
        for i in 0..<n {
            landCover[i] = i % 97 == 5 ? DegradationStatus.nodata : Int16(1 + rng.next(units))
            let years = rng.next(layers + 1)   // 0: no mean
            var sum = 0.0
            for _ in 0..<years {
                sum += integer ? Double(rng.next(spread) - spread / 5) : Double(Float(Double(rng.next(spread)) / 997 - 0.1))
            }
            means.sums[i] = sum
            means.years[i] = Int32(years)
        }
        return (means, landCover)
    }

    /// The search run over `chunks` parts of the means (each counted apart and merged), pass after pass.
    func search(_ means: PeriodMeans, _ landCover: [Int16], integer: Bool, exactLimit: Int, chunks: Int) -> ([LandUnit: PerformanceAccumulator.Percentile], Int) {
        var s = PerformancePercentileSearch(integer: integer, exactLimit: exactLimit)
        var passes = 0
        repeat {
            let empty = s.nextPass()
            var total = empty
            let step = (means.count + chunks - 1) / chunks
            for start in stride(from: 0, to: means.count, by: step).reversed() {
                let end = min(means.count, start + step)
                let part = PeriodMeans(count: end - start, integer: integer)
                defer { part.free() }
                for i in start..<end { part.sums[i - start] = means.sums[i]; part.years[i - start] = means.years[i] }
                var counts = empty
                landCover[start..<end].withUnsafeBufferPointer { counts.add(means: part, landCover: $0) }
                total.merge(counts)
            }
            s.advance(with: total)
            passes += 1
        } while !s.isComplete && passes < 10
        return (s.percentiles(), passes)
    }

    func testSearchEqualsTheDistinctValueSurveyAndTheReferences() throws {
        let python = PythonReference.interpreter(needing: "numpy")
        var rng = LCG(state: 2117)
        var deepest = 0
        for (setting, (integer, spread)) in [(true, 40), (true, 30000), (false, 60), (false, 5000)].enumerated() {
            let units = 4, n = 6000
            let (means, landCover) = makeMeans(n: n, layers: 5, units: units, integer: integer, spread: spread, rng: &rng)
            defer { means.free() }
            var survey = PerformanceAccumulator()
            landCover.withUnsafeBufferPointer { survey.add(means: means, landCover: $0) }
            let expected = survey.percentiles(90)
            XCTAssertEqual(expected.count, units)
            for limit in [1, 3, 50, 1 << 16] {
                let (found, passes) = search(means, landCover, integer: integer, exactLimit: limit, chunks: 1 + setting)
                XCTAssertEqual(found, expected, "setting \(setting), limit \(limit)")
                XCTAssertLessThanOrEqual(passes, 5, "a first pass and at most four refinements")
                deepest = max(deepest, passes)
            }
            // The same percentiles from numpy (floating) or exact fractions (integer), computed apart.
            guard let python else { continue }
            var perUnit: [[Any]] = Array(repeating: [], count: units)
            for i in 0..<n where landCover[i] != DegradationStatus.nodata && means.years[i] > 0 {
                let u = Int(landCover[i]) - 1
                perUnit[u].append(integer ? [Int(means.sums[i]), Int(means.years[i])] as Any : means.sums[i] / Double(means.years[i]) as Any)
            }
            let ref = try PythonReference.run(python, script: Self.script, input: ["integer": integer, "units": perUnit]) as! [[Any]]
            let (found, _) = search(means, landCover, integer: integer, exactLimit: 3, chunks: 3)
            for u in 0..<units {
                let p = try XCTUnwrap(found[LandUnit(landCover: Int16(u + 1), ecologicalUnit: 0)])
                if integer {
                    XCTAssertEqual(p.exact, Rational(Int128((ref[u][0] as! NSNumber).int64Value), Int128((ref[u][1] as! NSNumber).int64Value)), "unit \(u + 1)")
                } else {
                    // numpy forms the rank as n·q + (1 − q) − 1 where the survey forms (n − 1)·q: the two can differ in
                    // the last bit (docs/ldn-method.md, "Performance"), so numpy is met to a few ulps here and
                    // the survey itself to the bit above.
                    let numpy = (ref[u][0] as! NSNumber).doubleValue
                    XCTAssertEqual(p.value, numpy, accuracy: 4 * numpy.ulp, "unit \(u + 1): numpy.percentile")
                }
            }
        }
        XCTAssertEqual(deepest, 5, "some bins went down to the last digit")
    }

    func testDigitsSharingACacheSlot() {
        // Means 2^-32, 2^-16 and 1: their first digits 0xBDF0, 0xBEF0 and 0xBFF0 share the low byte (one slot of the
        // counts' cache), taken in turn. 16 pixels: 7 of 2^-32, 7 of 2^-16, 2 of 1. Rank h = 15 · 0.9 = 13.5: between
        // the 14th (2^-16) and the 15th (1), half way: 2^-16 + (1 − 2^-16)/2 = 0.5 + 2^-17 (numpy's lerp, g = 0.5:
        // 1 − (1 − 2^-16)·0.5, the same).
        let pattern: [Double] = [0x1p-32, 0x1p-16, 1, 0x1p-32, 0x1p-16, 0x1p-32, 0x1p-16, 0x1p-32, 0x1p-16, 1,
                                 0x1p-32, 0x1p-16, 0x1p-32, 0x1p-16, 0x1p-32, 0x1p-16]
        let means = PeriodMeans(count: pattern.count, integer: false)
        defer { means.free() }
        for (i, v) in pattern.enumerated() { means.sums[i] = v * 2; means.years[i] = 2 }
        for limit in [1, 1 << 16] {
            let (found, _) = search(means, Array(repeating: 3, count: pattern.count), integer: false, exactLimit: limit, chunks: 1)
            XCTAssertEqual(found[LandUnit(landCover: 3)]?.value, 0.5 + 0x1p-17, "limit \(limit)")
        }
    }

    func testOneUnitOfOnePixelAndUnitsWithoutMeans() {
        let means = PeriodMeans(count: 3, integer: true)
        defer { means.free() }
        means.sums[0] = 7; means.years[0] = 2
        means.sums[1] = 9; means.years[1] = 0
        means.sums[2] = 4; means.years[2] = 1
        let (found, _) = search(means, [1, 2, DegradationStatus.nodata], integer: true, exactLimit: 1, chunks: 1)
        XCTAssertEqual(found, [LandUnit(landCover: 1, ecologicalUnit: 0): PerformanceAccumulator.Percentile(value: 3.5, exact: Rational(7, 2))])
    }

    func testOrderKeyFollowsTheValues() {
        let values: [Double] = [-.greatestFiniteMagnitude, -3.5, -1, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 1e-300, 0.5, 1, 2, 1e300]
        for (a, b) in zip(values, values.dropFirst()) {
            let ka = PerformancePercentileSearch.key(a), kb = PerformancePercentileSearch.key(b)
            if a == b { XCTAssertEqual(ka, kb, "\(a) and \(b)") } else { XCTAssertLessThan(ka, kb, "\(a) < \(b)") }
        }
    }

    func testMeansScratchRoundTripsEveryBit() {
        let sums: [Double] = [0, -0.0, 1, -1, 123456789.25, -0x1p46, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 0.1 + 0.2, Double(Float(0.3)) * 7]
        let means = PeriodMeans(count: sums.count, integer: false)
        defer { means.free() }
        for (i, s) in sums.enumerated() { means.sums[i] = s; means.years[i] = Int32(i) }
        let bands = (0..<4).map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: sums.count) }
        defer { bands.forEach { $0.deallocate() } }
        for i in sums.indices { means.encode(i, into: bands) }
        XCTAssertTrue(bands.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= 0 && $0 < 0x1p22 } }, "integers a Float holds exactly")
        let back = PeriodMeans(count: sums.count, integer: false)
        defer { back.free() }
        back.decode(bands.map { UnsafeBufferPointer($0) })
        for i in sums.indices {
            XCTAssertEqual(back.sums[i].bitPattern, sums[i].bitPattern, "sum \(i)")
            XCTAssertEqual(back.years[i], Int32(i))
        }
    }
}
