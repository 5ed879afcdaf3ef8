import XCTest
@testable import KubuqiIndicators
import KubuqiRaster

/// `IntegerTrajectory` (pair counting, eight pixels at a time, no slope) must give the classes of the
/// fully exact reference path: `TrendBatch`'s Z with `TrajectoryClass` for significance and sign, then
/// `ExactProductivity.trajectoryFullyExact` (the exact reduced-fraction median slope against the minimum).
/// Random integer stacks built to sit on and next to the edges: slopes of exactly 0 and exactly the
/// minimum, many ties, missing years, gaps between years, odd and even pair counts, pixel counts and
/// ranges that are not multiples of 8.
final class IntegerTrajectoryTests: XCTestCase {
    /// (scale, minimum slope): the edge in stored units per year is minimum / scale: 20, 10/3, 0, 0, 1/7, 1, 1/4, 33.
    private let settings: [(String, Double)] = [("0.0001", 0.002), ("0.0003", 0.001), ("1", 0), ("0.0001", 0),
                                                ("0.7", 0.1), ("0.0001", 0.0001), ("2", 0.5), ("0.0003", 0.0099)]

    /// The reference classes: Float Theil-Sen and Z, sign and significance, then the exact median.
    private func referenceClasses(stack: [Float], years: [Double], n: Int, classifier: TrajectoryClass, scale: Rational) -> [Int16] {
        var slope = [Float](repeating: 0, count: n), z = [Float](repeating: 0, count: n)
        var classes = [Int16](repeating: 0, count: n)
        stack.withUnsafeBufferPointer { s in
            slope.withUnsafeMutableBufferPointer { sl in
                z.withUnsafeMutableBufferPointer { zz in
                    TrendBatch(years: years).run(stack: s, pixelCount: n, pixels: 0..<n, slope: sl, z: zz)
                    classes.withUnsafeMutableBufferPointer {
                        TrajectoryClass().classify(slope: UnsafeBufferPointer(sl), z: UnsafeBufferPointer(zz), into: $0)
                        ExactProductivity.trajectoryFullyExact(stack: s, pixelCount: n, years: years, z: UnsafeBufferPointer(zz),
                                                               classifier: classifier, scale: scale, classes: $0)
                    }
                }
            }
        }
        return classes
    }

