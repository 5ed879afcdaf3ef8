import XCTest
@testable import KubuqiIndicators
import KubuqiRaster

/// `ExactProductivity.trajectory` decides in integers only the pixels whose floating-point slope lies
/// within its rounding bound of the class edge; `trajectoryFullyExact` decides every significant pixel
/// with the exact (reduced-fraction) Theil-Sen slope. Their classes must be identical, on random integer
/// stacks built to sit on and next to the edges: slopes of exactly 0 and exactly the minimum, many ties,
/// missing years, odd and even pair counts.
final class ExactTrajectoryFilterTests: XCTestCase {
    /// (scale, minimum slope): the edge in stored units per year is minimum / scale: 20, 10/3, 0, 1/7 ...
    private let settings: [(String, Double)] = [("0.0001", 0.002), ("0.0003", 0.001), ("1", 0), ("0.0001", 0),
                                                ("0.7", 0.1), ("0.0001", 0.0001), ("2", 0.5), ("-0.0001", 0.002)]

    func testFilteredClassesEqualFullyExactClasses() {
        var g = SplitMix64(seed: 2026)
        let n = 1500
        var decidedExactly = 0
        for (setting, (scaleText, minimum)) in settings.enumerated() {
            let scale = Rational(decimalString: scaleText)!
            let edge = minimum / abs(Double(scaleText)!)
            for yearCount in [5, 6, 11, 16] {
                let years = (0..<yearCount).map { Double(2000 + $0) }
                var stack = [Float](repeating: .nan, count: yearCount * n)
                for p in 0..<n {
                    // Steps at the edge, at 0, one unit off them, as fractions; noise of 0 or +-1 (many ties).
                    let steps = [edge, -edge, 0, edge + 1, -edge - 1, Double(g.int(61) - 30) / Double(1 + g.int(4))]
                    let step = steps[g.int(steps.count)]
                    let noise = g.int(3)
                    for l in 0..<yearCount {
                        if g.int(12) == 0 { continue }   // a missing year
                        let wobble = noise == 0 ? 0 : g.int(2 * noise + 1) - noise
                        stack[l * n + p] = Float((3000 + step * Double(l)).rounded(.down) + Double(wobble))
                    }
                }
                var slope = [Float](repeating: 0, count: n), z = [Float](repeating: 0, count: n)
                stack.withUnsafeBufferPointer { s in
                    slope.withUnsafeMutableBufferPointer { sl in
                        z.withUnsafeMutableBufferPointer { zz in
                            TrendBatch(years: years).run(stack: s, pixelCount: n, pixels: 0..<n, slope: sl, z: zz)
                        }
                    }
                }
                var initial = [Int16](repeating: 0, count: n)
                slope.withUnsafeBufferPointer { sl in
                    z.withUnsafeBufferPointer { zz in
                        initial.withUnsafeMutableBufferPointer { TrajectoryClass().classify(slope: sl, z: zz, into: $0) }
                    }
                }
                var filtered = initial, full = initial
                let classifier = TrajectoryClass(minimumAbsoluteSlope: minimum)
                stack.withUnsafeBufferPointer { s in
                    slope.withUnsafeBufferPointer { sl in
                        z.withUnsafeBufferPointer { zz in
                            filtered.withUnsafeMutableBufferPointer {
                                ExactProductivity.trajectory(stack: s, pixelCount: n, years: years, slope: sl, z: zz,
                                                             classifier: classifier, scale: scale, classes: $0)
                            }
                            full.withUnsafeMutableBufferPointer {
                                ExactProductivity.trajectoryFullyExact(stack: s, pixelCount: n, years: years, z: zz,
                                                                       classifier: classifier, scale: scale, classes: $0)
                            }
                        }
                    }
                }
                for p in 0..<n where filtered[p] != full[p] {
                    XCTFail("setting \(setting) (\(scaleText), \(minimum)), \(yearCount) years, pixel \(p): \(filtered[p]) vs \(full[p])")
                    break
                }
                if scale.signum > 0 {
                    decidedExactly += (0..<n).filter { p in
                        initial[p] != 0 && initial[p] != DegradationStatus.nodata
                            && abs((z[p] > 0 ? 1 : -1) * Double(slope[p]) - edge)
                            <= ExactProductivity.slopeRoundingBound(slope: Double(slope[p]), edge: edge)
                    }.count
                }
                XCTAssertTrue(Set(full).isSuperset(of: [0, 3]) || yearCount < 11 || scale.signum <= 0, "the setting reaches both sides: \(Set(full))")
            }
        }
        // The cases at the edge did reach the integer decision (a filter deciding everything in floating point
        // would not be tested by the comparison above).
        XCTAssertGreaterThan(decidedExactly, 250, "pixels decided in integers")
    }

    /// The counting decision against the exact median, on random series and thresholds, including
    /// thresholds equal to the median and to either middle slope.
    func testExceedsAgreesWithTheExactMedian() {
        var g = SplitMix64(seed: 77)
        for trial in 0..<600 {
            let count = 2 + trial % 15
            let x = (0..<count).map { 2000 + $0 + ($0 > 3 && trial % 4 == 0 ? 1 : 0) }
            let y = (0..<count).map { _ in g.int(trial % 3 == 0 ? 4 : 400) - 200 }
            let median = TheilSen.exactSlope(x: x, y: y)!
            let offsets = [Rational(0), Rational(1, 1_000_000), Rational(-1, 1_000_000), Rational(Int128(g.int(9) - 4), 3)]
            for t in offsets.map({ median + $0 }) + [Rational(0), Rational(Int128(g.int(41) - 20), Int128(1 + g.int(6)))] {
                XCTAssertEqual(TheilSen.exactSlopeExceeds(x: x, y: y, numerator: t.numerator, denominator: t.denominator),
                               t < median, "trial \(trial), threshold \(t), median \(median)")
            }
        }
        XCTAssertNil(TheilSen.exactSlopeExceeds(x: [2000], y: [1], numerator: 0, denominator: 1))
        XCTAssertNil(TheilSen.exactSlopeExceeds(x: [2000, 2000], y: [1, 2], numerator: 0, denominator: 1))
    }
}
