import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` on hand-built pixels at the edges of the SDG 15.3.1 rules (session 17 audit, docs/ldn-method.md
/// "Audit against the sources"). Every expected value is worked out in the comments from the cited rule;
/// the Mann-Kendall figures were checked with SciPy 1.10 (`norm.sf`, `theilslopes`).
final class LDNBoundaryCaseTests: XCTestCase {
    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// The reporting period's proportion degraded counts land degraded in the baseline and stable now
    /// (expanded class 3, "baseline degradation") as degraded: GPG v2 addendum, and Trends.Earth, whose
    /// reporting summary is `zonal_total(sdg_status_expanded_to_simple(sdg_status_expanded(sdg_baseline,
    /// sdg_reporting)))` (te_algorithms/gdal/land_deg). Before session 17 the report took the period's own
    /// layer: 14.2857 % here instead of 28.5714 %.
    func testReportingProportionCountsBaselineDegradationThatIsNowStable() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp, stackYears: Array(2000...2016))
        // Zone 1: pixels 0, 1, 4, 5; zone 2: pixels 2, 3, 6, 7.
        try TestRaster.write(tmp.file("zones.tif"), width: 4, height: 2, values: [1, 1, 2, 2, 1, 1, 2, 2], type: .byte)
        let config = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.tif\"\n",
                                              periods: "[periods]\nbaseline = [2000, 2010]\nreporting = [[2011, 2016]]\n")
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: config, output: out, quiet: true))
        // Pixel 2 is grassland in 2000 and other land in 2010: degraded land cover in the baseline. The reporting
        // period judges land cover from the baseline's end map (2010) to its own end map (2010 again): stable;
        // its NDVI is flat at 0.5 (no trend, no state change, 0.5 / P90 0.57 of grassland > 0.5): stable.
        // Pixel 0 falls all along: degraded in both. Pixel 7 is water.
        let own = try TestRaster.read("\(out)/reporting-2011-2016/sdg-15-3-1.tif")
        XCTAssertEqual(own[0], -1)
        XCTAssertEqual(own[2], 0)
        let status = try TestRaster.read("\(out)/reporting-2011-2016/status-vs-baseline.tif")
        XCTAssertEqual(status[0], 1, "persistent degradation")
        XCTAssertEqual(status[2], 3, "baseline degradation, now stable: still degraded")
        // 2 of the 7 land pixels degraded (0 and 2), not 1.
        let report = try json("\(out)/report.json")
        let periods = report["periods"] as! [[String: Any]]
        let reporting = periods.first { $0["name"] as? String == "reporting-2011-2016" }!
        XCTAssertEqual(reporting["proportionDegradedPercent"] as! Double, 28.5714, accuracy: 1e-9)
        XCTAssertEqual(periods[0]["proportionDegradedPercent"] as! Double, 28.5714, accuracy: 1e-9, "baseline: its own layer, 2 of 7")
        // Per zone the same rule: zone 1 holds pixel 0 (persistent) of 4 land pixels, zone 2 pixel 2 (baseline
        // degradation, stable now) of 3 (pixels 2, 3, 6; 7 is water): 25 % and 33.3333 % (its own layer: 0 %).
        let zones = reporting["zones"] as! [[String: Any]]
        XCTAssertEqual(zones.first { $0["id"] as? Int == 1 }?["proportionDegradedPercent"] as? Double ?? -1, 25, accuracy: 1e-9)
        XCTAssertEqual(zones.first { $0["id"] as? Int == 2 }?["proportionDegradedPercent"] as? Double ?? -1, 33.3333, accuracy: 1e-9)
        // The own layer's table is unchanged: 1 pixel degraded.
        let sdgRows = (reporting["subIndicators"] as! [String: [[String: Any]]])["SDG 15.3.1 (one out, all out)"]!
        XCTAssertEqual(sdgRows.first { $0["code"] as? Int == -1 }?["pixels"] as? Int, 1)
        // The status table's percentages are shares of the land with data, persistent improvement (code 7, the
        // rising pixel 1) included: before session 17 code 7 was taken for the land-cover table's water row and
        // left out of the percentages (no percent, the others summing to 100 without it).
        let statusRows = reporting["statusVsBaseline"] as! [[String: Any]]
        XCTAssertEqual(statusRows.first { $0["code"] as? Int == 7 }?["percent"] as? Double ?? -1, 14.2857, accuracy: 1e-9)
        XCTAssertEqual(statusRows.first { $0["code"] as? Int == 3 }?["percent"] as? Double ?? -1, 14.2857, accuracy: 1e-9)
        XCTAssertEqual(statusRows.compactMap { $0["percent"] as? Double }.reduce(0, +), 100, accuracy: 1e-3)
        // SO1-4 of the reporting period: the same status, in Trends.Earth's `status_assessment` (te_schemas
        // LandConditionStatus, "relative to baseline"); `period_assessment` holds the period's own layer (1 of 7).
        let unccd = try json("\(out)/unccd-reporting.json")
        let condition = (unccd["land_condition"] as! [String: Any])["reporting-2011-2016"] as! [String: Any]
        let so14 = try XCTUnwrap(condition["status_assessment"] as? [String: Any], "no status_assessment (main before session 18)")
        XCTAssertEqual(so14["proportion_degraded_percent"] as! Double, 28.5714, accuracy: 1e-9)
        let ownSDG = (condition["period_assessment"] as! [String: Any])["sdg"] as! [String: Any]
        XCTAssertEqual(ownSDG["proportion_degraded_percent"] as! Double, 14.2857, accuracy: 1e-9, "the period's own layer: pixel 0 of 7")
        func list(_ l: Any?) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: ((l as! [String: Any])["areas"] as! [[String: Any]]).map { ($0["name"] as! String, $0["area"] as! Double) })
        }
        let areas = list(so14["sdg"]), ownAreas = list(ownSDG["summary"])
        let px = TestRaster.utm49PixelKm2
        XCTAssertEqual(areas["Degraded"]!, 2 * px, accuracy: 1e-8)
        XCTAssertEqual(areas["Improved"]!, 2 * px, accuracy: 1e-8, "pixel 1 rising (persistent), pixel 3 improved in the baseline and stable now")
        XCTAssertEqual(areas["Stable"]!, 3 * px, accuracy: 1e-8)
        XCTAssertEqual(areas["No data"]!, px, accuracy: 1e-8, "water")
        XCTAssertEqual(so14["total_land_area"] as! Double, 7 * px, accuracy: 1e-8)
        // change_assessment (baseline rows x the period's own columns, Trends.Earth's sdg_crosstabs since 2026-03-10): its
        // columns sum to the period's own layer, and its cells recoded by the status matrix sum to SO1-4.
        let change = condition["change_assessment"] as! [String: Any]
        let cells = (change["sdg"] as! [String: Any])["values"] as! [[String: Any]]
        var recoded: [String: Double] = [:]
        for c in cells {
            let b = c["initial_label"] as! String, now = c["final_label"] as! String
            let status = b == "No data" || now == "No data" ? "No data" : (now == "Stable" ? b : now)
            recoded[status, default: 0] += c["value"] as! Double
        }
        for label in ["Degraded", "Stable", "Improved", "No data"] {
            let column = cells.filter { $0["final_label"] as? String == label }
            XCTAssertEqual(column.reduce(0.0) { $0 + ($1["value"] as! Double) }, ownAreas[label]!, accuracy: 1e-8, "change_assessment column \(label)")
            XCTAssertEqual(recoded[label] ?? 0, areas[label]!, accuracy: 1e-8, "change_assessment recoded: \(label)")
        }
        XCTAssertEqual(ownAreas["Degraded"]!, px, accuracy: 1e-8)
        let csv = try String(contentsOfFile: "\(out)/tables/unccd/so1-4-proportion-degraded.csv", encoding: .utf8)
        XCTAssertTrue(csv.contains("SO1-4,reporting-2011-2016,2011,2016,") && csv.contains(",28.5714\r\n"), csv)
        // report.html's headline is SO1-4 too: the status against the baseline (2 of 7), not the period's own layer (1 of 7).
        let html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
        XCTAssertTrue(html.contains("reporting-2011-2016 (2011&ndash;2016)</h2><p class=\"headline\">Land degraded: <b>28.57 %</b>"), "report.html headline")
        let md = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        XCTAssertTrue(md.contains("## reporting-2011-2016 (2011-2016)\n\nProportion of land degraded: **28.57 %** ("), md)
        XCTAssertTrue(md.contains(". It is the period's status against the baseline: land degraded in the baseline and not improved counts as degraded.\n\n"), md)
    }

    /// One Int16 row of 20 pixels over 20 years (2001-2020, NDVI x 10000, scale 0.0001), baseline 2001-2020,
    /// each pixel an edge of a rule.
    func testPixelsOnTheEdgesOfTheRules() throws {
        let years = Array(2001...2020)
        let nd: Float? = nil
        func constant(_ v: Float) -> [Float?] { Array(repeating: v, count: 20) }
        var series: [[Float?]] = []
        // 0: n = 20, ties (one group of 10, one of 4), S = 57, Var(S) = 816.33, Z = 56 / sqrt(816.33) = 1.9599918:
        //    two-sided p = 0.0499967, yet class 1, not 2: GPG v2 classifies by "Z score > 1.96" (as the SEPAL
        //    module quotes it); the exact normal quantile 1.959964 is not the rule. Theil-Sen slope 2.86 > 0.
        series.append([3000, 3000, 3000, 3000, 3000, 3000, 3000, 3200, 3350, 3000, 3000, 3150, 3050, 3300, 3250, 3000, 3100, 3050, 3050, 3050])
        // 1: the nearest Z above 1.96 this length allows with ties of at most 3: S = 61, Var(S) = 937, Z = 1.9601146: class 2.
        series.append([3050, 3050, 3000, 3150, 3000, 3100, 3000, 3400, 3100, 3550, 3050, 3350, 3200, 3500, 3450, 3100, 3300, 3250, 3200, 3150])
        // 2: 15 equal years then 5 rising: S = 85, Z = 3.61 (99 %), but 105 of the 190 pairwise slopes are 0, so the
        //    Theil-Sen median is exactly 0: "a significant Z whose slope is zero is class 0".
        series.append(Array(constant(3000).prefix(15)) + [3100, 3200, 3300, 3400, 3500])
        // 3: 3 valid years, the minimum: a trajectory (S = 3, Z = 1.04, class 0); state has no recent year: nodata.
        series.append([3000, 3100, 3200] + Array(repeating: nd, count: 17))
        // 4: 2 valid years: trajectory nodata.
        series.append([3000, 3100] + Array(repeating: nd, count: 18))
        // 5: no valid year: every productivity layer nodata.
        series.append(Array(repeating: nd, count: 20))
        // 6: one valid year: trajectory and state nodata (its mean still counts in its unit).
        series.append([3200] + Array(repeating: nd, count: 19))
        // 7: the only tree-covered pixel: a land unit of one pixel, P90 = its own mean, ratio 1: performance 0.
        series.append(constant(2000))
        // 8-17: cropland, means 2000 and nine times 4000: P90 at h = 9 x 0.9 = 8.1 lies among the tied 4000s, so
        //    P90 = 4000 and pixel 8's ratio is exactly 0.5: degraded (Trends.Earth `obs_ratio.lte(0.5)` -> -1).
        //    Flat series: trajectory 0, state 0, so LPD 3 "stable but stressed" (calc_prod5), status 0.
        series.append(constant(2000))
        for _ in 9...17 { series.append(constant(4000)) }
        // 18: grassland, SOC nodata only: SOC nodata, productivity valid (stable), SDG nodata (one out, all out
        //     with a missing sub-indicator is nodata, Trends.Earth `calc_deg_sdg`).
        series.append(constant(3000))
        // 19: grassland in 2001, cropland in 2011: land cover +1 (grassland -> cropland, UNCCD matrix) and SOC
        //     100 x 10/20 x (0.8 - 1) = -10 % exactly (temperate dry, IPCC 2006 Table 5.5): degraded (`calc_deg_soc`
        //     <= -10; float64 gives -9.999999999999998, the exact decimals -10); SDG degraded, improvement never
        //     offsets degradation.
        series.append(constant(3000))
        let n = series.count
        let tmp = try TemporaryFolder()
        let ds = try Dataset.create(tmp.file("stack.tif"), width: n, height: 1, bands: years.count, type: .int16, options: CreationOptions())
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (k, y) in years.enumerated() {
            let band = try ds.band(k + 1)
            band.setDescription("NDVI_\(y)")
            try band.setNodata(-32768)
            try band.setScale(0.0001, offset: 0)
            let values = series.map { $0[k] ?? -32768 }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: n, height: 1), from: $0) }
        }
        try ds.close()
        var lc2001 = [Float](repeating: 130, count: n)
        lc2001[7] = 60
        for p in 8...17 { lc2001[p] = 10 }
        var lc2011 = lc2001
        lc2011[19] = 10
        try TestRaster.write(tmp.file("lc2001.tif"), width: n, height: 1, values: lc2001, type: .byte)
        try TestRaster.write(tmp.file("lc2011.tif"), width: n, height: 1, values: lc2011, type: .byte)
        var soc = [Float](repeating: 40, count: n)
        soc[18] = -32768
        try TestRaster.write(tmp.file("soc.tif"), width: n, height: 1, values: soc, type: .float32, nodata: -32768)
        let text = """
        [productivity]
        stack = "stack.tif"

        [landcover]
        maps = { 2001 = "lc2001.tif", 2011 = "lc2011.tif" }

        [soc]
        baseline = "soc.tif"
        climate = "temperate-dry"

        [periods]
        baseline = [2001, 2020]
        """
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        _ = try LDNJob.run(LDNOptions(config: tmp.file("ldn.toml"), output: tmp.file("out"), quiet: true))
        func layer(_ name: String) throws -> [Int] { try TestRaster.read(tmp.file("out/baseline/\(name).tif")).map { Int($0) } }
        let ND = -32768
        let trajectory = try layer("trajectory"), state = try layer("state"), performance = try layer("performance")
        let lpd = try layer("lpd"), productivity = try layer("productivity-status"), landCover = try layer("landcover-status")
        let socStatus = try layer("soc-status"), sdg = try layer("sdg-15-3-1")
        XCTAssertEqual(Array(trajectory[0...7]), [1, 2, 0, 0, ND, ND, ND, 0], "trajectory")
        XCTAssertEqual(state[3], ND, "no recent year")
        XCTAssertEqual(state[6], ND, "one valid year")
        for (i, name) in [(5, "trajectory"), (5, "state"), (5, "performance"), (5, "lpd"), (5, "sdg")] {
            let v = try layer(name == "sdg" ? "sdg-15-3-1" : name)[i]
            XCTAssertEqual(v, ND, "all-nodata pixel: \(name)")
        }
        XCTAssertEqual(performance[7], 0, "a one-pixel unit is its own P90")
        XCTAssertEqual(performance[8], -1, "ratio exactly 0.5 at a tied P90")
        XCTAssertEqual(performance[9], 0)
        XCTAssertEqual(lpd[8], 3, "stable but stressed")
        XCTAssertEqual(productivity[8], 0)
        XCTAssertEqual(socStatus[18], ND, "SOC nodata")
        XCTAssertEqual(productivity[18], 0, "productivity still computed")
        XCTAssertEqual(sdg[18], ND, "a missing sub-indicator makes the SDG pixel nodata")
        XCTAssertEqual(landCover[19], 1, "grassland -> cropland")
        XCTAssertEqual(socStatus[19], -1, "-10 % exactly")
        XCTAssertEqual(productivity[19], 0)
        XCTAssertEqual(sdg[19], -1, "one out, all out")
    }
}
