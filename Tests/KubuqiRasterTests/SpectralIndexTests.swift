import KubuqiRaster
import XCTest

/// Every catalogue kernel against a scalar formula written here from the
/// published equations, on random inputs with every kind of edge value, and
/// on values worked by hand.
final class SpectralIndexTests: XCTestCase {
    /// One index under test: the definition, its formula by band role, and a
    /// way to force a zero denominator (or another invalid result) on a pixel.
    struct Case {
        var index: SpectralIndex
        var formula: ([BandRole: Float]) -> Float
        var makeInvalid: ((inout [BandRole: Float]) -> Void)?
    }

    static func normalizedDifference(_ a: BandRole, _ b: BandRole) -> ([BandRole: Float]) -> Float {
        { p in (p[a]! - p[b]!) / (p[a]! + p[b]!) }
    }

    static func savi(_ l: Float) -> ([BandRole: Float]) -> Float {
        { p in (1 + l) * (p[.nir]! - p[.red]!) / (p[.nir]! + p[.red]! + l) }
    }

    static func albedoFormula(_ p: [BandRole: Float]) -> Float {
        let sum = 0.356 * p[.blue]! + 0.130 * p[.red]! + 0.373 * p[.nir]! + 0.085 * p[.swir1]! + 0.072 * p[.swir2]!
        return (sum - 0.0018) / 1.016
    }

    /// The formulas, written independently of the kernels from the papers.
    static var cases: [Case] { [
        Case(index: .ndvi, formula: normalizedDifference(.nir, .red)) { $0[.red] = -$0[.nir]! },
        Case(index: .savi, formula: savi(0.5)) { $0[.red] = -$0[.nir]! - 0.5 },
        Case(index: .savi(l: 0), formula: savi(0)) { $0[.red] = -$0[.nir]! },
        Case(index: .savi(l: 0.25), formula: savi(0.25)) { $0[.red] = -$0[.nir]! - 0.25 },
        Case(index: .savi(l: 1), formula: savi(1)) { $0[.red] = -$0[.nir]! - 1 },
        Case(index: .msavi2, formula: { p in
            let n = p[.nir]!, r = p[.red]!
            let radicand = (2 * n + 1) * (2 * n + 1) - 8 * (n - r)
            return (2 * n + 1 - radicand.squareRoot()) / 2  // NaN for a negative radicand
        }) { p in
            // (2*0.5 + 1)^2 - 8 (0.5 - red) < 0 for any red < 0.
            p[.nir] = 0.5
            p[.red] = -0.25
        },
        Case(index: .evi, formula: { p in
            let n = p[.nir]!, r = p[.red]!, b = p[.blue]!
            return 2.5 * (n - r) / (n + 6 * r - 7.5 * b + 1)
        }) { p in
            // NIR + 6 Red - 7.5 Blue + 1 = 0, exactly in Float for these multiples of 1/64.
            p[.nir] = 7.5 * p[.blue]! - 6 * p[.red]! - 1
        },
        Case(index: .evi2, formula: { p in
            let n = p[.nir]!, r = p[.red]!
            return 2.5 * (n - r) / (n + 2.4 * r + 1)
        }) { p in
            p[.red] = 0
            p[.nir] = -1
        },
        Case(index: .bsi, formula: { p in
            let soil = p[.swir1]! + p[.red]!, other = p[.nir]! + p[.blue]!
            return (soil - other) / (soil + other)
        }) { p in
            p[.blue] = -(p[.swir1]! + p[.red]!) - p[.nir]!
        },
        Case(index: .tgsi, formula: { p in
            (p[.red]! - p[.blue]!) / (p[.red]! + p[.green]! + p[.blue]!)
        }) { p in
            p[.green] = -(p[.red]! + p[.blue]!)
        },
        Case(index: .albedo, formula: albedoFormula) { p in
            // No denominator: the invalid case is an overflow to infinity.
            for role in [BandRole.blue, .red, .nir, .swir1, .swir2] { p[role] = .greatestFiniteMagnitude }
        },
        Case(index: .albedo(sensorFamily: .sentinel2), formula: albedoFormula, makeInvalid: nil),
        Case(index: .ndwi, formula: normalizedDifference(.green, .nir)) { $0[.nir] = -$0[.green]! },
        Case(index: .mndwi, formula: normalizedDifference(.green, .swir1)) { $0[.swir1] = -$0[.green]! },
        Case(index: .ndmi, formula: normalizedDifference(.nir, .swir1)) { $0[.swir1] = -$0[.nir]! },
        Case(index: .nbr, formula: normalizedDifference(.nir, .swir2)) { $0[.swir2] = -$0[.nir]! },
    ] }

