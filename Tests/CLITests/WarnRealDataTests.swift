import Foundation
import TestSupport
import XCTest

/// `warn` on real MODIS NDVI series (../shared/data/real/04_modis_ndvi_multiyear_timeseries),
/// yearly periods (each year's mean of its 16-day or 8-day composites) against a baseline of years.
final class WarnRealDataTests: CLITestCase {
    static let folder = "04_modis_ndvi_multiyear_timeseries/"

    /// The bulletin of one run: alert share, extreme and severe shares of assessable land.
    func assess(_ file: String, year: Int, baseline: String, extra: [String] = []) throws -> (alert: Double, severeOrWorse: Double, meanVCI: Double) {
        let tmp = try TemporaryFolder()
        try run(["warn", file, "--period", "year", "--at", "\(year)-06-01", "--baseline", baseline, "-o", tmp.file("o"), "-q"] + extra)
        let b = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("o/bulletin.json")))) as! [String: Any]
        let levels = b["levels"] as! [[String: Any]]
        let share = { (code: Int) in levels.first { $0["code"] as! Int == code }!["shareOfAssessable"] as! Double }
        let zone = (b["zones"] as! [[String: Any]])[0]
        let season = zone["season"] as! [Any]
        return (b["alertShare"] as! Double, share(2) + share(3), season.last as? Double ?? .nan)
    }

    /// Central Chile (npphen MegaDrought, MOD13Q1+MYD13Q1, NDVI x 10000) against 2001-2009: the 2019-2021
    /// mega-drought is in alert over most of the area (measured: 90.6, 90.6, 85.9 % extreme), 2016 and 2017
    /// are not (measured: 0 % and 3.1 % moderate, nothing severe).
    func testCentralChileMegaDrought() throws {
        let file = try RealData.path(Self.folder + "npphen_MegaDrought_MOD13Q1_NDVI_2000_2021.tif")
        for year in [2016, 2017] {
            let r = try assess(file, year: year, baseline: "2001-2009", extra: ["--scale", "0.0001"])
            XCTAssertLessThan(r.alert, 0.05, "\(year)")
            XCTAssertEqual(r.severeOrWorse, 0, "\(year)")
        }
        for year in 2019...2021 {
            let r = try assess(file, year: year, baseline: "2001-2009", extra: ["--scale", "0.0001"])
            XCTAssertGreaterThan(r.alert, 0.8, "\(year)")
            XCTAssertGreaterThan(r.severeOrWorse, 0.8, "\(year)")
        }
    }

    /// South-east Somalia (bfast, MOD13C1) against 2001-2010: 2011, the Horn of Africa drought, is the
    /// year of strongest alert (measured: 100 % extreme, mean VCI 0.4; next 2010 with 96 %, mean VCI 3.0).
    func testSomalia2011IsTheStrongestAlert() throws {
        let file = try RealData.path(Self.folder + "bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif")
        var results: [Int: (alert: Double, severeOrWorse: Double, meanVCI: Double)] = [:]
        for year in 2001...2011 { results[year] = try assess(file, year: year, baseline: "2001-2010") }
        let strongest = results.max { ($0.value.alert, -$0.value.meanVCI) < ($1.value.alert, -$1.value.meanVCI) }!.key
        XCTAssertEqual(strongest, 2011)
        XCTAssertEqual(results.min { $0.value.meanVCI < $1.value.meanVCI }!.key, 2011, "lowest mean VCI")
    }

    /// The Atacama blooming desert (npphen Bdesert, hyper-arid, blooms in the baseline) against 2001-2020:
    /// in ordinary years the robust bounds (10th-90th percentiles) and the not-assessable rule raise at
    /// most a few moderate alerts (measured 0-7.3 %), where a raw min-max VCI (--bounds 0,100, no
    /// not-assessable rule) puts 30-64 % of the land in alert.
    func testAtacamaOrdinaryYearsRaiseNoAlarm() throws {
        let file = try RealData.path(Self.folder + "npphen_Bdesert_MOD13Q1_NDVI_2000_2021.tif")
        for year in [2005, 2012, 2013, 2018] {
            let robust = try assess(file, year: year, baseline: "2001-2020", extra: ["--scale", "0.0001"])
            XCTAssertLessThanOrEqual(robust.alert, 0.10, "\(year)")
            XCTAssertEqual(robust.severeOrWorse, 0, "\(year)")
            let raw = try assess(file, year: year, baseline: "2001-2020", extra: ["--scale", "0.0001", "--bounds", "0,100", "--min-baseline", "0", "--noise", "0"])
            XCTAssertGreaterThan(raw.alert, 0.25, "\(year): raw min-max")
        }
    }
}
