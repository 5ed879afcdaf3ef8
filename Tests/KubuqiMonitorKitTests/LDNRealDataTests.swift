import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` on real data: the MODIS NDVI series of Somalia (annual means and
/// trajectory) and the ESA CCI land-cover pair of Sao Paulo state (transitions in km2).
final class LDNRealDataTests: XCTestCase {
    /// A multiband Float32 raster on `grid` with one constant value per band.
    func constantStack(_ path: String, grid: Grid, years: [Int], value: Float) throws {
        let ds = try Dataset.create(path, width: grid.width, height: grid.height, bands: years.count, type: .float32)
        try ds.setGeoreferencing(from: grid)
        let all = Window(column: 0, row: 0, width: grid.width, height: grid.height)
        for (k, y) in years.enumerated() {
            let b = try ds.band(k + 1)
            b.setDescription(String(y))
            try Array(repeating: value, count: all.pixelCount).withUnsafeBufferPointer { try b.write(all, from: $0) }
        }
        try ds.close()
    }

    func writeConfig(_ tmp: TemporaryFolder, stack: String, scale: Double, maps: String, baseline: String) throws -> String {
        let text = """
        [productivity]
        stack = "\(stack)"
        scale = \(scale)
        [landcover]
        maps = \(maps)
        [soc]
        baseline = "soc.tif"
        [periods]
        baseline = \(baseline)
        """
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        return tmp.file("ldn.toml")
    }

    func testSomaliaAnnualMeansAndTrajectory() throws {
        let file = try RealData.path("04_modis_ndvi_multiyear_timeseries/bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif")
        let tmp = try TemporaryFolder()
        let grid = try Dataset.open(file).grid
        try constantStack(tmp.file("lc.tif"), grid: grid, years: [2000], value: 130)
        try constantStack(tmp.file("soc.tif"), grid: grid, years: [2000], value: 30)
        let config = try writeConfig(tmp, stack: file, scale: 1e-4, maps: "{ 2000 = \"lc.tif\" }", baseline: "[2001, 2011]")
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out/report.json")))) as! [String: Any]
        let means = Dictionary(uniqueKeysWithValues: (report["productivityAnnualMeans"] as! [[String: Any]]).map { ($0["year"] as! Int, $0["mean"] as! Double) })
        // MANIFEST.txt: yearly means 2001-2011 (NDVI x 1e4).
        let manifest = [5397, 5762, 5915, 5867, 5385, 5535, 6321, 5466, 5368, 5018, 4824]
        for (k, year) in (2001...2011).enumerated() {
            XCTAssertEqual(means[year]! * 1e4, Double(manifest[k]), accuracy: 0.5, "\(year)")
        }

        // Trajectory against Mann-Kendall written here: S, Var(S) = n(n-1)(2n+5)/18, Z with continuity correction.
        let ds = try Dataset.open(file)
        let all = Window(column: 0, row: 0, width: 5, height: 5)
        var byYear: [Int: [[Float]]] = [:]
        for b in 1...ds.bandCount {
            let band = try ds.band(b)
            let year = Int(band.bandDescription.dropFirst().prefix(4))!
            byYear[year, default: []].append(try band.read(all))
        }
        let trajectory = try TestRaster.read(tmp.file("out/baseline/trajectory.tif"))
        for p in 0..<25 {
            let series = (2001...2011).map { y -> Double in
                let v = byYear[y]!.map { Double($0[p]) }.filter { !$0.isNaN }
                return v.reduce(0, +) / Double(v.count)
            }
            var s = 0
            for i in 0..<series.count { for j in (i + 1)..<series.count { s += series[j] > series[i] ? 1 : (series[j] < series[i] ? -1 : 0) } }
            let n = Double(series.count)
            let z = s == 0 ? 0 : (Double(s) - (s > 0 ? 1 : -1)) / (n * (n - 1) * (2 * n + 5) / 18).squareRoot()
            let level = abs(z) >= 2.576 ? 3 : abs(z) >= 1.96 ? 2 : abs(z) >= 1.645 ? 1 : 0
            XCTAssertEqual(Int(trajectory[p]), z < 0 ? -level : level, "pixel \(p): S \(s), Z \(z)")
        }
    }

    func testESACCITransitionsInSquareKilometresOnTheEllipsoid() throws {
        let file = try RealData.path("07_landcover_multi_year/ConR_land_cover_ex_ESACCI_LC_1km_2layers.tif")
        let tmp = try TemporaryFolder()
        let ds = try Dataset.open(file)
        let grid = ds.grid
        try constantStack(tmp.file("ndvi.tif"), grid: grid, years: Array(1992...2015), value: 0.5)
        try constantStack(tmp.file("soc.tif"), grid: grid, years: [1992], value: 30)
        let config = try writeConfig(tmp, stack: "ndvi.tif", scale: 1, maps: "{ 1992 = \"\(file):1\", 2015 = \"\(file):2\" }", baseline: "[1992, 2015]")
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out/report.json")))) as! [String: Any]
        let matrix = ((report["periods"] as! [[String: Any]])[0]["landCoverTransitionsKm2"]) as! [[Double]]

        // Independent: ESA CCI -> UNCCD classes (Trends.Earth / GPG nesting, typed here), and each row's
        // cell area by integrating the WGS 84 surface element M N cos(phi) over the row.
        var unccd: [Int: Int] = [:]
        for (cls, codes) in [(1, [50, 60, 61, 62, 70, 71, 72, 80, 81, 82, 90, 100]), (2, [110, 120, 121, 122, 130, 140, 150, 151, 152, 153]),
                             (3, [10, 11, 12, 20, 30, 40]), (4, [160, 170, 180]), (5, [190]), (6, [200, 201, 202, 220]), (7, [210])] {
            for c in codes { unccd[c] = cls }
        }
        let all = Window(column: 0, row: 0, width: grid.width, height: grid.height)
        let a = try ds.band(1).read(all), b = try ds.band(2).read(all)
        let t = grid.geoTransform!
        func rowArea(_ r: Int) -> Double {
            let a = 6_378_137.0, f = 1 / 298.257223563, e2 = f * (2 - f)
            let lat1 = (t.originY + Double(r) * t.pixelHeight) * .pi / 180, lat2 = lat1 + t.pixelHeight * .pi / 180
            var sum = 0.0
            let steps = 200, h = (lat2 - lat1) / Double(steps)
            for i in 0..<steps {
                let phi = lat1 + (Double(i) + 0.5) * h
                let w = 1 - e2 * sin(phi) * sin(phi)
                sum += a * (1 - e2) / pow(w, 1.5) * a / w.squareRoot() * cos(phi) * abs(h)
            }
            return sum * abs(t.pixelWidth) * .pi / 180 / 1e6
        }
        var expected = Array(repeating: Array(repeating: 0.0, count: 7), count: 7)
        var changed = 0
        for r in 0..<grid.height {
            let area = rowArea(r)
            for c in 0..<grid.width {
                let i = r * grid.width + c
                if a[i] != b[i] { changed += 1 }
                guard let from = unccd[Int(a[i])], let to = unccd[Int(b[i])] else { continue }
                expected[from - 1][to - 1] += area
            }
        }
        XCTAssertEqual(changed, 3182, "MANIFEST: 3,182 of 28,800 pixels change")
        for i in 0..<7 {
            for j in 0..<7 {
                XCTAssertEqual(matrix[i][j], expected[i][j], accuracy: 1e-6 * max(1, expected[i][j]), "from \(i + 1) to \(j + 1)")
            }
        }
        // The top ESA transition 30 -> 50 (510 pixels of about 0.79 km2) lands in cropland -> tree-covered.
        XCTAssertGreaterThan(matrix[2][0], 510 * 0.75)
    }
}