    func testEveryKernelMatchesItsScalarFormulaOnRandomInputs() {
        var sampler = BandSampler(seed: 0x6B75_6275_7169)
        for c in Self.cases {
            let roles = c.index.roles
            for n in testLengths {
                var pixels: [[BandRole: Float]] = []
                for _ in 0..<n {
                    var p: [BandRole: Float] = [:]
                    for role in roles { p[role] = sampler.value() }
                    if let makeInvalid = c.makeInvalid, sampler.below(8) == 0 { makeInvalid(&p) }
                    pixels.append(p)
                }
                let bands = roles.map { role in pixels.map { $0[role]! } }
                // No nodata; -9999 everywhere; a different value per band (0 occurs often).
                let configurations: [[Float?]] = [
                    roles.map { _ in nil },
                    roles.map { _ in -9999 },
                    roles.enumerated().map { k, _ in k == 0 ? 16000 : (k == 1 ? 0 : nil) },
                ]
                for nodata in configurations {
                    let expected = pixels.map { p in
                        referencePixel(roles.map { p[$0]! }, nodata: nodata) { c.formula(p) }
                    }
                    let actual = runKernel(bands, nodata: nodata, c.index.kernel)
                    assertSamePixels(actual, expected, "\(c.index.name) n=\(n) nodata=\(nodata)")
                }
            }
        }
    }

    func testForcedInvalidPixelsAreNodata() {
        // Every pixel forced to a zero denominator (or overflow / negative radicand).
        var sampler = BandSampler(seed: 99)
        for c in Self.cases {
            guard let makeInvalid = c.makeInvalid else { continue }
            let roles = c.index.roles
            var pixels: [[BandRole: Float]] = []
            for _ in 0..<37 {
                var p: [BandRole: Float] = [:]
                for role in roles { p[role] = Float(sampler.below(65)) / 64 }
                makeInvalid(&p)
                pixels.append(p)
            }
            let out = runKernel(roles.map { role in pixels.map { $0[role]! } },
                                nodata: roles.map { _ in nil }, c.index.kernel)
            XCTAssertTrue(out.allSatisfy(\.isNaN), "\(c.index.name): \(out)")
        }
    }

    // MARK: Hand-worked values

    /// A vegetated pixel: blue 0.05, green 0.08, red 0.1, NIR 0.5, SWIR1 0.3, SWIR2 0.2.
    static let vegetation: [BandRole: Float] = [.blue: 0.05, .green: 0.08, .red: 0.1, .nir: 0.5, .swir1: 0.3, .swir2: 0.2]
    /// A sand pixel: blue 0.20, green 0.25, red 0.30, NIR 0.35, SWIR1 0.45, SWIR2 0.40.
    static let sand: [BandRole: Float] = [.blue: 0.20, .green: 0.25, .red: 0.30, .nir: 0.35, .swir1: 0.45, .swir2: 0.40]

    func value(_ index: SpectralIndex, _ pixel: [BandRole: Float]) -> Float {
        runKernel(index.roles.map { [pixel[$0]!] }, nodata: index.roles.map { _ in nil }, index.kernel)[0]
    }

