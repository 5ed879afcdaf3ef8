import Foundation
import KubuqiGDAL
import KubuqiIndicators
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Periods with more observations than the window pass holds open at once (``StackJob/openAtOnce``):
/// read a group of files at a time (accumulating reducers fold each group into a running state; the
/// others gather every group's rows), every reducer against numpy (``StackSyntheticTests/script``).
final class StackOpenGroupsTests: XCTestCase {
    static let width = 7, height = 5

    /// About 75 dates a year in 2003-2004 (every 4 to 6 days), a sixth nodata; pixel 2 valid only in
    /// the first months and pixel 3 only in the last ones (their coverage decides), pixel 0 never valid.
    static func writeCollection(in folder: TemporaryFolder) throws -> (dates: [String], values: [[Float?]]) {
        try FrequentCollection.write(in: folder, prefix: "g", width: width, height: height, seed: 32,
                                     first: CalendarDate(year: 2003, month: 1, day: 2)!, last: CalendarDate(year: 2004, month: 12, day: 29)!) { p, m in
            p != 0 && (p != 2 || m <= 4) && (p != 3 || m >= 9)
        }
    }

    func testEveryReducerOverGroupsMatchesNumpy() throws {
        guard let python = ScipyReference.python() else { throw ScipyReference.skipOrFail("python3 with numpy") }
        let tmp = try TemporaryFolder(), inputs = try TemporaryFolder()
        let (dates, values) = try Self.writeCollection(in: inputs)
        let perYear = dates.filter { $0.hasPrefix("2003") }.count
        XCTAssertGreaterThan(perYear, 2 * StackJob.openAtOnce, "the periods must need three groups")
        let cases: [(String, Int, Double)] = [
            ("mean", 1, 0), ("mean", 20, 0.9), ("max", 1, 0.5), ("min", 3, 0.5), ("count", 1, 0),
            ("median", 1, 0), ("p90", 5, 0.5), ("integral", 2, 0.9),
        ]
        for (reducer, minObs, minCov) in cases {
            let label = "\(reducer) min-obs \(minObs) min-coverage \(minCov)"
            guard let r = SeriesReducer(name: reducer) else { XCTFail(label); continue }
            let out = tmp.file("\(reducer)-\(minObs)-\(minCov).tif")
            let result = try StackJob.run(StackOptions(inputs: [inputs.path], output: out, reducer: r, minimumObservations: minObs,
                                                       minimumCoverage: minCov))
            let config: [String: Any] = ["dates": dates, "values": values.map { $0.map { $0.map { Double($0) } ?? NSNull() } as [Any] },
                                         "season": NSNull(), "min_obs": minObs, "min_cov": minCov, "reducer": reducer, "smooth": 0]
            let expected = try XCTUnwrap(try ScipyReference.run(python, script: StackSyntheticTests.script, input: config, in: tmp) as? [[String: Any]])
            let written = result.manifest.periods
            XCTAssertEqual(written.map(\.label), expected.map { $0["label"] as! String }, label)
            let ds = try Dataset.open(out), counts = try Dataset.open(result.countPath)
            let all = Window(column: 0, row: 0, width: Self.width, height: Self.height)
            for (p, e) in zip(written, expected) {
                guard let band = p.band, let want = e["values"] as? [Any] else { XCTFail("\(label) \(p.label) dropped"); continue }
                let got = try ds.band(band).read(all), gotCounts = try counts.band(band).read(all)
                XCTAssertEqual(gotCounts.map { Int($0) }, e["counts"] as! [Int], "\(label) \(p.label) counts")
                for i in got.indices {
                    if let w = want[i] as? Double {
                        XCTAssertEqual(Double(got[i]), w, accuracy: 1e-5 * max(1, abs(w)), "\(label) \(p.label) pixel \(i)")
                    } else {
                        XCTAssertTrue(got[i].isNaN, "\(label) \(p.label) pixel \(i): nodata expected, got \(got[i])")
                    }
                }
                XCTAssertEqual(p.pixelsMeetingRule, want.filter { $0 is Double }.count, "\(label) \(p.label)")
            }
        }
    }
}
