import Foundation
import KubuqiGDAL
import KubuqiIndicators
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// The report's per-zone areas are the sums of the zone's pixel areas (audit, session 13): they were formed
/// as count x the mean pixel area rounded to 10⁻⁹ km², 2e-5 km2 off on the fixtures' 55,000-pixel zone, and
/// one set of pixels had different areas in different sub-indicator rows.
final class LDNZoneAreaTests: XCTestCase {
    func testZoneRowsAreTheSumsOfTheirPixelAreas() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNConfig.load(try LDNTestRegion.write(tmp))
        let grid = try Dataset.open(tmp.file("ndvi.tif")).grid
        // Zone 1: three stable pixels of 900491.9, 900492.2, 900493.1 units of 10⁻⁹ km2; by hand their table area
        // is 900492 + 900492 + 900493 = 2701477 units (0.002701477 km2), not 3 x round(900492.33) = 2701476.
        var table = AreaTable()
        let classes: [Int16] = [0, 0, 0]
        let zones: [Int32] = [1, 1, 1]
        let km2 = [0.0009004919, 0.0009004922, 0.0009004931]
        classes.withUnsafeBufferPointer { c in
            zones.withUnsafeBufferPointer { z in km2.withUnsafeBufferPointer { table.add(classes: c, zones: z, pixelAreaKm2: $0) } }
        }
        var layers: [LDNPeriod.Layer: AreaTable] = [:]
        for layer in [LDNPeriod.Layer.productivity, .landCover, .soc, .sdg] { layers[layer] = table }
        let period = LDNPeriodResult(name: "baseline", years: 2000...2010, landCoverYears: (2000, 2010), files: [:], areas: [:],
                                     zoneAreas: layers, transitions: TransitionTable(), performanceMaxima: [:], annualProductivity: [:])
        let report = LDNReport(config: config, grid: grid, periods: [period])
        let docs = report.zoneDocuments(period)
        XCTAssertEqual(docs.map(\.id), [1])
        for (name, rows) in docs[0].subIndicators {
            let stable = rows.first { $0.code == 0 }!
            XCTAssertEqual(stable.pixels, 3, name)
            XCTAssertEqual(stable.km2, 0.002701477, accuracy: 1e-15, name)
        }
    }
}

extension LDNZoneAreaTests {
    /// `[zones] field` with a zone raster was ignored without a word (the raster's values are the ids; audit,
    /// session 13): exit 3 naming the zone file and the field. Without the field the same raster is read.
    func testAZoneFieldWithAZoneRasterIsRefused() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try TestRaster.write(tmp.file("zones.tif"), width: 4, height: 2, values: [1, 1, 2, 2, 1, 1, 2, 2], type: .byte)
        let withField = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.tif\"\nfield = \"name\"\n")
        XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: withField, output: tmp.file("out"), quiet: true))) { e in
            let message = "\(e)"
            XCTAssertEqual((e as? KubuqiError)?.kind, .input, message)
            XCTAssertFalse(message.contains("\n"), message)
            for f in ["zones.tif", "is a zone raster", "the zone field 'name'", "[zones] field"] { XCTAssertTrue(message.contains(f), "'\(f)' in \(message)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out/baseline")))
        let without = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.tif\"\n")
        XCTAssertNoThrow(try LDNJob.run(LDNOptions(config: without, output: tmp.file("out2"), quiet: true)))
    }
}
