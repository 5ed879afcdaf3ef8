import KubuqiRaster
import XCTest

/// Fractional vegetation cover by the dimidiate pixel model.
final class FVCTests: XCTestCase {
    /// The model written out for one pixel.
    func scalarFVC(_ ndvi: Float, nodata: Float?, soil: Float, vegetation: Float) -> Float {
        referencePixel([ndvi], nodata: [nodata]) {
            let f = (ndvi - soil) / (vegetation - soil)
            if f < 0 { return 0 }
            if f > 1 { return 1 }
            return f
        }
    }

    func run(_ ndvi: [Float], nodata: Float?, _ endMembers: FractionalVegetationCover.EndMembers) -> [Float] {
        runKernel([ndvi], nodata: [nodata]) { inputs, nodata, out in
            FractionalVegetationCover.apply(ndvi: inputs[0], ndviNodata: nodata[0], endMembers: endMembers, into: out)
        }
    }

    func testMatchesTheScalarModelOnRandomInputs() {
        var sampler = BandSampler(seed: 4242)
        let pairs: [(Float, Float)] = [(0.05, 0.85), (-0.1, 0.6), (0.12, 0.13), (0, 1)]
        for (soil, vegetation) in pairs {
            let em = FractionalVegetationCover.EndMembers(soil: soil, vegetation: vegetation)!
            for n in testLengths {
                let ndvi = (0..<n).map { _ in sampler.value() }
                for nodata in [Float?.none, -9999, 0] {
                    let expected = ndvi.map { scalarFVC($0, nodata: nodata, soil: soil, vegetation: vegetation) }
                    assertSamePixels(run(ndvi, nodata: nodata, em), expected, "FVC \(soil)...\(vegetation) n=\(n)")
                }
            }
        }
    }

    func testHandWorkedValues() {
        // Soil 0.05, vegetation 0.85 (range 0.8):
        //   NDVI 0.45 -> 0.4 / 0.8 = 0.5;  0.25 -> 0.2 / 0.8 = 0.25;  0.05 -> 0
        //   NDVI 0.0 -> -0.0625 -> clamped to 0;  0.9 -> 1.0625 -> clamped to 1
        //   NaN and nodata -> NaN
        let em = FractionalVegetationCover.EndMembers(soil: 0.05, vegetation: 0.85)!
        let out = run([0.45, 0.25, 0.05, 0, 0.9, 0.85, .nan, -2, .infinity], nodata: -2, em)
        XCTAssertEqual(out[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(out[1], 0.25, accuracy: 1e-6)
        XCTAssertEqual(out[2], 0)
        XCTAssertEqual(out[3], 0)
        XCTAssertEqual(out[4], 1)
        XCTAssertEqual(out[5], 1, accuracy: 1e-6)
        XCTAssertTrue(out[6].isNaN)
        XCTAssertTrue(out[7].isNaN)
        XCTAssertTrue(out[8].isNaN)
    }

    func testEndMembersMustBeOrderedAndFinite() {
        XCTAssertNil(FractionalVegetationCover.EndMembers(soil: 0.5, vegetation: 0.5))
        XCTAssertNil(FractionalVegetationCover.EndMembers(soil: 0.6, vegetation: 0.5))
        XCTAssertNil(FractionalVegetationCover.EndMembers(soil: .nan, vegetation: 0.5))
        XCTAssertNil(FractionalVegetationCover.EndMembers(soil: 0, vegetation: .infinity))
        XCTAssertNil(FractionalVegetationCover.EndMembers(soil: -.greatestFiniteMagnitude, vegetation: .greatestFiniteMagnitude))
        XCTAssertNotNil(FractionalVegetationCover.EndMembers(soil: -1, vegetation: 1))
    }

    func testEndMembersFromTheHistogramPercentiles() {
        // 10000 NDVI values evenly spread over 0..1 (the 5th and 95th
        // percentiles are 0.05 and 0.95), counted in 2000 bins over -1..1.
        var h = Histogram(lowerBound: -1, upperBound: 1, bins: 2000)
        for i in 0..<10_000 { h.add((Double(i) + 0.5) / 10_000) }
        let em = FractionalVegetationCover.endMembers(from: h)!
        XCTAssertEqual(Double(em.soil), 0.05, accuracy: h.binWidth)
        XCTAssertEqual(Double(em.vegetation), 0.95, accuracy: h.binWidth)

        // Other quantiles, and the two degenerate cases.
        let wide = FractionalVegetationCover.endMembers(from: h, soilQuantile: 0.01, vegetationQuantile: 0.99)!
        XCTAssertEqual(Double(wide.soil), 0.01, accuracy: h.binWidth)
        XCTAssertNil(FractionalVegetationCover.endMembers(from: Histogram(lowerBound: -1, upperBound: 1, bins: 10)))
        var flat = Histogram(lowerBound: -1, upperBound: 1, bins: 10)
        for _ in 0..<100 { flat.add(0.3) }
        // One bin: the 5th and 95th percentiles are both inside it but differ by interpolation.
        if let e = FractionalVegetationCover.endMembers(from: flat) {
            XCTAssertLessThan(e.soil, e.vegetation)
        }
        XCTAssertNil(FractionalVegetationCover.endMembers(from: flat, soilQuantile: 0.5, vegetationQuantile: 0.5))
    }
}
