import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster
import XCTest

/// The planted patches in the files are exactly what the truth says.
final class PlantedTruthTests: XCTestCase {
    func testPatchPixelCountsEqualTheTruth() throws {
        let f = try FixtureFiles.shared()
        let ids = try f.read(FixtureGenerator.patchIDsPath)
        var counts = [Int](repeating: 0, count: 256)
        for v in ids { counts[Int(v)] += 1 }
        XCTAssertEqual(f.truth.patches.map(\.id), Array(1...f.truth.patches.count))
        for p in f.truth.patches {
            XCTAssertEqual(counts[p.id], p.pixelCount, "patch \(p.name): pixels in patch_ids.tif")
            // The stated shape gives the stated count.
            if let r = p.radiusPixels {
                var n = 0
                for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r { n += 1 } }
                XCTAssertEqual(n, p.pixelCount, "\(p.name): disc of radius \(r)")
            } else {
                XCTAssertEqual(p.widthPixels * p.heightPixels, p.pixelCount, "\(p.name): rectangle")
            }
            XCTAssertEqual(Double(p.pixelCount * 9) / 100, p.hectares, "\(p.name): 0.09 ha per pixel")
            // Every pixel of the id lies in the stated bounding box.
            for i in ids.indices where Int(ids[i]) == p.id {
                let r = i / StudyArea.width, c = i % StudyArea.width
                XCTAssertTrue((p.rowMin...p.rowMax).contains(r) && (p.columnMin...p.columnMax).contains(c),
                              "\(p.name) pixel \(r),\(c) outside its bounding box")
            }
        }
        // The sizes the brief asks for: small ones for a sieve, two large ones of each sign.
        for kind in ["degradation", "restoration"] {
            let sizes = f.truth.patches.filter { $0.kind == kind }.map(\.pixelCount)
            XCTAssertTrue(sizes.contains(4) && sizes.contains(9), "\(kind): 2x2 and 3x3 patches")
            XCTAssertGreaterThanOrEqual(sizes.filter { $0 >= 400 }.count, 2, "\(kind): two patches of 400 px or more")
        }
    }

    func testMasksMatchThePatchIDs() throws {
        let f = try FixtureFiles.shared()
        let ids = try f.read(FixtureGenerator.patchIDsPath)
        let kindOf = Dictionary(uniqueKeysWithValues: f.truth.patches.map { ($0.id, $0.kind) })
        for (path, kind) in [(FixtureGenerator.degradationMaskPath, "degradation"),
                             (FixtureGenerator.restorationMaskPath, "restoration"),
                             (FixtureGenerator.stressedMaskPath, "stressed")] {
            let mask = try f.read(path)
            var ones = 0
            for i in mask.indices {
                XCTAssertTrue(mask[i] == 0 || mask[i] == 1)
                let expected: Float = ids[i] > 0 && kindOf[Int(ids[i])] == kind ? 1 : 0
                if mask[i] != expected { XCTFail("\(path): pixel \(i) is \(mask[i]), expected \(expected)"); break }
                if mask[i] == 1 { ones += 1 }
            }
            XCTAssertEqual(ones, f.truth.patches.filter { $0.kind == kind }.reduce(0) { $0 + $1.pixelCount }, path)
        }
    }

    func testEveryRasterIsOnTheStudyGrid() throws {
        let f = try FixtureFiles.shared()
        let grid = Grid(width: 256, height: 256, geoTransform: GeoTransform([296_040, 30, 0, 4_463_820, 0, -30]),
                        crsWKT: SpatialReference(epsg: 32649)!.wkt2)
        // warn's monthly series is the 64 x 64 corner of the same grid (same origin, pixel and CRS).
        let corner = Grid(width: WarningSeries.size, height: WarningSeries.size, geoTransform: grid.geoTransform, crsWKT: grid.crsWKT)
        // The precipitation is on its own coarser grid (a national product's), by design: docs/climate.md; the population
        // for drought's exposure on the same one (drought reads it on the precipitation grid).
        let coarse = Grid(width: 36, height: 36, geoTransform: GeoTransform([295_560, 240, 0, 4_464_300, 0, -240]), crsWKT: grid.crsWKT)
        for file in f.truth.files where file.hasSuffix(".tif") || file.hasSuffix(".TIF") {
            let ds = try Dataset.open(f.path(file))
            let expected = file == WarningSeries.path ? corner : [ClimateFixture.precipitationPath, PopulationFixture.path].contains(file) ? coarse : grid
            XCTAssertNil(ds.grid.difference(from: expected), file)
            XCTAssertEqual(ds.spatialReference?.epsgCode, 32649, file)
        }
    }

    func testLandCoverTransitionsAreThePlantedOnes() throws {
        let f = try FixtureFiles.shared()
        let a = try f.read(FixtureGenerator.landCover2000Path), b = try f.read(FixtureGenerator.landCover2024Path)
        let ids = try f.read(FixtureGenerator.patchIDsPath)
        let byID = Dictionary(uniqueKeysWithValues: f.truth.patches.map { ($0.id, $0) })
        for i in a.indices {
            if ids[i] > 0, let p = byID[Int(ids[i])] {
                XCTAssertEqual(Int(a[i]), p.lccs2000)
                XCTAssertEqual(Int(b[i]), p.lccs2024)
            } else if a[i] != b[i] {
                XCTFail("pixel \(i) changes class \(a[i]) -> \(b[i]) outside the patches")
                break
            }
        }
        let transitions = f.truth.transitions.map { "\($0.from)->\($0.to)" }
        XCTAssertEqual(transitions, ["130->200", "200->60", "200->120"])
        XCTAssertEqual(f.truth.transitions.first { $0.from == 130 }?.pixels, f.truth.pixels(of: .degradation))
        let soc = try Dataset.open(f.path(FixtureGenerator.socPath)).band(1)
        XCTAssertEqual(soc.nodata, -32768)
        let socValues = try f.read(FixtureGenerator.socPath)
        for i in socValues.indices where socValues[i] != -32768 {
            XCTAssertTrue((10...50).contains(Int(socValues[i])), "SOC \(socValues[i]) t/ha at pixel \(i)")
        }
        XCTAssertEqual(zip(socValues, a).filter { $0.1 == 210 }.allSatisfy { $0.0 == -32768 }, true, "water is SOC nodata")
    }

    func testNDVIStackLayout() throws {
        let f = try FixtureFiles.shared()
        let ds = try Dataset.open(f.path(FixtureGenerator.ndviStackPath))
        XCTAssertEqual(ds.bandCount, 25)
        for i in 1...25 {
            let b = try ds.band(i)
            XCTAssertEqual(b.bandDescription, String(1999 + i))
            XCTAssertEqual(b.dataType, .int16)
            XCTAssertEqual(b.nodata, -32768)
        }
        let csv = try String(contentsOfFile: f.path(FixtureGenerator.patchTablePath), encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline)  // CRLF (RFC 4180)
        XCTAssertEqual(lines.count, f.truth.patches.count + 1)
        XCTAssertEqual(String(lines[1]).split(separator: ",", omittingEmptySubsequences: false)[7], "600", "D1 pixel count in patches.csv")
    }
}
