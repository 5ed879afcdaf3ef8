import Foundation
import KubuqiGDAL
import KubuqiRaster
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// Issue 14 item 10: the summary and the quicklook say what the threshold means in the change's
/// units, and both carry the dates (metadata, else file names, else the names themselves).
final class ChangeReportMeaningTests: XCTestCase {
    /// d = after - before on 16 pixels; numpy (float32 inputs, float64 moments, population SD):
    /// mean 0.021875, SD 0.138032, mean - SD -0.116157, mean + SD 0.159907, mean -/+ 2 SD -0.254188 / 0.297938.
    static let deltas: [Float] = [0, 0, 0, 0, 0, 0, 0, 0, 0.1, -0.1, 0.2, -0.3, 0.05, 0, 0, 0.4]

    func run(_ tmp: TemporaryFolder, before: String, after: String, threshold: ThresholdMethod = .sigma(1)) throws -> (ChangeResult, ChangeOptions) {
        let b = try TestRaster.write(tmp.file(before), width: 4, height: 4, values: Array(repeating: 0.5, count: 16))
        let a = try TestRaster.write(tmp.file(after), width: 4, height: 4, values: Self.deltas.map { 0.5 + $0 })
        try FileManager.default.createDirectory(atPath: tmp.file("out"), withIntermediateDirectories: true)
        var o = ChangeOptions(before: b, after: a, outputFolder: tmp.file("out"))
        o.threshold = threshold
        o.quiet = true
        return (try ChangeJob.run(o), o)
    }

    func testSigmaSummaryStatesTheRuleInNDVIUnitsAndTheDates() throws {
        let tmp = try TemporaryFolder()
        let (r, _) = try run(tmp, before: "ndvi_LC08_20130815.tif", after: "ndvi_2023-08-19.tif")
        for fragment in ["(2013-08-15)", "(2023-08-19)", "NDVI difference", "|d - 0.0219| >= 0.1380", "1 standard deviation of d",
                         "about 32% of its pixels would be change", "d <= -0.1162 is degradation, d >= 0.1599 improvement",
                         "strong at d <= -0.2542 or d >= 0.2979"] {
            XCTAssertTrue(r.summary.contains(fragment), "'\(fragment)' not in: \(r.summary)")
        }
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: r.files["json"]!))) as! [String: Any]
        let t = doc["threshold"] as! [String: Any]
        XCTAssertEqual(t["degradationAtOrBelow"] as! Double, -0.116157, accuracy: 1e-6)
        XCTAssertEqual(t["improvementAtOrAbove"] as! Double, 0.159907, accuracy: 1e-6)
        XCTAssertTrue((t["meaning"] as! String).contains("standard deviation"))
        XCTAssertEqual(doc["dates"] as? [String: String], ["before": "2013-08-15", "after": "2023-08-19", "beforeSource": "file name", "afterSource": "file name"])
    }

    func testQuicklookSubtitleCarriesDatesAndRule() throws {
        let tmp = try TemporaryFolder()
        let (r, o) = try run(tmp, before: "MYD13A1.A2020153.tif", after: "after.tif", threshold: .fixed(change: 0.1, strong: nil))
        let report = ChangeReport(options: o, grid: try Dataset.open(o.before).grid, before: [BandSelection(parsing: o.before)],
                                  after: [BandSelection(parsing: o.after)], thresholds: r.thresholds, difference: r.difference,
                                  tally: r.tally, zoneTally: r.zoneTally, zoneNames: [:], mmuPixels: 0)
        // MODIS A2020153: day 153 of the leap year 2020 is 1 June; the after file has no date: its name is shown.
        XCTAssertEqual(report.quicklookSubtitle, ["before 2020-06-01, after after.tif", "d = NDVI difference (after - before)",
                                                  "change at |d| ≥ 0.1000, strong at ≥ 0.2000 (fixed:0.1)"])
        XCTAssertTrue(r.summary.contains("fixed:0.1: change where |d| >= 0.1000, strong where |d| >= 0.2000"), r.summary)
    }

    func testDatesFromMetadataBeforeFileNames() throws {
        let tmp = try TemporaryFolder()
        let path = try TestRaster.write(tmp.file("scene_20000101.tif"), width: 1, height: 1, values: [0])
        let ds = try Dataset.open(path, update: true)
        ds.setMetadataItem("ACQUISITION_DATE", "2019-07-04T03:02:01Z")
        try ds.close()
        XCTAssertEqual(ChangeDate.of(path: path, selection: BandSelection(parsing: path)), ChangeDate(text: "2019-07-04", source: "metadata ACQUISITION_DATE"))
        // Not dates: 8 digits that are no calendar day, a 5-digit run.
        XCTAssertNil(ChangeDate.find(in: "tile_20131399.tif"))
        XCTAssertNil(ChangeDate.find(in: "x12013y.tif"))
        XCTAssertEqual(ChangeDate.find(in: "S2B_MSIL2A_20200219T112119_N0214"), "2020-02-19")
        XCTAssertEqual(ChangeDate.find(in: "LC08_L2SP_128032_20130815_20200912_02_T1"), "2013-08-15")
    }
}
