import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// FVC's and DDI's parameters as given by the user (`SceneDependentOptions`), against hand-worked values.
final class SceneDependentIndexTests: XCTestCase {
    /// 10 x 10 pixels: the top half NDVI 0.1 (red 0.45, NIR 0.55), the bottom half NDVI 0.6 (red 0.2, NIR 0.8).
    /// The scene's 5th percentile is 0.1 and its 95th 0.6 (within the survey histogram's 0.001).
    func makeScene(_ tmp: TemporaryFolder) throws -> (red: String, nir: String) {
        let red = (0..<100).map { $0 < 50 ? Float(0.45) : 0.2 }, nir = (0..<100).map { $0 < 50 ? Float(0.55) : 0.8 }
        return (try TestRaster.write(tmp.file("red.tif"), width: 10, height: 10, values: red, type: .float32, nodata: nil),
                try TestRaster.write(tmp.file("nir.tif"), width: 10, height: 10, values: nir, type: .float32, nodata: nil))
    }

    func fvc(_ tmp: TemporaryFolder, _ scene: (red: String, nir: String), _ options: SceneDependentOptions, name: String) throws -> [Float] {
        let out = tmp.file(name)
        _ = try IndexJob.run(IndexOptions(indices: ["fvc"], bands: [.red: BandSelection(path: scene.red), .nir: BandSelection(path: scene.nir)],
                                          output: out, sceneDependent: options, quiet: true))
        return try TestRaster.read(out)
    }

    /// docs/indices.md: over a sandy scene "fix NDVIveg ... with --fvc-vegetation". Given alone, it was
    /// dropped (the scene's 95th percentile, 0.6, was used: FVC 1 on the vegetated half). Now it replaces the
    /// scene's vegetation end-member and the soil one stays the scene's 5th percentile (0.1):
    /// FVC = (0.6 - 0.1) / (0.8 - 0.1) = 5/7 on the vegetated half, 0 on the other. Likewise --fvc-soil alone:
    /// (0.6 - 0.0) / (0.6 - 0.0) = 1 and (0.1 - 0.0) / 0.6 = 1/6.
    func testOneGivenEndMemberReplacesTheScenesAndTheOtherIsSurveyed() throws {
        let tmp = try TemporaryFolder()
        let scene = try makeScene(tmp)
        let vegetation = try fvc(tmp, scene, SceneDependentOptions(fvcVegetation: 0.8), name: "veg.tif")
        for i in 0..<50 { XCTAssertEqual(vegetation[i], 0, accuracy: 0.003, "pixel \(i)") }
        for i in 50..<100 { XCTAssertEqual(vegetation[i], 5.0 / 7.0, accuracy: 0.003, "pixel \(i)") }
        let ds = try Dataset.open(tmp.file("veg.tif"))
        XCTAssertEqual(ds.metadataItem("KUBUQI_FVC_NDVI_VEGETATION"), "0.8")
        XCTAssertEqual(ds.metadataItem("KUBUQI_FVC_SOURCE"), "vegetation given, soil the scene's 5th percentile")

        let soil = try fvc(tmp, scene, SceneDependentOptions(fvcSoil: 0), name: "soil.tif")
        for i in 0..<50 { XCTAssertEqual(soil[i], 1.0 / 6.0, accuracy: 0.003, "pixel \(i)") }
        for i in 50..<100 { XCTAssertEqual(soil[i], 1, accuracy: 0.003, "pixel \(i)") }
    }

