import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster
import XCTest

/// The repository's `Fixtures/` folder must be exactly what the generator
/// writes today. To refresh it after changing the generator, run
/// `KUBUQI_REGENERATE_FIXTURES=1 swift test --filter KubuqiFixturesTests.CommittedFixturesTests`.
final class CommittedFixturesTests: XCTestCase {
    func testCommittedFixturesEqualAFreshGeneration() throws {
        if ProcessInfo.processInfo.environment["KUBUQI_REGENERATE_FIXTURES"] == "1" {
            try FixtureGenerator.generate(into: FixtureFiles.committedRoot)
        }
        let fresh = try FixtureFiles.shared()
        let committed = try FixtureFiles.listing(FixtureFiles.committedRoot)
        let generated = try FixtureFiles.listing(fresh.folder.path)
        XCTAssertEqual(committed, generated,
                       "Fixtures/ holds other files than a fresh generation (regenerate: see this test's doc comment)")
        for f in generated where committed.contains(f) {
            let a = try Data(contentsOf: URL(fileURLWithPath: FixtureFiles.committedRoot + "/" + f))
            let b = try Data(contentsOf: URL(fileURLWithPath: fresh.path(f)))
            if a == b { continue }
            let why = f.lowercased().hasSuffix(".tif") && (try? samePixels(FixtureFiles.committedRoot + "/" + f, fresh.path(f))) == true
                ? "same pixels and georeferencing, different compressed bytes: this GDAL's DEFLATE (zlib or libdeflate) differs from the one that wrote Fixtures/"
                : "regenerate: see this test's doc comment"
            XCTFail("Fixtures/\(f) differs from a fresh generation (\(why))")
        }
    }

    /// Whether two rasters hold the same values on the same grid.
    private func samePixels(_ a: String, _ b: String) throws -> Bool {
        let da = try Dataset.open(a), db = try Dataset.open(b)
        guard da.grid.difference(from: db.grid) == nil, da.bandCount == db.bandCount else { return false }
        let all = Window(column: 0, row: 0, width: da.width, height: da.height)
        for i in 1...da.bandCount where try da.band(i).read(all) != db.band(i).read(all) { return false }
        return true
    }
}
