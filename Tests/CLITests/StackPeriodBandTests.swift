import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `stack` on bands described by years only (`2001`, `2002`: an annual product, or stack's own output): their dates
/// cannot be told. Before, the descriptions were passed over and the file's name was searched for a date ("cannot tell
/// its date from its name"), or, when the name had one, band 1 alone was read as that day's observation. Now an input
/// error naming the file and the band (exit 3, nothing written); a single band so described still takes a date from a
/// dated name.
final class StackPeriodBandTests: CLITestCase {
    func raster(_ path: String, descriptions: [String]) throws -> String {
        let ds = try Dataset.create(path, width: 2, height: 2, bands: descriptions.count, type: .float32)
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        for (i, d) in descriptions.enumerated() {
            let band = try ds.band(i + 1)
            band.setDescription(d)
            let values = [Float](repeating: 0.1 * Float(i + 1), count: 4)
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 2, height: 2), from: $0) }
        }
        try ds.close()
        return path
    }

    func testYearOnlyBandsAreRefusedNamingTheFileAndBand() throws {
        let tmp = try TemporaryFolder()
        let years = try raster(tmp.file("years.tif"), descriptions: ["2001", "2002", "2003"])
        // A dated name does not make band 1 of a yearly stack an observation of that day.
        let dated = try raster(tmp.file("ndvi_2024-06-01.tif"), descriptions: ["2001", "2002"])
        let single = try raster(tmp.file("annual.tif"), descriptions: ["2001"])
        for (input, period) in [(years, []), (years, ["--period", "year"]), (dated, []), (single, [])] {
            let r = try run(["stack", input] + period + ["-o", tmp.file("out.tif")], expect: 3)
            XCTAssertEqual(r.stderr, "kubuqi-monitor: error: \(input): band 1's description '2001' is a year, not a date: stack reduces observations "
                + "of one day and cannot place a period's value in time; use the file as it is (e.g. as ldn's [productivity] stack) or describe each "
                + "band by its date YYYY-MM-DD\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out.tif")))
        }
    }

    /// A single band described by a year in a file whose name has a date: read as before (the name's date).
    func testASingleYearBandWithADatedNameIsReadByItsName() throws {
        let tmp = try TemporaryFolder()
        let a = try raster(tmp.file("ndvi_2001-06-01.tif"), descriptions: ["2001"])
        let b = try raster(tmp.file("ndvi_2002-06-01.tif"), descriptions: ["2002"])
        try run(["stack", a, b, "-o", tmp.file("out.tif")])
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("out.tif")))
    }
}