    func testCountedClassesEqualFullyExactClasses() throws {
        var g = SplitMix64(seed: 4242)
        let n = 1203
        var evenTies = 0, significant = 0
        for (setting, (scaleText, minimum)) in settings.enumerated() {
            let scale = Rational(decimalString: scaleText)!
            let edge = minimum / Double(scaleText)!
            let classifier = TrajectoryClass(minimumAbsoluteSlope: minimum)
            for (shape, yearCount) in [5, 6, 11, 14, 16, 16].enumerated() {
                // The last shape has gaps between its years (pairs with x_j - x_i up to 4).
                let years: [Double] = (0..<yearCount).map { (k: Int) -> Double in
                    let gap: Int = shape == 5 ? k / 3 + (k > 7 ? 2 : 0) : 0
                    return Double(2000 + k + gap)
                }
                var stack = [Float](repeating: .nan, count: yearCount * n)
                for p in 0..<n {
                    let steps = [edge, -edge, 0, edge + 1, -edge - 1, Double(g.int(61) - 30) / Double(1 + g.int(4))]
                    let step = steps[g.int(steps.count)]
                    let noise = g.int(3)
                    // Whole blocks of 8 complete (the common case), others with missing years.
                    let missingRate = (p / 8) % 3 == 0 ? 0 : 1 + g.int(10)
                    for (l, year) in years.enumerated() {
                        if missingRate > 0 && g.int(missingRate * 4) == 0 { continue }
                        let wobble = noise == 0 ? 0 : g.int(2 * noise + 1) - noise
                        stack[l * n + p] = Float((3000 + step * (year - 2000)).rounded(.down) + Double(wobble))
                    }
                }
                let reference = referenceClasses(stack: stack, years: years, n: n, classifier: classifier, scale: scale)
                let kernel = try XCTUnwrap(IntegerTrajectory(years: years, classifier: classifier, scale: scale), "setting \(setting)")
                var counted = [Int16](repeating: 99, count: n)
                stack.withUnsafeBufferPointer { s in
                    counted.withUnsafeMutableBufferPointer { c in
                        // Ranges that start and end inside blocks of 8.
                        for r in [0..<3, 3..<517, 517..<1200, 1200..<n] { kernel.run(stack: s, pixelCount: n, pixels: r, classes: c) }
                    }
                }
                for p in 0..<n where counted[p] != reference[p] {
                    XCTFail("setting \(setting) (\(scaleText), \(minimum)), \(yearCount) years, pixel \(p): \(counted[p]) vs \(reference[p])")
                    break
                }
                // How often the even case with the middle pair on either side of T (decided alone) came up.
                let p = Rational(decimal: minimum)! / scale, ints = years.map { Int($0) }
                for q in 0..<n where reference[q] != 0 && reference[q] != DegradationStatus.nodata {
                    significant += 1
                    let valid = (0..<yearCount).filter { ProductivityValues.storedInteger(stack[$0 * n + q]) != nil }
                    let m = valid.count * (valid.count - 1) / 2
                    guard m % 2 == 0 else { continue }
                    var above = 0
                    for (a, i) in valid.enumerated() {
                        for j in valid[(a + 1)...] {
                            let dy = Int128(Int(stack[j * n + q]) - Int(stack[i * n + q])) * (reference[q] > 0 ? 1 : -1)
                            if dy * p.denominator > p.numerator * Int128(ints[j] - ints[i]) { above += 1 }
                        }
                    }
                    if above == m / 2 { evenTies += 1 }
                }
                XCTAssertTrue(Set(reference).isSuperset(of: [0]) && Set(reference).count >= 3, "the setting reaches several classes: \(Set(reference))")
            }
        }
        XCTAssertGreaterThan(significant, 5000, "significant pixels compared")
        XCTAssertGreaterThan(evenTies, 20, "pixels whose two middle slopes straddle the edge (the per-pixel decision)")
    }

    /// Edges whose 32-bit counts could overflow are refused (the caller keeps the filtered Float path).
    func testRefusesEdgesBeyondThirtyTwoBits() {
        let years = (2000...2015).map(Double.init)
        XCTAssertNil(IntegerTrajectory(years: years, classifier: TrajectoryClass(minimumAbsoluteSlope: 0.0001), scale: Rational(decimalString: "0.7")!))
        XCTAssertNil(IntegerTrajectory(years: years, classifier: TrajectoryClass(), scale: Rational(decimalString: "-0.0001")!))
        XCTAssertNil(IntegerTrajectory(years: years, classifier: TrajectoryClass(minimumAbsoluteSlope: 1e6), scale: Rational(decimalString: "0.0001")!))
        XCTAssertNotNil(IntegerTrajectory(years: years, classifier: TrajectoryClass(minimumAbsoluteSlope: 0.001), scale: Rational(decimalString: "0.0001")!))
    }

    /// A hand-worked pixel: 4 years 0, 10, 20, 25 (pairs: slopes 10, 10, 5, 10, 7.5, 8.33; sorted
    /// 5, 7.5, 8.33, 10, 10, 10: median (8.33 + 10)/2 = 9.17), S = 6, no ties, Var = 4·3·13/18 = 8.67,
    /// Z = 5/2.94 = 1.70: class 1 with no minimum, 1 with T = 9 (9.17 > 9), 0 with T = 9.5.
    func testHandWorkedPixel() throws {
        let years = [2000.0, 2001, 2002, 2003]
        let stack: [Float] = [0, 10, 20, 25]
        func classOf(_ minimum: Double) throws -> Int16 {
            let kernel = try XCTUnwrap(IntegerTrajectory(years: years, classifier: TrajectoryClass(minimumAbsoluteSlope: minimum),
                                                         scale: Rational(1)))
            var c: [Int16] = [99]
            stack.withUnsafeBufferPointer { s in c.withUnsafeMutableBufferPointer { kernel.run(stack: s, pixelCount: 1, pixels: 0..<1, classes: $0) } }
            return c[0]
        }
        XCTAssertEqual(try classOf(0), 1)
        XCTAssertEqual(try classOf(9), 1)
        XCTAssertEqual(try classOf(9.5), 0)
    }

