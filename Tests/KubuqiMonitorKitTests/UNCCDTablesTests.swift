import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import TestSupport
import XCTest

/// The UNCCD reporting tables (unccd-reporting.json, tables/unccd/*.csv) on the hand-built region
/// of LDNTestRegion: every figure worked out by hand from its eight pixels (docs/ldn.md).
///
/// Pixels: 0 falling grassland, 1 rising grassland, 2 grassland -> other land, 3 other land -> tree,
/// 4-6 flat grassland, 7 water; SOC 40 t/ha everywhere; land cover 2000 and 2010; each pixel
/// 0.000900498 km2 = 0.0900498 ha (TestRaster.utm49PixelKm2).
final class UNCCDTablesTests: XCTestCase {
    let px = TestRaster.utm49PixelKm2

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func run(_ tmp: TemporaryFolder, periods: String = "[periods]\nbaseline = [2000, 2010]\nreporting = [[2011, 2016]]\n") throws -> String {
        _ = try LDNTestRegion.write(tmp, stackYears: Array(2000...2016))
        let config = try LDNTestRegion.config(tmp, extra: "[report]\narea = \"Test banner\"\nproducer = \"Test unit\"\ndate = \"2026-05-01\"\nsources = \"hand-built\"\n",
                                              periods: periods)
        let out = tmp.file("out")
        _ = try LDNJob.run(LDNOptions(config: config, output: out, quiet: true))
        return out
    }

