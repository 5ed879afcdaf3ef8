import KubuqiRaster
import XCTest

/// The SIMD kernel against a plain scalar formula written here, independently.
final class NDVIKernelTests: XCTestCase {
    /// The reference: one pixel at a time, each rule spelled out.
    func scalarNDVI(nir: Float, red: Float, nirNodata: Float?, redNodata: Float?) -> Float {
        if let n = nirNodata, nir == n { return .nan }
        if let n = redNodata, red == n { return .nan }
        if !nir.isFinite || !red.isFinite { return .nan }
        let denominator = nir + red
        if denominator == 0 { return .nan }
        let v = (nir - red) / denominator
        return v.isFinite ? v : .nan
    }

    func run(_ nir: [Float], _ red: [Float], nirNodata: Float?, redNodata: Float?) -> [Float] {
        var out = [Float](repeating: 42, count: nir.count)
        nir.withUnsafeBufferPointer { n in
            red.withUnsafeBufferPointer { r in
                out.withUnsafeMutableBufferPointer { o in
                    NDVI.apply(nir: n, nirNodata: nirNodata, red: r, redNodata: redNodata, into: o)
                }
            }
        }
        return out
    }

    func assertSame(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for i in a.indices {
            if a[i].isNaN || b[i].isNaN {
                XCTAssertTrue(a[i].isNaN && b[i].isNaN, "pixel \(i): \(a[i]) vs \(b[i])", file: file, line: line)
            } else {
                XCTAssertEqual(a[i], b[i], accuracy: 1e-6, "pixel \(i)", file: file, line: line)
            }
        }
    }

    func testRandomInputsWithEdgeValuesAndOddWidths() {
        var rng = SplitMix64(seed: 20250101)
        let specials: [Float] = [0, -0, .nan, .infinity, -.infinity, -9999, 16000, 1, -1, .greatestFiniteMagnitude]
        for count in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 1001] {
            var nir = [Float](), red = [Float]()
            for _ in 0..<count {
                let pick = rng.next() % 4
                nir.append(pick == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : Float(rng.next() % 20000) - 2000)
                red.append(pick == 1 ? specials[Int(rng.next() % UInt64(specials.count))] : Float(rng.next() % 20000) - 2000)
            }
            for (nn, rn) in [(Float?.none, Float?.none), (-9999, -9999), (16000, nil)] {
                let expected = zip(nir, red).map { scalarNDVI(nir: $0, red: $1, nirNodata: nn, redNodata: rn) }
                assertSame(run(nir, red, nirNodata: nn, redNodata: rn), expected)
            }
        }
    }

    func testHandWorkedValues() {
        // (0.5 - 0.1) / (0.5 + 0.1) = 0.4 / 0.6 = 2/3; (3000-1000)/(4000) = 0.5.
        let out = run([0.5, 3000, 100, 0, 7, -5], [0.1, 1000, 100, 0, -7, 5], nirNodata: nil, redNodata: nil)
        XCTAssertEqual(out[0], 2.0 / 3.0, accuracy: 1e-7)
        XCTAssertEqual(out[1], 0.5)
        XCTAssertEqual(out[2], 0)
        XCTAssertTrue(out[3].isNaN, "0/0 is nodata")
        XCTAssertTrue(out[4].isNaN, "zero denominator is nodata")
        XCTAssertTrue(out[5].isNaN, "zero denominator is nodata")
    }

    func testNodataInEitherBandGivesNodata() {
        let out = run([-9999, 500, 500], [100, 0, 100], nirNodata: -9999, redNodata: 0)
        XCTAssertTrue(out[0].isNaN)
        XCTAssertTrue(out[1].isNaN)
        XCTAssertEqual(out[2], 400.0 / 600.0, accuracy: 1e-7)
    }
}
