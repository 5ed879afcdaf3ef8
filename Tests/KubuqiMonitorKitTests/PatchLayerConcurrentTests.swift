import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` publishes several periods at once (`LDNPeriodPublisher`): patch GeoPackages of the same name
/// (`sdg-15-3-1-patches.gpkg`, one per period folder) are written side by side into one work folder,
/// each with the polygons and areas of its own raster.
final class PatchLayerConcurrentTests: XCTestCase {
    func testGeoPackagesOfOneNameWrittenAtOnceKeepTheirOwnPatches() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let side = 400   // large enough that the four jobs overlap in time
        // Period k: k + 1 degraded squares of 3 x 3 pixels and one improved pixel, apart from each other.
        var rasters: [String] = []
        for k in 0..<4 {
            var v = [Float](repeating: 0, count: side * side)
            for s in 0...k { for r in 0..<3 { for c in 0..<3 { v[(2 + r) * side + 5 * s + 1 + c] = -1 } } }
            v[300 * side + 300] = 1
            try FileManager.default.createDirectory(atPath: tmp.file("p\(k)"), withIntermediateDirectories: true)
            rasters.append(try TestRaster.write(tmp.file("p\(k)/sdg-15-3-1.tif"), width: side, height: side, values: v, type: .int16))
        }
        let byCode = try ConcurrentSteps.results(rasters.map { raster in {
            try PatchLayer.write(classRaster: raster, legend: LDNLegend.status, wanted: [-1, 1], zones: nil, units: .ldnTables,
                                 to: (raster as NSString).deletingPathExtension + "-patches.gpkg", layer: "patches", work: work, quiet: true)
        } })
        // A 30 m UTM pixel: about 900 m2, varying by a few 10⁻³ m2 across the grid; the squares differ by 9 pixels.
        let pixel = try XCTUnwrap(GridAreas(grid: try Dataset.open(rasters[0]).grid).areas(row: 2, columns: 1..<2).first)
        for (k, areas) in byCode.enumerated() {
            XCTAssertEqual(areas[-1] ?? 0, Double(9 * (k + 1)) * pixel, accuracy: 1, "period \(k)")
            XCTAssertEqual(areas[1] ?? 0, pixel, accuracy: 1, "period \(k)")
            let rows = try VectorTable.read(path: (rasters[k] as NSString).deletingPathExtension + "-patches.gpkg").rows
            XCTAssertEqual(rows.count, k + 2, "period \(k): \(k + 1) degraded squares and one improved pixel")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "no scratch file left")
    }
}