    func area(_ list: Any?, _ name: String) -> Double? {
        ((list as? [String: Any])?["areas"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["area"] as? Double
    }

    func cell(_ tab: [String: Any], _ from: String, _ to: String) -> Double {
        (tab["values"] as! [[String: Any]]).first { $0["initial_label"] as? String == from && $0["final_label"] as? String == to }!["value"] as! Double
    }

    func testHandWorkedTables() throws {
        let tmp = try TemporaryFolder()
        let out = try run(tmp)
        let doc = try json("\(out)/unccd-reporting.json")
        let meta = doc["metadata"] as! [String: Any]
        XCTAssertEqual(meta["area_of_interest"] as? String, "Test banner")
        XCTAssertEqual(meta["producer"] as? String, "Test unit")
        XCTAssertEqual(meta["date"] as? String, "2026-05-01")
        XCTAssertNotNil((meta["indicators"] as? [String: String])?["SO1-3"])
        // One title block (ReportTitleBlock), printed alike in report.json, report.md and report.html.
        let title = try json("\(out)/report.json")["title"] as! [String: Any]
        let md = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8), html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
        var rows = [("Area", "Test banner"), ("Producer", "Test unit"), ("Date", "2026-05-01"), ("Period", title["period"] as! String),
                    ("Grid", "\(title["crs"] as! String), pixel \(title["pixel"] as! String)")]
        rows += (title["sources"] as! [String]).map { ("Sources", $0) }
        rows += (title["parameters"] as! [[String]]).map { ($0[0], $0[1]) }
        XCTAssertEqual(title["area"] as? String, "Test banner")
        XCTAssertGreaterThan(rows.count, 15)
        for (k, v) in rows {
            XCTAssertTrue(md.contains("| \(k) | \(v) |"), "report.md: \(k)")
            XCTAssertTrue(html.contains("<tr><th>\(k)</th><td>\(v.replacingOccurrences(of: "&", with: "&amp;"))</td></tr>"), "report.html: \(k) \(v)")
        }
        let base = ((doc["land_condition"] as! [String: Any])["baseline"] as! [String: Any])["period_assessment"] as! [String: Any]

        // SO1-1: 2000 grassland 6, other land 1, water 1; 2010 grassland 5, other land 1, tree 1, water 1.
        let lc = base["land_cover"] as! [String: Any]
        let byYear = ((lc["land_cover_areas_by_year"] as! [String: Any])["values"] as! [String: [String: Double]])
        XCTAssertEqual(byYear["2000"]!["Grassland"]!, 6 * px, accuracy: 1e-8)
        XCTAssertEqual(byYear["2000"]!["Other land"]!, px, accuracy: 1e-8)
        XCTAssertEqual(byYear["2000"]!["Water body"]!, px, accuracy: 1e-8)
        XCTAssertEqual(byYear["2010"]!["Grassland"]!, 5 * px, accuracy: 1e-8)
        XCTAssertEqual(byYear["2010"]!["Tree-covered"]!, px, accuracy: 1e-8)
        XCTAssertEqual(byYear["2010"]!["Other land"]!, px, accuracy: 1e-8)
        // The land-cover summary: water is not stable land (1 degraded, 1 improved, 5 stable, 1 water).
        XCTAssertEqual(area(lc["summary"], "Stable")!, 5 * px, accuracy: 1e-8)
        XCTAssertEqual(area(lc["summary"], "Water body")!, px, accuracy: 1e-8)
        XCTAssertEqual(area(lc["summary"], "Degraded")!, px, accuracy: 1e-8)

        // SO1-3 in tonnes: 40 t/ha x 0.0900498 ha; grassland -> other land x (1 - 10/20 x 0.9) = 22 t/ha,
        // other land -> tree x (1 + 10/20 x 1) = 60 t/ha; water has no SOC.
        let ha = px * 100
        let soc = ((base["soil_organic_carbon"] as! [String: Any])["soc_stock_by_year"] as! [String: Any])
        XCTAssertEqual(soc["unit"] as? String, "tonnes")
        let stock = soc["values"] as! [String: [String: Double]]
        XCTAssertEqual(stock["2000"]!["Grassland"]!, 6 * 40 * ha, accuracy: 1e-3)
        XCTAssertEqual(stock["2000"]!["Other land"]!, 40 * ha, accuracy: 1e-3)
        XCTAssertNil(stock["2000"]!["Water body"])
        XCTAssertEqual(stock["2010"]!["Grassland"]!, 5 * 40 * ha, accuracy: 1e-3)
        XCTAssertEqual(stock["2010"]!["Other land"]!, 22 * ha, accuracy: 1e-3)
        XCTAssertEqual(stock["2010"]!["Tree-covered"]!, 60 * ha, accuracy: 1e-3)

        // SO1-2: declining grassland -> grassland 1 (pixel 0), increasing 1 (pixel 1), stable: grassland 3,
        // grassland -> other land 1, other land -> tree 1.
        let prod = base["productivity"] as! [String: Any]
        let tabs = Dictionary(uniqueKeysWithValues: (prod["crosstabs_by_productivity_class"] as! [[String: Any]]).map { ($0["name"] as! String, $0) })
        XCTAssertEqual(cell(tabs["Declining"]!, "Grassland", "Grassland"), px, accuracy: 1e-8)
        XCTAssertEqual(cell(tabs["Increasing"]!, "Grassland", "Grassland"), px, accuracy: 1e-8)
        XCTAssertEqual(cell(tabs["Stable"]!, "Grassland", "Grassland"), 3 * px, accuracy: 1e-8)
        XCTAssertEqual(cell(tabs["Stable"]!, "Grassland", "Other land"), px, accuracy: 1e-8)
        XCTAssertEqual(cell(tabs["Stable"]!, "Other land", "Tree-covered"), px, accuracy: 1e-8)
        XCTAssertEqual(cell(tabs["Declining"]!, "Grassland", "Other land"), 0)
        XCTAssertEqual(area((prod["summaries"] as! [String: Any])["all_cover_types"], "Stable")!, 5 * px, accuracy: 1e-8)

        // SO1-4: 2 of 7 land pixels degraded.
        let sdg = base["sdg"] as! [String: Any]
        XCTAssertEqual(sdg["proportion_degraded_percent"] as! Double, 100.0 * 2 / 7, accuracy: 1e-3)
        XCTAssertEqual(sdg["total_land_area"] as! Double, 7 * px, accuracy: 1e-8)
        let so14 = try String(contentsOfFile: "\(out)/tables/unccd/so1-4-proportion-degraded.csv", encoding: .utf8)
        XCTAssertTrue(so14.contains("SO1-4,baseline,2000,2010,"), so14)
        XCTAssertTrue(so14.contains(",28.5714\r\n"), so14)
        let soc13 = try String(contentsOfFile: "\(out)/tables/unccd/so1-3-soc-stock.csv", encoding: .utf8)
        XCTAssertTrue(soc13.contains("SO1-3,baseline,2010,Tree-covered,\(ReportJSON.number(LDNReportRound.r3(60 * ha)))\r\n"), soc13)

        // Baseline x reporting (Trends.Earth's `change_assessment` since te_algorithms 2026-03-10, "Fixes for SO1-4.T1 table":
        // `bizonal_total(baseline, reporting)`), each sub-indicator: rows the baseline layer, columns the period's own layer,
        // counted here from the two layers. The status against the baseline (`status_assessment`, te_schemas
        // LandConditionStatus; GPG v2 addendum's status matrix: degraded or improved now wins, stable now keeps the
        // baseline's status, no data in either is no data), counted here from the same two layers.
        let reporting = (doc["land_condition"] as! [String: Any])["reporting-2011-2016"] as! [String: Any]
        let change = reporting["change_assessment"] as! [String: Any]
        let status = try XCTUnwrap(reporting["status_assessment"] as? [String: Any], "no status_assessment (main before session 18)")
        let label: [Float: String] = [-1: "Degraded", 0: "Stable", 1: "Improved", -32768: "No data"]
        let labels = ["Degraded", "Stable", "Improved", "No data"]
        var baselineDegradedNowStable = 0.0
        for (file, key, sub) in [("sdg-15-3-1", "sdg", ""), ("productivity-status", "productivity", "all_cover_types"),
                                 ("landcover-status", "land_cover", ""), ("soc-status", "soil_organic_carbon", "all_cover_types")] {
            let b = try TestRaster.read("\(out)/baseline/\(file).tif"), r = try TestRaster.read("\(out)/reporting-2011-2016/\(file).tif")
            var crossed: [String: Double] = [:], st: [String: Double] = [:], own: [String: Double] = [:]
            for i in b.indices {
                let s: Float = b[i] == -32768 || r[i] == -32768 ? -32768 : (r[i] == 0 ? b[i] : r[i])
                crossed["\(label[b[i]]!)>\(label[r[i]]!)", default: 0] += px
                st[label[s]!, default: 0] += px
                own[label[r[i]]!, default: 0] += px
                if b[i] == -1 && r[i] == 0 { baselineDegradedNowStable += px }
            }
            for from in labels {
                for to in labels {
                    XCTAssertEqual(cell(change[key] as! [String: Any], from, to), crossed["\(from)>\(to)"] ?? 0, accuracy: 1e-8, "\(key): \(from) -> \(to)")
                }
            }
            let list = sub.isEmpty ? status[key] : (status[key] as! [String: Any])[sub]
            for l in labels { XCTAssertEqual(area(list, l)!, st[l] ?? 0, accuracy: 1e-8, "status_assessment \(key) \(l)") }
            // The period's own summaries stay the period's own (SO1-2's summary is the LPD; the others the status layers).
            if key == "sdg" {
                for l in labels { XCTAssertEqual(area((reporting["period_assessment"] as! [String: Any])["sdg"].flatMap { ($0 as! [String: Any])["summary"] }, l)!, own[l] ?? 0, accuracy: 1e-8, "own sdg \(l)") }
            }
        }
        XCTAssertGreaterThan(baselineDegradedNowStable, 0, "the region has land degraded in the baseline and stable now: the two readings differ")
        // Pixel 0 degraded in both, pixel 2 degraded in the baseline (land cover) and stable now: 2 of 7 against the baseline.
        XCTAssertEqual(area(status["sdg"], "Degraded")!, 2 * px, accuracy: 1e-8)
        XCTAssertEqual(status["proportion_degraded_percent"] as! Double, 100.0 * 2 / 7, accuracy: 1e-3)
        XCTAssertEqual(cell(change["sdg"] as! [String: Any], "Degraded", "Stable"), px, accuracy: 1e-8, "pixel 2: degraded, then stable")
        let statusCSV = try String(contentsOfFile: "\(out)/tables/unccd/status-vs-baseline.csv", encoding: .utf8)
        XCTAssertTrue(statusCSV.hasPrefix("period,sub_indicator,baseline_first_year,reporting_last_year,degraded_sq_km,stable_sq_km,improved_sq_km,no_data_sq_km\r\n"), statusCSV)
        let sdgLine = statusCSV.components(separatedBy: "\r\n").first { $0.hasPrefix("reporting-2011-2016,SDG 15.3.1,2000,2016,") }
        XCTAssertEqual(Double(sdgLine?.components(separatedBy: ",")[4] ?? "") ?? -1, 2 * px, accuracy: 1e-8, statusCSV)
        XCTAssertNil(((doc["land_condition"] as! [String: Any])["baseline"] as! [String: Any])["change_assessment"])
        for f in ["so1-1-land-cover-by-year", "so1-1-land-cover-change", "so1-2-land-productivity", "so1-2-productivity-by-land-cover-transition",
                  "so1-3-soc-stock", "so1-4-proportion-degraded", "baseline-vs-reporting", "status-vs-baseline"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/tables/unccd/\(f).csv"), f)
        }
    }
}

/// Rounding of the tables (as the report writes tonnes: 3 decimals).
enum LDNReportRound {
    static func r3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
