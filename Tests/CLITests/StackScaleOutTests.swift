import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `stack --plan/--tile` (docs/scale-out.md): a synthetic series of 256 x 256
/// files split into tiles, each computed alone and merged by `tiles merge`,
/// gives the single-machine OUT.tif and OUT.count.tif byte for byte and the
/// same record (OUT.json, its paths aside), including a period dropped only
/// because no pixel of the whole region met the completeness rule.
final class StackScaleOutTests: CLITestCase {
    static let size = 256

    /// Six dates a year, 2001-2003, values varying per pixel and date with holes;
    /// in 2003 each pixel is valid on at most two dates (so with --min-obs 3 no pixel meets the rule).
    func series(in folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let n = Self.size
        for year in 2001...2003 {
            for (k, month) in ["01", "03", "05", "07", "09", "11"].enumerated() {
                var values = [Float](repeating: 0, count: n * n)
                for r in 0..<n {
                    for c in 0..<n {
                        let i = r * n + c
                        var v = Float((r * 7 + c * 13 + k * 31 + year) % 1000) / 1000 - 0.2
                        if (r * 3 + c * 5 + k * 11) % 17 == 0 { v = -9999 }   // holes
                        if year == 2003 && (c + k) % 3 != 0 { v = -9999 }    // at most two valid dates
                        values[i] = v
                    }
                }
                _ = try TestRaster.write("\(folder)/ndvi_\(year)-\(month)-15.tif", width: n, height: n, values: values, nodata: -9999,
                                         options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"])
            }
        }
    }

    func testTiledStackMergesIntoTheSingleMachineStack() throws {
        let tmp = try TemporaryFolder()
        let inputs = tmp.file("series")
        try series(in: inputs)
        let plan = tmp.file("plan.json")
        let planned = try run(["tiles", "plan", inputs + "/ndvi_2001-01-15.tif", "--tile-size", "128", "-o", plan])
        XCTAssertTrue(planned.stdout.contains("4 tiles of 128x128"), planned.stdout)
        for (n, extra) in [["--reducer", "mean", "--ot", "Int16"], ["--reducer", "p90"], ["--reducer", "integral", "--season", "03-01..10-31"]].enumerated() {
            let single = tmp.file("single-\(n)"), tiled = tmp.file("tiled-\(n)")
            try FileManager.default.createDirectory(atPath: single, withIntermediateDirectories: false)
            let job = ["stack", inputs, "--min-obs", "3"] + extra
            let one = try run(job + ["-o", single + "/stack.tif", "-q"])
            for i in 0..<4 { XCTAssertTrue(try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "--phase", "stats", "-q"]).stdout.contains("written")) }
            try run(["tiles", "reduce", plan, tiled])
            for i in 0..<4 { XCTAssertTrue(try run(job + ["-o", tiled, "--plan", plan, "--tile", "\(i)", "-q"]).stdout.contains("written")) }
            let merged = try run(["tiles", "merge", plan, tiled, "-q"])
            XCTAssertTrue(merged.stdout.contains("stack merged into"), merged.stdout)
            for f in ["stack.tif", "stack.count.tif"] {
                let a = FileManager.default.contents(atPath: "\(single)/\(f)"), b = FileManager.default.contents(atPath: "\(tiled)/\(f)")
                XCTAssertNotNil(a, f)
                XCTAssertEqual(a, b, "\(f) of \(extra): the tiled stack differs from one machine's")
            }
            let recordA = try String(contentsOfFile: single + "/stack.json", encoding: .utf8)
            let recordB = try String(contentsOfFile: tiled + "/stack.json", encoding: .utf8)
            XCTAssertEqual(recordA.replacingOccurrences(of: single + "/", with: tiled + "/"), recordB)
            // 2003 was computed by every tile and dropped only by the region-wide tally, as on one machine.
            for r in [one, merged] { XCTAssertTrue(r.stderr.contains("period 2003") && r.stderr.contains("dropped: no pixel met the completeness rule"), r.stderr) }
            XCTAssertEqual(try Dataset.open(tiled + "/stack.tif").bandCount, 2)
            XCTAssertEqual(try Dataset.open(tiled + "/tiles/0/stack.tif").bandCount, 3)
        }
        // A rerun skips complete tiles; --append cannot be tiled.
        let job = ["stack", inputs, "--min-obs", "3", "--reducer", "mean", "--ot", "Int16", "-o", tmp.file("tiled-0"), "--plan", plan, "--tile", "2"]
        XCTAssertTrue(try run(job).stdout.contains("skipped"))
        try run(job + ["--append"], expect: 2)
    }
}
