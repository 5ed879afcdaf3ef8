import Foundation
import TestSupport
import XCTest

/// `ldn --no-patches` (as `change --no-patches`): no `sdg-15-3-1-patches.gpkg` in any period and no
/// patches asset in the catalogue, which stays valid; every layer's pixels, the report and the tables
/// are those of the run with patches (the patches are published beside them, never into them).
final class LDNNoPatchesTests: CLITestCase {
    static let fixtures = ScaleOutTests.fixtures
    static let periods = ["baseline", "reporting-2014-2018", "reporting-2019-2024"]

    func testLDNWithoutPatchesIsStillAValidCatalogue() throws {
        let tmp = try TemporaryFolder()
        let args = ["ldn", "--config", Self.fixtures + "/ldn.toml", "-q"]
        try run(args + ["-o", tmp.file("with")])
        try run(args + ["--no-patches", "-o", tmp.file("without")])
        for period in Self.periods {
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("with/\(period)/sdg-15-3-1-patches.gpkg")), period)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("without/\(period)/sdg-15-3-1-patches.gpkg")), period)
            let item = try String(contentsOfFile: tmp.file("without/\(period)/sdg-15-3-1.item.json"), encoding: .utf8)
            XCTAssertFalse(item.contains("patches"), "no asset for the patches in \(period)")
            let layers = try FileManager.default.contentsOfDirectory(atPath: tmp.file("with/\(period)")).filter { $0.hasSuffix(".tif") }
            XCTAssertGreaterThanOrEqual(layers.count, 8, period)
            for layer in layers {
                XCTAssertEqual(try TestRaster.read(tmp.file("with/\(period)/\(layer)")), try TestRaster.read(tmp.file("without/\(period)/\(layer)")),
                               "\(period)/\(layer)")
            }
        }
        for file in ["report.json", "report.md", "unccd-reporting.json"] + (try FileManager.default.contentsOfDirectory(atPath: tmp.file("with/tables")))
            .filter { $0.hasSuffix(".csv") }.map { "tables/\($0)" } {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("with/\(file)"))),
                           try Data(contentsOf: URL(fileURLWithPath: tmp.file("without/\(file)"))), file)
        }
        guard let check = try PublishedFolderCheck.run(tmp.file("without")) else { return }
        XCTAssertEqual(check.errors, [])
        XCTAssertTrue(check.items.contains("reporting-2019-2024-sdg-15-3-1"), "\(check.items)")
    }
}
