import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `DroughtJob` streamed in many small windows gives the same layers and
/// tables as in one window, and keeps its buffers within the budget.
final class DroughtJobTests: XCTestCase {
    func testSmallBudgetEqualsOneWindow() throws {
        let tmp = try TemporaryFolder()
        let width = 100, height = 70, months = 20 * 12
        let path = tmp.file("precip.tif")
        // Tiled and band-interleaved, as a large series should be (a striped input makes windows whole rows).
        let ds = try Dataset.create(path, width: width, height: height, bands: months, type: .float32,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "INTERLEAVE=BAND"]))
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        var r = SplitMix64(seed: 3)
        for t in 0..<months {
            let band = try ds.band(t + 1)
            band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-01")
            let values = (0..<(width * height)).map { p -> Float in
                r.unit() < 0.2 ? 0 : Float(-log(max(1e-12, r.unit())) * Double(10 + (p % width) / 5 + t % 12))
            }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: width, height: height), from: $0) }
        }
        try ds.close()
        let pop = try TestRaster.write(tmp.file("pop.tif"), width: width, height: height, values: (0..<(width * height)).map { Float($0 % 13) },
                                       transform: GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]), epsg: 4326,
                                       options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        func run(_ name: String, budget: Int) throws -> DroughtResult {
            var o = DroughtOptions(inputs: [path], outputFolder: tmp.file(name))
            o.scales = [3, 12]
            o.populations = [("total", pop)]
            o.memoryBudget = budget
            // The plain tiled GeoTIFF the window pass writes (a COG would be re-tiled in 256-pixel blocks).
            o.creationOptions = try CreationOptions(parsing: ["COG=NO"])
            return try DroughtJob.run(o)
        }
        let whole = try run("whole", budget: 1 << 30)
        // 64 x 64 tiles of 8 x 240 + 18 bytes per pixel: one tile per window, 2 windows across, 2 down.
        let small = try run("small", budget: 64 * 64 * (8 * months + 18))
        let memory = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: small.files["json"]!))) as? [String: Any])?["memory"] as? [String: Int])
        XCTAssertEqual(memory["windowPixels"], 64 * 64)
        XCTAssertLessThanOrEqual(memory["bufferBytes"]!, memory["budgetBytes"]!)
        // The same pixels in each class; the areas are summed in another order (1e-12 relative).
        for y in 0..<whole.years.count {
            for c in DroughtClass.allCases {
                XCTAssertEqual(whole.tally.area(year: y, c), small.tally.area(year: y, c), accuracy: 1e-12 * whole.tally.area(year: y, c) + 1e-9)
                XCTAssertEqual(whole.tally.people(year: y, c, layer: 0), small.tally.people(year: y, c, layer: 0))
            }
        }
        for key in ["hazard", "exposure"] {
            XCTAssertEqual(try String(contentsOfFile: whole.files[key]!, encoding: .utf8), try String(contentsOfFile: small.files[key]!, encoding: .utf8))
        }
        for key in ["spi-3", "classes"] {
            let a = try Dataset.open(whole.files[key]!), b = try Dataset.open(small.files[key]!)
            XCTAssertEqual(try b.band(1).blockSize.width, 64)
            for band in [1, a.bandCount / 2, a.bandCount] {
                let va = try a.band(band).read(Window(column: 0, row: 0, width: width, height: height))
                let vb = try b.band(band).read(Window(column: 0, row: 0, width: width, height: height))
                XCTAssertTrue(zip(va, vb).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(key) band \(band)")
            }
        }
        XCTAssertEqual(whole.years, Array(2002...2020))
    }
}
