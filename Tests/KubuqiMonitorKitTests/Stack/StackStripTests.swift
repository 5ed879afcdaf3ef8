import Foundation
import KubuqiGDAL
import KubuqiIndicators
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Accumulating reducers walk a period strip by strip (``StackStrips``): a strip's running state is
/// kept while each group of at most ``StackJob/openAtOnce`` inputs is read through the strip's windows.
/// Strips and windows that do not divide the grid (45 x 70 pixels in 16 x 16 blocks: strips of 64 rows
/// and the last of 6, windows of 16 columns and the last of 13), one-block strips (the smallest budget),
/// and periods of three groups, against numpy (``StackSyntheticTests/script``).
final class StackStripTests: XCTestCase {
    static let width = 45, height = 70

    /// About 75 dates a year in 2003-2004 (every 4 to 6 days), a sixth nodata; column 2 valid only in the
    /// first months and row 3 only in the last ones (their coverage decides), pixel 0 never valid.
    static func writeCollection(in folder: TemporaryFolder) throws -> (dates: [String], values: [[Float?]]) {
        try FrequentCollection.write(in: folder, prefix: "s", width: width, height: height, seed: 71,
                                     first: CalendarDate(year: 2003, month: 1, day: 3)!, last: CalendarDate(year: 2004, month: 12, day: 28)!,
                                     options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]) { p, m in
            p != 0 && (p % width != 2 || m <= 4) && (p / width != 3 || m >= 9)
        }
    }

    /// The layout itself: every pixel in exactly one window of one strip, windows whole 16 x 16 blocks but at the edges.
    func testStripsAndWindowsCoverTheGridOnce() {
        for budget in [1, 160 << 10, 32 << 20] {
            let s = StackStrips(width: Self.width, height: Self.height, outputBlock: (16, 16), inputBlocks: [(16, 16)],
                                observations: 32, budget: budget)
            var seen = [Int](repeating: 0, count: Self.width * Self.height)
            for strip in s.strips.windows() {
                let windows = s.windows(in: strip)
                XCTAssertLessThanOrEqual(windows.count, s.windowsPerStrip, "budget \(budget)")
                for w in windows {
                    XCTAssertLessThanOrEqual(w.pixelCount, s.windowCapacity)
                    XCTAssertTrue(w.column % 16 == 0 && w.row % 16 == 0, "budget \(budget): \(w) not on a block corner")
                    for r in w.row..<(w.row + w.height) { for c in w.column..<(w.column + w.width) { seen[r * Self.width + c] += 1 } }
                }
            }
            XCTAssertEqual(Set(seen), [1], "budget \(budget)")
        }
        // The budget used below: three strips (64, 64, 6 rows) of three windows (16, 16, 13 columns).
        let s = StackStrips(width: Self.width, height: Self.height, outputBlock: (16, 16), inputBlocks: [(16, 16)],
                            observations: 32, budget: 160 << 10)
        XCTAssertEqual(s.strips.windows().map(\.height), [64, 6])
        XCTAssertEqual(s.strips.columns, Self.width)
        XCTAssertEqual(s.windows(in: s.strips.windows()[1]).map(\.width), [16, 16, 13])
        // The smallest budget: strips one block wide (64 rows), windows of one block.
        let one = StackStrips(width: Self.width, height: Self.height, outputBlock: (16, 16), inputBlocks: [(16, 16)], observations: 32, budget: 1)
        XCTAssertEqual(one.strips.columns, 16)
        XCTAssertEqual([one.rows, one.columns], [16, 16])
        XCTAssertEqual(one.windowsPerStrip, 4)
    }

    func testAccumulatingReducersOverStripsMatchNumpy() throws {
        guard let python = ScipyReference.python() else { throw ScipyReference.skipOrFail("python3 with numpy") }
        let tmp = try TemporaryFolder(), inputs = try TemporaryFolder()
        let (dates, values) = try Self.writeCollection(in: inputs)
        XCTAssertGreaterThan(dates.filter { $0.hasPrefix("2003") }.count, 2 * StackJob.openAtOnce, "the periods must need three groups")
        let cases: [(String, Int, Double, Int)] = [
            ("mean", 1, 0, 160 << 10), ("mean", 20, 0.9, 1), ("max", 1, 0.5, 160 << 10), ("min", 3, 0.5, 1), ("count", 1, 0, 160 << 10),
        ]
        var options = CreationOptions()
        options.set("BLOCKXSIZE", "16")
        options.set("BLOCKYSIZE", "16")
        options.set("COG", "NO")   // the COG driver's blocks are at least 128: plain tiled GeoTIFFs of 16 x 16 blocks
        for (reducer, minObs, minCov, budget) in cases {
            let label = "\(reducer) min-obs \(minObs) min-coverage \(minCov) budget \(budget)"
            guard let r = SeriesReducer(name: reducer) else { XCTFail(label); continue }
            let out = tmp.file("\(reducer)-\(minObs)-\(budget).tif")
            let result = try StackJob.run(StackOptions(inputs: [inputs.path], output: out, reducer: r, minimumObservations: minObs,
                                                       minimumCoverage: minCov, encoding: .float32, creationOptions: options, memoryBudget: budget))
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
                let wantCounts = e["counts"] as! [Int]
                XCTAssertEqual(zip(gotCounts, wantCounts).filter { Int($0) != $1 }.count, 0, "\(label) \(p.label): counts unlike numpy")
                XCTAssertEqual(ScipyReference.pixelsUnlike(got, want), 0, "\(label) \(p.label): pixels unlike numpy")
                XCTAssertEqual(p.pixelsMeetingRule, want.filter { $0 is Double }.count, "\(label) \(p.label)")
            }
        }
    }
}
