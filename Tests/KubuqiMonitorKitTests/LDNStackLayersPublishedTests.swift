import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import TestSupport
import XCTest

/// A whole `ldn` run copies each period's stack-pass layers (trajectory, state) to COGs while the rest of
/// the period is computed (`LDNPeriodPublisher.submitStackLayers`), and reads them back in its layer pass:
/// they must still be published like every other layer (a DEFLATE COG with the layer's legend, nothing
/// staged left behind), and the layers computed from them must be those worked out by hand (LDNJobTests).
final class LDNStackLayersPublishedTests: XCTestCase {
    func testStackLayersArePublishedEarlyWithTheirLegends() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        let out = tmp.file("out")
        var options = LDNOptions(config: config, output: out, quiet: true)
        options.patches = false
        _ = try LDNJob.run(options)
        let periods = try FileManager.default.contentsOfDirectory(atPath: out).filter {
            FileManager.default.fileExists(atPath: "\(out)/\($0)/sdg-15-3-1.tif")
        }
        XCTAssertEqual(periods, ["baseline"])
        for period in periods {
            for layer in ["trajectory", "state", "lpd", "sdg-15-3-1"] {
                let path = "\(out)/\(period)/\(layer).tif"
                let ds = try Dataset.open(path)
                XCTAssertEqual(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG", path)
                XCTAssertEqual(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "DEFLATE", path)
                XCTAssertFalse(try ds.band(1).categoryNames().isEmpty, "\(path) has its legend")
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(period)/\(layer).qml"), path)
            }
            // The hand-worked trajectory (LDNJobTests: falling -3, rising 3, flat 0) read from the early COG,
            // and the LPD that the layer pass computed from it.
            if period == "baseline" {
                let trajectory = try TestRaster.read("\(out)/baseline/trajectory.tif")
                XCTAssertEqual(Array(trajectory), [-3, 3, 0, 0, 0, 0, 0, 0])
                let lpd = try TestRaster.read("\(out)/baseline/lpd.tif").map { $0 == -32768 ? Float.nan : $0 }
                XCTAssertEqual(Array(lpd.prefix(7)), [1, 5, 4, 4, 4, 4, 4])
                XCTAssertTrue(lpd[7].isNaN)
            }
        }
        try assertNothingLeft(out)
    }

    /// The fixtures' three periods: only the last one's stack layers are copied early (LDNJob); the earlier
    /// periods' are copied with the rest of their layers, and every layer of every period is a COG with its legend.
    func testEveryPeriodsLayersKeepTheirLegends() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let tmp = try TemporaryFolder()
        let out = tmp.file("out")
        var options = LDNOptions(config: fixtures + "/ldn.toml", output: out, quiet: true)
        options.patches = false
        _ = try LDNJob.run(options)
        for period in ["baseline", "reporting-2014-2018", "reporting-2019-2024"] {
            let layers = try FileManager.default.contentsOfDirectory(atPath: "\(out)/\(period)").filter { $0.hasSuffix(".tif") }
            XCTAssertGreaterThanOrEqual(layers.count, 8, period)
            XCTAssertTrue(layers.contains("trajectory.tif") && layers.contains("state.tif"), period)
            for layer in layers {
                let path = "\(out)/\(period)/\(layer)"
                let ds = try Dataset.open(path)
                XCTAssertEqual(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG", path)
                XCTAssertFalse(try ds.band(1).categoryNames().isEmpty, "\(path) has its legend")
            }
        }
        try assertNothingLeft(out)
    }

    private func assertNothingLeft(_ out: String) throws {
        let left = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.filter { $0.contains(".kubuqi-") && !$0.hasSuffix(".lock") }
        XCTAssertEqual(left, [], "nothing staged or private left behind")
    }
}
