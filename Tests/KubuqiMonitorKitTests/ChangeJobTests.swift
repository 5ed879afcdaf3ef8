import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Change detection on a synthetic pair with planted patches of known size and sign.
final class ChangeJobTests: XCTestCase {
    let size = PlantedChangePair.size
    func makePair(_ tmp: TemporaryFolder, nodataPixels: Int = 0) throws -> (String, String, [Float], [Float]) { try PlantedChangePair.make(tmp, nodataPixels: nodataPixels) }
    func classCounts(_ json: [String: Any], zone: [String: Any]? = nil) -> [Int: Int] { PlantedChangePair.classCounts(json, zone: zone) }
    func readJSON(_ path: String) throws -> [String: Any] { try PlantedChangePair.readJSON(path) }

    func testFixedThresholdsGiveEveryPlantedAreaToThePixel() throws {
        let tmp = try TemporaryFolder()
        let (b, a, _, _) = try makePair(tmp, nodataPixels: 3)
        let out = tmp.file("out")
        let result = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: out, threshold: .fixed(change: 0.08, strong: 0.2), quiet: true))
        let counts = classCounts(try readJSON(result.files["json"]!))
        XCTAssertEqual(counts[-2], 104)
        XCTAssertEqual(counts[-1], 40)
        XCTAssertEqual(counts[1], 21)
        XCTAssertEqual(counts[2], 37)
        XCTAssertEqual(counts[0], 3600 - 104 - 40 - 21 - 37 - 3)
        XCTAssertEqual(try readJSON(result.files["json"]!)["nodataPixels"] as? Int, 3)
        // 30 m pixels are 0.0900498 ha here (true area, TestRaster.utm49PixelKm2): 100 + 4 strong-degradation
        // pixels are 9.3652 ha (9.36 ha of map area).
        let rows = try readJSON(result.files["json"]!)["classes"] as! [[String: Any]]
        XCTAssertEqual(rows.first { $0["code"] as? Int == -2 }!["hectares"] as! Double, 104 * TestRaster.utm49PixelKm2 * 100, accuracy: 1e-4)
        // The class raster holds the same classes pixel by pixel.
        let classes = try TestRaster.read(result.files["class"]!)
        XCTAssertEqual(classes[2 * size + 2], -2)
        XCTAssertEqual(classes[30 * size + 35], 2)
        XCTAssertEqual(classes[size * size - 1], -32768)
        for name in ["change-class.tif", "change-class.qml", "change-magnitude.tif", "quicklook.png", "change-stats.json", "change-stats.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(name)"), name)
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out).contains { $0.hasPrefix(".") && $0 != ".kubuqi.lock" }, "no hidden leftovers")
    }

    func testSieveRemovesExactlyThePatchesBelowTheMMU() throws {
        let tmp = try TemporaryFolder()
        let (b, a, _, _) = try makePair(tmp)
        let result = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"),
                                                     threshold: .fixed(change: 0.08, strong: 0.2), mmu: .pixels(5), quiet: true))
        let counts = classCounts(try readJSON(result.files["json"]!))
        XCTAssertEqual(counts[-2], 100, "the 4-pixel patch is gone, the 100-pixel one stays")
        XCTAssertEqual(counts[2], 36, "the 1-pixel patch is gone")
        XCTAssertEqual(counts[-1], 40)
        XCTAssertEqual(counts[1], 21)
        // 0.5 ha at 0.09 ha per pixel is 6 pixels (5.56 rounded up): the same two patches go.
        let ha = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out-ha"),
                                                 threshold: .fixed(change: 0.08, strong: 0.2), mmu: .hectares(0.5), quiet: true))
        XCTAssertEqual(classCounts(try readJSON(ha.files["json"]!)), counts)
    }

    func testSigmaThresholdsFromAnIndependentComputation() throws {
        let tmp = try TemporaryFolder()
        let (b, a, before, after) = try makePair(tmp)
        let d = zip(after, before).map { Double($0) - Double($1) }
        let mean = d.reduce(0, +) / Double(d.count)
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        let result = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"), threshold: .sigma(1.5), quiet: true))
        XCTAssertEqual(result.thresholds.centre, mean, accuracy: 1e-6)
        XCTAssertEqual(result.thresholds.change, 1.5 * sd, accuracy: 1e-6)
        XCTAssertEqual(result.thresholds.strong, 3 * sd, accuracy: 1e-6)
    }

    func testOtsuThresholdAgainstBruteForceOnTheRawValues() throws {
        let tmp = try TemporaryFolder()
        let (b, a, before, after) = try makePair(tmp)
        let values = zip(after, before).map { abs(Double($0) - Double($1)) }.sorted()
        // Brute force: every cut between consecutive distinct values, maximising w0 w1 (m0 - m1)^2.
        var best = -1.0, cut = 0.0
        let total = values.reduce(0, +)
        var sum0 = 0.0
        for i in 0..<(values.count - 1) {
            sum0 += values[i]
            guard values[i + 1] > values[i] else { continue }
            let w0 = Double(i + 1), w1 = Double(values.count - i - 1)
            let m0 = sum0 / w0, m1 = (total - sum0) / w1
            let between = w0 * w1 * (m0 - m1) * (m0 - m1)
            if between > best { best = between; cut = (values[i] + values[i + 1]) / 2 }
        }
        let result = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"), threshold: .otsu, quiet: true))
        // The histogram has 4096 bins over the inputs' range: Otsu's cut lies in the same gap of the data.
        let below = values.last { $0 < cut }!, above = values.first { $0 > cut }!
        XCTAssertGreaterThanOrEqual(result.thresholds.change, below - 0.001, "cut \(cut)")
        XCTAssertLessThanOrEqual(result.thresholds.change, above + 0.001, "cut \(cut)")
    }

    func testMismatchedGridsNeedAlign() throws {
        let tmp = try TemporaryFolder()
        let (b, _, _, after) = try makePair(tmp)
        let shifted = try TestRaster.write(tmp.file("shifted.tif"), width: size, height: size, values: after,
                                           transform: GeoTransform([600_015, 30, 0, 4_470_000, 0, -30]))
        XCTAssertThrowsError(try ChangeJob.run(ChangeOptions(before: b, after: shifted, outputFolder: tmp.file("out"), quiet: true))) { e in
            XCTAssertTrue("\(e)".contains("shifted.tif") && "\(e)".contains("--align"), "\(e)")
            XCTAssertEqual((e as? KubuqiError)?.exitCode, 3)
        }
        let aligned = try ChangeJob.run(ChangeOptions(before: b, after: shifted, outputFolder: tmp.file("out2"),
                                                      threshold: .fixed(change: 0.08, strong: 0.2), align: true, quiet: true))
        XCTAssertGreaterThan(aligned.tally.pixels.values.reduce(0, +), 0)
    }

    func testAllNodataIsAClearError() throws {
        let tmp = try TemporaryFolder()
        let nan = [Float](repeating: .nan, count: 16)
        let b = try TestRaster.write(tmp.file("b.tif"), width: 4, height: 4, values: nan, nodata: .nan)
        let a = try TestRaster.write(tmp.file("a.tif"), width: 4, height: 4, values: nan, nodata: .nan)
        XCTAssertThrowsError(try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"), quiet: true))) { e in
            XCTAssertTrue("\(e)".contains("no pixel is valid"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")), "the folder this run created is removed: no partial output")
    }

    func testZoneRasterTablesSumToTheWhole() throws {
        let tmp = try TemporaryFolder()
        let (b, a, _, _) = try makePair(tmp)
        // Two zones: left half 1, right half 2.
        let zones = (0..<(size * size)).map { Float($0 % size < size / 2 ? 1 : 2) }
        let z = try TestRaster.write(tmp.file("zones.tif"), width: size, height: size, values: zones, type: .byte)
        let result = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"),
                                                     threshold: .fixed(change: 0.08, strong: 0.2), zones: z, quiet: true))
        let json = try readJSON(result.files["json"]!)
        let tables = json["zones"] as! [[String: Any]]
        XCTAssertEqual(tables.map { $0["id"] as! Int }, [1, 2])
        // Patch (2,2) 10x10 lies in zone 1; patch (35,30) 6x6 in zone 2.
        XCTAssertEqual(classCounts(json, zone: tables[0])[-2], 100)
        XCTAssertEqual(classCounts(json, zone: tables[1])[2], 37)
        XCTAssertEqual(classCounts(json, zone: tables[0])[2], 0)
    }
}