    /// Both lane widths side by side: values around ±2^14 / q (so that neighbouring blocks of 16 take the
    /// 16-bit and the 32-bit lanes), values beyond 2^22 (read again value by value), edges p·Δx above 2^15
    /// (clamped in 16-bit lanes), and 24 and 25 years (the 16-bit lanes' limit), against the fully exact path.
    func testBothLaneWidthsGiveTheFullyExactClasses() throws {
        var g = SplitMix64(seed: 77)
        let n = 517
        var narrowBlocks = 0, wideBlocks = 0
        // (scale, minimum slope): q = 1 with T = 0, q = 1 with T = 40,000 (p·Δx beyond 2^15), q = 3 with T = 10/3.
        for (scaleText, minimum) in [("0.0001", 0.0), ("0.0001", 4.0), ("0.0003", 0.001)] {
            let scale = Rational(decimalString: scaleText)!
            let q = Double((Rational(decimal: minimum)! / scale).denominator)
            let classifier = TrajectoryClass(minimumAbsoluteSlope: minimum)
            for yearCount in [16, 24, 25] {
                let years = (0..<yearCount).map { Double(2000 + $0) }
                var stack = [Float](repeating: .nan, count: yearCount * n)
                for p in 0..<n {
                    // Per block of 16: around the 16-bit edge (inside or just outside), or far beyond it.
                    let block = p / 16
                    let centre = [16_383 / q - 40, 16_384 / q - 20, -16_384 / q + 30, 5_000_000, 0][block % 5]
                    let slope = Double(g.int(41) - 20) / Double(1 + g.int(3)) * (block % 7 == 0 ? 3000 : 1)
                    for (l, _) in years.enumerated() where !(block % 3 == 1 && g.int(6) == 0) {
                        stack[l * n + p] = Float((centre + slope * Double(l - yearCount / 2)).rounded(.down) + Double(g.int(3) - 1))
                    }
                }
                for p in stride(from: 0, to: n - 15, by: 16) {
                    let ys = (0..<yearCount).flatMap { l in (p..<(p + 16)).compactMap { ProductivityValues.storedInteger(stack[l * n + $0]) } }
                    if ys.allSatisfy({ Double($0) * q >= -16_384 && Double($0) * q < 16_384 }) && yearCount <= 24 { narrowBlocks += 1 } else { wideBlocks += 1 }
                }
                let reference = referenceClasses(stack: stack, years: years, n: n, classifier: classifier, scale: scale)
                let kernel = try XCTUnwrap(IntegerTrajectory(years: years, classifier: classifier, scale: scale))
                var counted = [Int16](repeating: 99, count: n)
                stack.withUnsafeBufferPointer { s in
                    counted.withUnsafeMutableBufferPointer { c in
                        for r in [0..<5, 5..<300, 300..<n] { kernel.run(stack: s, pixelCount: n, pixels: r, classes: c) }
                    }
                }
                for p in 0..<n where counted[p] != reference[p] {
                    XCTFail("(\(scaleText), \(minimum)), \(yearCount) years, pixel \(p): \(counted[p]) vs \(reference[p])")
                    break
                }
                XCTAssertGreaterThanOrEqual(Set(reference).count, 3, "several classes: \(Set(reference))")
            }
        }
        XCTAssertGreaterThan(narrowBlocks, 20)
        XCTAssertGreaterThan(wideBlocks, 20)
    }
}
