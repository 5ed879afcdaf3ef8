import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` with `[climate]` through the CLI: annual precipitation as one file per year in a
/// folder (dated by name, read by `stack`'s series reader), bad precipitation refused with the
/// README's exit code and one line naming the input, nothing left behind; `stack --reducer sum`.
final class ClimateCommandTests: CLITestCase {
    /// Annual totals 2000-2010 as `rain/precip_YYYY-07-01.tif` (pixel 0 follows its NDVI, the rest 300 mm); `negative` puts -1 in 2003.
    func writeRain(_ tmp: TemporaryFolder, negative: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: tmp.file("rain"), withIntermediateDirectories: true)
        for y in 2000...2010 {
            var v: [Float] = (0..<8).map { $0 == 0 ? 500 * (0.6 - 0.04 * Float(y - 2000)) : 300 + Float($0) }
            if negative && y == 2003 { v[5] = -1 }
            try TestRaster.write(tmp.file("rain/precip_\(y)-07-01.tif"), width: 4, height: 2, values: v)
        }
    }

    func testAnnualFolderAndBadPrecipitation() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try writeRain(tmp)
        let config = try LDNTestRegion.config(tmp, extra: "[climate]\nprecipitation = \"rain\"\nmethod = \"restrend\"\n")
        try run(["ldn", "--config", config, "-o", tmp.file("out"), "-q"])
        XCTAssertEqual(try TestRaster.read(tmp.file("out/baseline/decline-explained-by-rainfall.tif")), [1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try TestRaster.read(tmp.file("out/baseline/trajectory.tif")), [0, 3, 0, 0, 0, 0, 0, 0])

        // stack's sum reducer: one file per year summed per year is the file itself.
        try run(["stack", tmp.file("rain"), "--reducer", "sum", "-o", tmp.file("sums.tif"), "-q"])
        XCTAssertEqual(try TestRaster.read(tmp.file("sums.tif"), band: 4), [500 * (0.6 - 0.12), 301, 302, 303, 304, 305, 306, 307])

        // Negative precipitation: exit 3 (input error), one line naming the series, no output.
        try writeRain(tmp, negative: true)
        let r = try run(["ldn", "--config", config, "-o", tmp.file("out2"), "-q"], expect: 3)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error") }
        XCTAssertEqual(errors.count, 1, r.stderr)
        XCTAssertTrue(errors.first?.hasPrefix("kubuqi-monitor: error: \(tmp.file("rain")): negative precipitation (-1.0 mm") == true, r.stderr)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: tmp.file("out2"))) ?? []
        XCTAssertTrue(left.allSatisfy { $0 == ".kubuqi.lock" }, "\(left)")
        // A window the series does not cover: exit 3 from --check already.
        try FileManager.default.removeItem(atPath: tmp.file("rain/precip_2010-07-01.tif"))
        let c = try run(["ldn", "--config", config, "--check"], expect: 3)
        XCTAssertTrue(c.stderr.contains("has nothing in 2010"), c.stderr)
        // A tile's pass refuses it too (its plan check is the same; tiles with [climate]: ClimateScaleOutTests).
        try run(["tiles", "plan", tmp.file("ndvi.tif"), "--tile-size", "2", "-o", tmp.file("plan.json")])
        let t = try run(["ldn", "--config", config, "-o", tmp.file("tiled"), "--plan", tmp.file("plan.json"), "--tile", "0", "--phase", "stats", "-q"], expect: 3)
        XCTAssertTrue(t.stderr.contains("has nothing in 2010"), t.stderr)
    }
}
