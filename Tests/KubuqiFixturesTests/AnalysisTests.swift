import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster
import XCTest

/// Runs the simple analyses the README describes on the files, and checks
/// they find exactly the planted truth (the README's claims).
final class AnalysisTests: XCTestCase {
    func testTwoDateChangeWithQAMaskFindsExactlyThePlantedPatches() throws {
        let f = try FixtureFiles.shared()
        let e = f.truth.expected
        let red0 = try f.read(f.sceneFile(0, "SR_B4.TIF")), nir0 = try f.read(f.sceneFile(0, "SR_B5.TIF"))
        let red1 = try f.read(f.sceneFile(1, "SR_B4.TIF")), nir1 = try f.read(f.sceneFile(1, "SR_B5.TIF"))
        let qa0 = try f.read(f.sceneFile(0, "QA_PIXEL.TIF")), qa1 = try f.read(f.sceneFile(1, "QA_PIXEL.TIF"))
        let deg = try f.read(FixtureGenerator.degradationMaskPath), res = try f.read(FixtureGenerator.restorationMaskPath)
        let maskBits = e.qaMaskBits.reduce(UInt16(0)) { $0 | (1 << UInt16($1)) }
        var masked = 0, down = 0, up = 0, falseDown = 0, falseUp = 0
        for i in red0.indices {
            let bad = (UInt16(qa0[i]) & maskBits) != 0 || (UInt16(qa1[i]) & maskBits) != 0
            guard let a = ndviFromDN(red: red0[i], nir: nir0[i]), let b = ndviFromDN(red: red1[i], nir: nir1[i]) else {
                XCTAssertTrue(bad, "fill pixel \(i) not flagged in QA")
                masked += 1
                continue
            }
            let delta = b - a
            if deg[i] == 0 && res[i] == 0 {
                if delta <= -e.twoDateThreshold { falseDown += 1 }
                if delta >= e.twoDateThreshold { falseUp += 1 }
            }
            if bad { masked += 1; continue }
            let isDown = delta <= -e.twoDateThreshold, isUp = delta >= e.twoDateThreshold
            XCTAssertEqual(isDown, deg[i] == 1, "pixel \(i): dNDVI \(delta)")
            XCTAssertEqual(isUp, res[i] == 1, "pixel \(i): dNDVI \(delta)")
            if isDown { down += 1 }
            if isUp { up += 1 }
        }
        XCTAssertEqual(masked, e.twoDateMaskedPixels)
        XCTAssertEqual(down, f.truth.pixels(of: .degradation))
        XCTAssertEqual(up, f.truth.pixels(of: .restoration))
        XCTAssertEqual(down, e.twoDateDegradationPixels)
        XCTAssertEqual(up, e.twoDateRestorationPixels)
        XCTAssertEqual(falseDown, e.falseDegradationIfOnlyFillMasked)
        XCTAssertEqual(falseUp, e.falseRestorationIfOnlyFillMasked)
        XCTAssertGreaterThan(falseDown, 0, "without the QA mask the cloud shows up as change")
        let c = f.truth.cloud
        XCTAssertEqual(masked, c.cloudPixels + c.dilatedCloudPixels + c.shadowPixels + f.truth.scenes[1].fillPixels)
    }

    func testAnnualTrendFindsExactlyThePlantedPatches() throws {
        let f = try FixtureFiles.shared()
        let e = f.truth.expected
        let ds = try Dataset.open(f.path(FixtureGenerator.ndviStackPath))
        let all = Window(column: 0, row: 0, width: 256, height: 256)
        let years = try (1...ds.bandCount).map { try ds.band($0).readInt16(all) }
        let deg = try f.read(FixtureGenerator.degradationMaskPath), res = try f.read(FixtureGenerator.restorationMaskPath)
        var series = [Double](repeating: 0, count: years.count)
        var largestStable = 0.0
        for i in 0..<(256 * 256) {
            for y in years.indices {
                XCTAssertNotEqual(years[y][i], -32768)
                series[y] = Double(years[y][i]) / 10_000
            }
            let slope = AnnualNDVIStack.olsSlope(series)
            XCTAssertEqual(slope <= -e.trendThreshold, deg[i] == 1, "pixel \(i): slope \(slope)")
            XCTAssertEqual(slope >= e.trendThreshold, res[i] == 1, "pixel \(i): slope \(slope)")
            if deg[i] == 0 && res[i] == 0 { largestStable = max(largestStable, abs(slope)) }
        }
        XCTAssertLessThanOrEqual(largestStable, e.trendNoiseBound)
        // Theil-Sen agrees in sign and size on the patches and on a sample of stable pixels.
        for i in stride(from: 0, to: 256 * 256, by: 37) where deg[i] == 1 || res[i] == 1 || i % (37 * 8) == 0 {
            for y in years.indices { series[y] = Double(years[y][i]) / 10_000 }
            var slopes: [Double] = []
            for a in 0..<series.count { for b in (a + 1)..<series.count { slopes.append((series[b] - series[a]) / Double(b - a)) } }
            slopes.sort()
            let sen = slopes[slopes.count / 2]
            XCTAssertEqual(sen <= -e.trendThreshold, deg[i] == 1, "Theil-Sen at \(i): \(sen)")
            XCTAssertEqual(sen >= e.trendThreshold, res[i] == 1, "Theil-Sen at \(i): \(sen)")
        }
    }

    func testStressedRegionIsFlatButUnderHalfOfGrassland() throws {
        let f = try FixtureFiles.shared()
        let ds = try Dataset.open(f.path(FixtureGenerator.ndviStackPath))
        let all = Window(column: 0, row: 0, width: 256, height: 256)
        let years = try (1...ds.bandCount).map { try ds.band($0).readInt16(all) }
        let lc0 = try f.read(FixtureGenerator.landCover2000Path), lc1 = try f.read(FixtureGenerator.landCover2024Path)
        let stressed = try f.read(FixtureGenerator.stressedMaskPath)
        var grass: [Double] = [], stressedSum = 0.0, stressedN = 0
        for i in 0..<(256 * 256) where lc0[i] == 130 && lc1[i] == 130 {
            let mean = years.reduce(0.0) { $0 + Double($1[i]) } / Double(years.count) / 10_000
            grass.append(mean)
            if stressed[i] == 1 { stressedSum += mean; stressedN += 1 }
        }
        grass.sort()
        let p90 = grass[Int((0.9 * Double(grass.count - 1)).rounded())]
        let ratio = stressedSum / Double(stressedN) / p90
        XCTAssertEqual(stressedN, f.truth.pixels(of: .stressed))
        XCTAssertLessThan(ratio, 0.5)
        XCTAssertEqual(ratio, f.truth.expected.stressedPerformanceRatio, accuracy: 0.01)
    }

    func testSieveTableFollowsThePatchSizes() throws {
        let t = try FixtureFiles.shared().truth
        for s in t.expected.sieves {
            let kept = t.patches.filter { $0.kind != "stressed" && $0.pixelCount >= s.minimumPixels }
            XCTAssertEqual(s.degradationPixels, kept.filter { $0.kind == "degradation" }.reduce(0) { $0 + $1.pixelCount })
            XCTAssertEqual(s.restorationPixels, kept.filter { $0.kind == "restoration" }.reduce(0) { $0 + $1.pixelCount })
        }
        XCTAssertEqual(t.expected.sieves.first { $0.minimumPixels == 5 }?.removed, ["D6", "R6"])
    }
}
