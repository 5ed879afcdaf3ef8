@testable import KubuqiIndicators
import XCTest

/// `PeriodMeans`: the sums and counts filled block by block from a layer-major stack (hand-worked, and across the
/// blocks' edges), storage the caller owns, and the two-band scratch of stored integers that gives back every bit.
final class PeriodMeansTests: XCTestCase {
    func testFillHandWorked() {
        // 3 pixels x 4 layers, layer-major; performance layers 1..<4.
        let stack: [Float] = [100, 200, 300,          // layer 0 (left out)
                              1, .nan, -0.0,          // layer 1
                              2, 5, -0.0,             // layer 2
                              .infinity, 7, .nan]     // layer 3
        let m = stack.withUnsafeBufferPointer { PeriodMeans(stack: $0, pixelCount: 3, layers: 1..<4, integer: true) }
        defer { m.free() }
        XCTAssertEqual(Array(m.sums), [3, 12, 0])
        XCTAssertEqual(Array(m.years), [2, 2, 2])
        XCTAssertEqual(m.sums[2].sign, .plus, "−0 + −0 added from +0 is +0, as a loop over the years gives")
        XCTAssertEqual(m.exactMean(1), Rational(6, 1))
        XCTAssertEqual(m.mean(0), 1.5)
    }

    func testFillAcrossBlocksInStorageTheCallerOwns() {
        // 2,500 pixels (blocks of 1,024 and a remainder) x 5 layers: pixel p's layer l is p + 10·l, missing where
        // (p + l) % 4 == 0. Sum and count worked out per pixel from the formula.
        let n = 2_500, layers = 5
        var stack = [Float](repeating: 0, count: n * layers)
        for l in 0..<layers { for p in 0..<n { stack[l * n + p] = (p + l) % 4 == 0 ? .nan : Float(p + 10 * l) } }
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: n), years = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        defer { sums.deallocate(); years.deallocate() }
        sums.update(repeating: 99)   // whatever a former chunk left
        years.update(repeating: 99)
        let m = PeriodMeans(sums: sums, years: years, integer: true)
        stack.withUnsafeBufferPointer { m.fill(stack: $0, layers: 0..<layers) }
        for p in 0..<n {
            let kept = (0..<layers).filter { (p + $0) % 4 != 0 }
            XCTAssertEqual(m.sums[p], Double(kept.count * p + 10 * kept.reduce(0, +)), "pixel \(p)")
            XCTAssertEqual(m.years[p], Int32(kept.count), "pixel \(p)")
        }
    }

    func testScratchBands() {
        XCTAssertEqual(PeriodMeans.scratchBands(integer: true, years: 16), 2)
        XCTAssertEqual(PeriodMeans.scratchBands(integer: true, years: 255), 2)
        XCTAssertEqual(PeriodMeans.scratchBands(integer: true, years: 256), 4)
        XCTAssertEqual(PeriodMeans.scratchBands(integer: false, years: 16), 4)
    }

    func testTwoBandScratchHoldsTheSumAndTheCount() {
        // The extremes of 255 years of 16-bit stored integers: 65,535·255 = 16,711,425 and −32,768·255 = −8,355,840.
        let sums: [Double] = [0, 1, -1, 16_711_425, -8_355_840, 12_345, 16_777_215 - 65_790]
        let means = PeriodMeans(count: sums.count, integer: true)
        defer { means.free() }
        for (i, s) in sums.enumerated() { means.sums[i] = s; means.years[i] = Int32(i * 40) }
        let bands = (0..<2).map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: sums.count) }
        defer { bands.forEach { $0.deallocate() } }
        means.encode(into: bands)
        XCTAssertEqual(Array(bands[0]), [0, 1, -1, 16_711_425, -8_355_840, 12_345, 16_711_425])
        XCTAssertEqual(Array(bands[1]), [0, 40, 80, 120, 160, 200, 240])
        let back = PeriodMeans(count: sums.count, integer: true)
        defer { back.free() }
        back.decode(bands.map { UnsafeBufferPointer($0) })
        for i in sums.indices {
            XCTAssertEqual(back.sums[i].bitPattern, sums[i].bitPattern, "sum \(i)")
            XCTAssertEqual(back.years[i], Int32(i * 40))
        }
    }

    func testFourBandScratchWholeBufferEqualsPixelByPixel() {
        let sums: [Double] = [0.1 + 0.2, -1e300, 3, .leastNonzeroMagnitude]
        let means = PeriodMeans(count: sums.count, integer: false)
        defer { means.free() }
        for (i, s) in sums.enumerated() { means.sums[i] = s; means.years[i] = Int32(i) }
        let a = (0..<4).map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: sums.count) }
        let b = (0..<4).map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: sums.count) }
        defer { (a + b).forEach { $0.deallocate() } }
        means.encode(into: a)
        for i in sums.indices { means.encode(i, into: b) }
        for k in 0..<4 { XCTAssertEqual(Array(a[k]), Array(b[k]), "band \(k)") }
        let back = PeriodMeans(count: sums.count, integer: false)
        defer { back.free() }
        back.decode(a.map { UnsafeBufferPointer($0) })
        XCTAssertEqual(back.sums.map(\.bitPattern), sums.map(\.bitPattern))
    }
}