extension ChangeJobTests {
    /// CVA on NDVI and BSI: a patch where NDVI falls and BSI rises is degradation; the magnitude is the vector's length.
    func testChangeVectorAnalysisQuadrants() throws {
        let tmp = try TemporaryFolder()
        let n = 10 * 10
        var ndvi0 = [Float](repeating: 0.4, count: n), ndvi1 = ndvi0
        var bsi0 = [Float](repeating: 0.1, count: n), bsi1 = bsi0
        for i in 0..<20 { ndvi1[i] = 0.1; bsi1[i] = 0.5 }            // degradation: dNDVI -0.3, dBSI +0.4 -> |v| = 0.5
        for i in 50..<60 { ndvi1[i] = 0.7; bsi1[i] = -0.3 }          // recovery: +0.3, -0.4
        for i in 80..<85 { ndvi1[i] = 0.45; bsi1[i] = 0.45 }         // mixed: +0.05 veg, +0.35 soil -> leans to degradation
        _ = (ndvi0, bsi0)
        for (name, v) in [("n0", ndvi0), ("n1", ndvi1), ("b0", bsi0), ("b1", bsi1)] {
            try TestRaster.write(tmp.file("\(name).tif"), width: 10, height: 10, values: v)
        }
        ndvi0[0] = 0; bsi0[0] = 0
        let r = try ChangeJob.run(ChangeOptions(before: tmp.file("n0.tif") + "," + tmp.file("b0.tif"),
                                                after: tmp.file("n1.tif") + "," + tmp.file("b1.tif"), outputFolder: tmp.file("out"),
                                                method: .cva, threshold: .fixed(change: 0.2, strong: 0.45), quiet: true))
        let classes = try TestRaster.read(r.files["class"]!), magnitude = try TestRaster.read(r.files["magnitude"]!)
        let direction = try TestRaster.read(r.files["direction"]!)
        XCTAssertEqual(magnitude[0], -0.5, accuracy: 1e-6)
        XCTAssertEqual(classes[0], -2)
        XCTAssertEqual(magnitude[50], 0.5, accuracy: 1e-6)
        XCTAssertEqual(classes[50], 2)
        // Mixed quadrant: oriented (+0.05, -0.35): length 0.354, projection negative -> degradation.
        XCTAssertEqual(magnitude[80], -Float((0.05 * 0.05 + 0.35 * 0.35).squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(classes[80], -1)
        XCTAssertEqual(classes[99], 0)
        // Direction of the oriented vector (-0.3, -0.4) is 233.13 degrees.
        XCTAssertEqual(direction[0], Float(180 + atan(0.4 / 0.3) * 180 / .pi), accuracy: 1e-3)
        let counts = PlantedChangePair.classCounts(try PlantedChangePair.readJSON(r.files["json"]!))
        XCTAssertEqual(counts[-2], 20)
        XCTAssertEqual(counts[2], 10)
        XCTAssertEqual(counts[-1], 5)
    }
}

extension ChangeJobTests {
    /// A 7 x 7 degraded patch with a strong 5 x 5 core: a 30-pixel MMU keeps all 49 pixels (one patch of one
    /// sign), with the core still strong; a lone 4-pixel patch goes.
    func testMinimumMappingUnitJudgesPatchesBySign() throws {
        let tmp = try TemporaryFolder()
        let size = 30
        let before = [Float](repeating: 0.5, count: size * size)
        var after = before
        for r in 5..<12 { for c in 5..<12 { after[r * size + c] = 0.38 } }      // rim: -0.12
        for r in 6..<11 { for c in 6..<11 { after[r * size + c] = 0.2 } }       // core: -0.30
        for r in 20..<22 { for c in 20..<22 { after[r * size + c] = 0.2 } }     // a lone 4-pixel patch
        let b = try TestRaster.write(tmp.file("b.tif"), width: size, height: size, values: before)
        let a = try TestRaster.write(tmp.file("a.tif"), width: size, height: size, values: after)
        let r = try ChangeJob.run(ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"),
                                                threshold: .fixed(change: 0.08, strong: 0.2), mmu: .pixels(30), quiet: true))
        let counts = PlantedChangePair.classCounts(try PlantedChangePair.readJSON(r.files["json"]!))
        XCTAssertEqual(counts[-2], 25, "the core stays strong")
        XCTAssertEqual(counts[-1], 24, "the rim stays degraded")
        XCTAssertEqual(counts[0], size * size - 49, "the lone patch is stable")
    }
}