    func testHandWorkedVegetationPixel() {
        let p = Self.vegetation
        // NDVI = (0.5 - 0.1) / (0.5 + 0.1) = 0.4 / 0.6 = 0.666667
        XCTAssertEqual(value(.ndvi, p), 0.666667, accuracy: 1e-6)
        // SAVI = 1.5 * 0.4 / (0.6 + 0.5) = 0.6 / 1.1 = 0.545455
        XCTAssertEqual(value(.savi, p), 0.545455, accuracy: 1e-6)
        // SAVI(L=0) = NDVI = 0.666667; SAVI(L=1) = 2 * 0.4 / 1.6 = 0.5
        XCTAssertEqual(value(.savi(l: 0), p), 0.666667, accuracy: 1e-6)
        XCTAssertEqual(value(.savi(l: 1), p), 0.5, accuracy: 1e-6)
        // MSAVI2: 2N+1 = 2; 2^2 - 8 * 0.4 = 0.8; sqrt 0.8 = 0.894427; (2 - 0.894427) / 2 = 0.552786
        XCTAssertEqual(value(.msavi2, p), 0.552786, accuracy: 1e-6)
        // EVI = 2.5 * 0.4 / (0.5 + 0.6 - 0.375 + 1) = 1 / 1.725 = 0.579710
        XCTAssertEqual(value(.evi, p), 0.579710, accuracy: 1e-6)
        // EVI2 = 2.5 * 0.4 / (0.5 + 0.24 + 1) = 1 / 1.74 = 0.574713
        XCTAssertEqual(value(.evi2, p), 0.574713, accuracy: 1e-6)
        // BSI = ((0.3 + 0.1) - (0.5 + 0.05)) / (0.4 + 0.55) = -0.15 / 0.95 = -0.157895
        XCTAssertEqual(value(.bsi, p), -0.157895, accuracy: 1e-6)
        // TGSI = (0.1 - 0.05) / (0.1 + 0.08 + 0.05) = 0.05 / 0.23 = 0.217391
        XCTAssertEqual(value(.tgsi, p), 0.217391, accuracy: 1e-6)
        // Albedo: 0.356*0.05 + 0.130*0.1 + 0.373*0.5 + 0.085*0.3 + 0.072*0.2
        //       = 0.0178 + 0.013 + 0.1865 + 0.0255 + 0.0144 = 0.2572; (0.2572 - 0.0018) / 1.016 = 0.251378
        XCTAssertEqual(value(.albedo, p), 0.251378, accuracy: 1e-6)
        XCTAssertEqual(value(.albedo(sensorFamily: .sentinel2), p), 0.251378, accuracy: 1e-6)
        // NDWI = (0.08 - 0.5) / 0.58 = -0.724138; MNDWI = (0.08 - 0.3) / 0.38 = -0.578947
        XCTAssertEqual(value(.ndwi, p), -0.724138, accuracy: 1e-6)
        XCTAssertEqual(value(.mndwi, p), -0.578947, accuracy: 1e-6)
        // NDMI = (0.5 - 0.3) / 0.8 = 0.25; NBR = (0.5 - 0.2) / 0.7 = 0.428571
        XCTAssertEqual(value(.ndmi, p), 0.25, accuracy: 1e-6)
        XCTAssertEqual(value(.nbr, p), 0.428571, accuracy: 1e-6)
    }

    func testHandWorkedSandPixel() {
        let p = Self.sand
        // NDVI = 0.05 / 0.65 = 0.076923; SAVI = 0.075 / 1.15 = 0.065217
        XCTAssertEqual(value(.ndvi, p), 0.076923, accuracy: 1e-6)
        XCTAssertEqual(value(.savi, p), 0.065217, accuracy: 1e-6)
        // MSAVI2: 2N+1 = 1.7; 2.89 - 0.4 = 2.49; sqrt 2.49 = 1.577973; (1.7 - 1.577973) / 2 = 0.061013
        XCTAssertEqual(value(.msavi2, p), 0.061013, accuracy: 1e-6)
        // EVI = 0.125 / (0.35 + 1.8 - 1.5 + 1) = 0.125 / 1.65 = 0.075758
        XCTAssertEqual(value(.evi, p), 0.075758, accuracy: 1e-6)
        // EVI2 = 0.125 / (0.35 + 0.72 + 1) = 0.125 / 2.07 = 0.060386
        XCTAssertEqual(value(.evi2, p), 0.060386, accuracy: 1e-6)
        // BSI = (0.75 - 0.55) / (0.75 + 0.55) = 0.2 / 1.3 = 0.153846: positive, bare
        XCTAssertEqual(value(.bsi, p), 0.153846, accuracy: 1e-6)
        // TGSI = (0.30 - 0.20) / 0.75 = 0.133333
        XCTAssertEqual(value(.tgsi, p), 0.133333, accuracy: 1e-6)
        // Albedo: 0.0712 + 0.039 + 0.13055 + 0.03825 + 0.0288 = 0.3078; (0.3078 - 0.0018) / 1.016 = 0.301181
        XCTAssertEqual(value(.albedo, p), 0.301181, accuracy: 1e-6)
        // NDWI = -0.1 / 0.6 = -0.166667; MNDWI = -0.2 / 0.7 = -0.285714
        XCTAssertEqual(value(.ndwi, p), -0.166667, accuracy: 1e-6)
        XCTAssertEqual(value(.mndwi, p), -0.285714, accuracy: 1e-6)
        // NDMI = -0.1 / 0.8 = -0.125; NBR = -0.05 / 0.75 = -0.066667
        XCTAssertEqual(value(.ndmi, p), -0.125, accuracy: 1e-6)
        XCTAssertEqual(value(.nbr, p), -0.066667, accuracy: 1e-6)
    }