    /// A given end-member on the wrong side of the scene's other one is an input error naming both.
    func testOneGivenEndMemberOnTheWrongSideOfTheScenesIsRefused() throws {
        let tmp = try TemporaryFolder()
        let scene = try makeScene(tmp)
        XCTAssertThrowsError(try fvc(tmp, scene, SceneDependentOptions(fvcVegetation: 0.05), name: "x.tif")) { error in
            let e = error as? KubuqiError
            XCTAssertEqual(e?.kind, .input)
            XCTAssertTrue(e?.message.contains("the scene's NDVI soil end-member (5th percentile) 0.") == true
                          && e?.message.contains("--fvc-vegetation 0.05") == true, e?.message ?? "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("x.tif")))
    }

    /// Numbers no scene can make right are usage errors before any pixel is read: NaN, infinite or
    /// out-of-range end-members (NDVI is within -1...1), a DDI k that is NaN, infinite, 0 or negative
    /// (k = -1 / a negative slope), and a SAVI L outside 0...1 or NaN. Each was accepted and gave an
    /// all-nodata raster (L = NaN, k = NaN or infinity) or was silently ignored (one end-member; grade breaks without
    /// --grades) with exit 0.
    func testNumbersNoSceneCanMakeRightAreUsageErrors() throws {
        let tmp = try TemporaryFolder()
        let scene = try makeScene(tmp)
        let bands: [BandRole: BandSelection] = [.red: BandSelection(path: scene.red), .nir: BandSelection(path: scene.nir),
                                                .blue: BandSelection(path: scene.red), .swir1: BandSelection(path: scene.red),
                                                .swir2: BandSelection(path: scene.red)]
        let cases: [(String, SceneDependentOptions, Float, String)] = [
            ("fvc", .init(fvcSoil: .nan), 0.5, "--fvc-soil must be an NDVI within -1...1, got nan"),
            ("fvc", .init(fvcVegetation: .infinity), 0.5, "--fvc-vegetation must be an NDVI within -1...1, got inf"),
            ("fvc", .init(fvcSoil: -1.5, fvcVegetation: 0.8), 0.5, "--fvc-soil must be an NDVI within -1...1, got -1.5"),
            ("fvc", .init(fvcSoil: 0.5, fvcVegetation: 0.5), 0.5, "--fvc-soil (0.5) must be below --fvc-vegetation (0.5)"),
            ("ddi", .init(ddiK: .nan), 0.5, "--ddi-k must be a positive finite number"),
            ("ddi", .init(ddiK: .infinity), 0.5, "--ddi-k must be a positive finite number"),
            ("ddi", .init(ddiK: 0), 0.5, "--ddi-k must be a positive finite number"),
            ("ddi", .init(ddiK: -2), 0.5, "--ddi-k must be a positive finite number"),
            ("ddi", .init(ddiK: 2, gradeBreaks: [1, 2, 3, 4]), 0.5, "--grade-breaks needs --grades"),
            ("savi", .init(), .nan, "--savi-l must be a soil factor L within 0...1"),
            ("savi", .init(), -1, "--savi-l must be a soil factor L within 0...1"),
            ("savi", .init(), 2, "--savi-l must be a soil factor L within 0...1"),
            ("savi", .init(), .infinity, "--savi-l must be a soil factor L within 0...1"),
        ]
        for (index, options, l, message) in cases {
            let out = tmp.file("\(index).tif")
            XCTAssertThrowsError(try IndexJob.run(IndexOptions(indices: [index], bands: bands, output: out, saviL: l,
                                                               sceneDependent: options, quiet: true))) { error in
                let e = error as? KubuqiError
                XCTAssertEqual(e?.kind, .usage, "\(index) \(options) \(l)")
                XCTAssertTrue(e?.message.contains(message) == true, "\(e?.message ?? "\(error)") lacks \(message)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        // The ends of the ranges are values: L = 0 is NDVI, L = 1 very low cover.
        for l: Float in [0, 1] {
            _ = try IndexJob.run(IndexOptions(indices: ["savi"], bands: bands, output: tmp.file("savi\(l).tif"), saviL: l, quiet: true))
        }
        let ndvi = try TestRaster.read(tmp.file("savi0.0.tif"))
        XCTAssertEqual(ndvi[0], 0.1, accuracy: 1e-6)
        XCTAssertEqual(ndvi[99], 0.6, accuracy: 1e-6)
    }
}