    func testHandWorkedEdgeCases() {
        // MSAVI2 radicand exactly zero: NIR 0.5, red 0: 2^2 - 8 * 0.5 = 0 -> (2 - 0) / 2 = 1.
        XCTAssertEqual(value(.msavi2, [.nir: 0.5, .red: 0]), 1)
        // Negative radicand: NIR 0.5, red -0.25: 4 - 8 * 0.75 = -2 -> nodata.
        XCTAssertTrue(value(.msavi2, [.nir: 0.5, .red: -0.25]).isNaN)
        // EVI: 0.875 + 0 - 7.5 * 0.25 + 1 = 0 -> nodata.
        XCTAssertTrue(value(.evi, [.nir: 0.875, .red: 0, .blue: 0.25]).isNaN)
        // SAVI: 0 + (-0.5) + 0.5 = 0 -> nodata.
        XCTAssertTrue(value(.savi, [.nir: 0, .red: -0.5]).isNaN)
        // TGSI: 0.25 - 0.5 + 0.25 = 0 -> nodata; BSI all zero -> 0/0 -> nodata.
        XCTAssertTrue(value(.tgsi, [.red: 0.25, .green: -0.5, .blue: 0.25]).isNaN)
        XCTAssertTrue(value(.bsi, [.swir1: 0, .red: 0, .nir: 0, .blue: 0]).isNaN)
        // Pure water-like reflectance: albedo of all-zero bands is -0.0018 / 1.016 = -0.001772.
        XCTAssertEqual(value(.albedo, [.blue: 0, .red: 0, .nir: 0, .swir1: 0, .swir2: 0]), -0.001772, accuracy: 1e-6)
    }

    func testScaleFreeIndicesIgnoreACommonGain() {
        // Reflectance x 10000 (a pure gain) gives the same normalized differences, BSI and TGSI.
        for index in [SpectralIndex.ndvi, .bsi, .tgsi, .ndwi, .mndwi, .ndmi, .nbr] {
            let scaled = Self.sand.mapValues { $0 * 10_000 }
            XCTAssertEqual(value(index, scaled), value(index, Self.sand), accuracy: 1e-6, index.name)
        }
        // SAVI is not scale-free: the same pixel in DN gives a different value.
        XCTAssertNotEqual(value(.savi, Self.sand.mapValues { $0 * 10_000 }), value(.savi, Self.sand), accuracy: 1e-3)
    }

    // MARK: The typed entry points

    func testTypedKernelsTakeTheirBandsInTheLabelledOrder() {
        // Two pixels: vegetation, then sand; odd length 2 -> all in the SIMD tail.
        let v = Self.vegetation, s = Self.sand
        func band(_ r: BandRole) -> [Float] { [v[r]!, s[r]!] }
        func run(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
            var out = [Float](repeating: 42, count: 2)
            out.withUnsafeMutableBufferPointer { body($0) }
            return out
        }
        let blue = band(.blue), green = band(.green), red = band(.red), nir = band(.nir)
        let swir1 = band(.swir1), swir2 = band(.swir2)
        blue.withUnsafeBufferPointer { b in green.withUnsafeBufferPointer { g in red.withUnsafeBufferPointer { r in
        nir.withUnsafeBufferPointer { n in swir1.withUnsafeBufferPointer { s1 in swir2.withUnsafeBufferPointer { s2 in
            let savi = run { SAVI.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, l: 0.5, into: $0) }
            XCTAssertEqual(savi[0], 0.545455, accuracy: 1e-6)
            XCTAssertEqual(savi[1], 0.065217, accuracy: 1e-6)
            let msavi2 = run { MSAVI2.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, into: $0) }
            XCTAssertEqual(msavi2[0], 0.552786, accuracy: 1e-6)
            let evi = run { EVI.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, blue: b, blueNodata: nil, into: $0) }
            XCTAssertEqual(evi[0], 0.579710, accuracy: 1e-6)
            XCTAssertEqual(evi[1], 0.075758, accuracy: 1e-6)
            let evi2 = run { EVI2.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, into: $0) }
            XCTAssertEqual(evi2[0], 0.574713, accuracy: 1e-6)
            let bsi = run { BSI.apply(swir1: s1, swir1Nodata: nil, red: r, redNodata: nil, nir: n, nirNodata: nil,
                                      blue: b, blueNodata: nil, into: $0) }
            XCTAssertEqual(bsi[1], 0.153846, accuracy: 1e-6)
            let tgsi = run { TGSI.apply(red: r, redNodata: nil, green: g, greenNodata: nil, blue: b, blueNodata: nil, into: $0) }
            XCTAssertEqual(tgsi[0], 0.217391, accuracy: 1e-6)
            let albedo = run { BroadbandAlbedo.apply(blue: b, blueNodata: nil, red: r, redNodata: nil, nir: n, nirNodata: nil,
                                                     swir1: s1, swir1Nodata: nil, swir2: s2, swir2Nodata: nil, into: $0) }
            XCTAssertEqual(albedo[1], 0.301181, accuracy: 1e-6)
            let ndwi = run { NormalizedDifference.apply(g, nodata: nil, n, nodata: nil, into: $0) }
            XCTAssertEqual(ndwi[0], -0.724138, accuracy: 1e-6)
            let mndwi = run { NormalizedDifference.apply(g, nodata: nil, s1, nodata: nil, into: $0) }
            XCTAssertEqual(mndwi[0], -0.578947, accuracy: 1e-6)
            let ndmi = run { NormalizedDifference.apply(n, nodata: nil, s1, nodata: nil, into: $0) }
            XCTAssertEqual(ndmi[0], 0.25, accuracy: 1e-6)
            let nbr = run { NormalizedDifference.apply(n, nodata: nil, s2, nodata: nil, into: $0) }
            XCTAssertEqual(nbr[0], 0.428571, accuracy: 1e-6)
            // Nodata in one band masks only that band's pixel.
            let masked = run { EVI.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, blue: b, blueNodata: 0.05, into: $0) }
            XCTAssertTrue(masked[0].isNaN)
            XCTAssertEqual(masked[1], 0.075758, accuracy: 1e-6)
        } } } } } }
    }

    func testEVICoefficientsAreParameters() {
        // With G = 1, C1 = C2 = 0, L = 0, EVI is NDVI-like: (0.5 - 0.1) / 0.5 = 0.8.
        var out: [Float] = [0]
        let n: [Float] = [0.5], r: [Float] = [0.1], b: [Float] = [0.05]
        n.withUnsafeBufferPointer { n in r.withUnsafeBufferPointer { r in b.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer {
                EVI.apply(nir: n, nirNodata: nil, red: r, redNodata: nil, blue: b, blueNodata: nil,
                          gain: 1, c1: 0, c2: 0, l: 0, into: $0)
            }
        } } }
        XCTAssertEqual(out[0], 0.8, accuracy: 1e-6)
    }

    // MARK: The catalogue

    func testCatalogueEntriesAreCompleteAndFindable() {
        let names = SpectralIndex.catalogue.map(\.name)
        XCTAssertEqual(names, ["ndvi", "savi", "msavi2", "evi", "evi2", "bsi", "tgsi", "albedo",
                               "ndwi", "mndwi", "ndmi", "nbr"])
        XCTAssertEqual(Set(names).count, names.count, "names are unique")
        for index in SpectralIndex.catalogue {
            XCTAssertEqual(index.name, index.name.lowercased())
            XCTAssertEqual(SpectralIndex.named(index.name.uppercased())?.name, index.name)
            XCTAssertFalse(index.title.isEmpty)
            XCTAssertFalse(index.formula.isEmpty)
            XCTAssertFalse(index.roles.isEmpty)
            XCTAssertEqual(Set(index.roles).count, index.roles.count, "\(index.name): a role appears once")
            XCTAssertTrue(index.citation.contains("("), "\(index.name): citation with a year")
            XCTAssertLessThan(index.validRange.lowerBound, index.validRange.upperBound)
        }
        // NDVI's entry is unchanged.
        XCTAssertEqual(SpectralIndex.ndvi.formula, "(NIR - Red) / (NIR + Red)")
        XCTAssertEqual(SpectralIndex.ndvi.roles, [.nir, .red])
        // SAVI's parameter shows in its text; the catalogue entry is L = 0.5.
        XCTAssertTrue(SpectralIndex.savi(l: 0.25).formula.contains("0.25"))
        XCTAssertTrue(SpectralIndex.named("savi")!.formula.contains("L = 0.5"))
        // The Sentinel-2 albedo has its own name and is not a catalogue entry.
        XCTAssertEqual(SpectralIndex.albedo(sensorFamily: .sentinel2).name, "albedo-s2")
        XCTAssertEqual(SpectralIndex.albedo(sensorFamily: .landsat).name, "albedo")
        XCTAssertNil(SpectralIndex.named("albedo-s2"))
        XCTAssertEqual(BroadbandAlbedo.Coefficients.of(.sentinel2), BroadbandAlbedo.Coefficients.landsat)
    }

    func testHandWorkedValuesLieInTheValidRanges() {
        for index in SpectralIndex.catalogue {
            for pixel in [Self.vegetation, Self.sand] {
                XCTAssertTrue(index.validRange.contains(value(index, pixel)), index.name)
            }
        }
    }
}
