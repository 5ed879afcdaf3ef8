import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `stack`'s OUT.tif and OUT.count.tif, laid out from tiles encoded by `AveragedTileRows` (docs/publishing.md,
/// "stack's OUT.tif and OUT.count.tif"), against GDAL's COG driver's copy of the same rasters written with
/// `--co COG=NO` (``CloudOptimizedReference``, in Python): every band's pixels at every level (AVERAGE overviews
/// with NaN and -32768 nodata), `gdalinfo` (band descriptions, scale, metadata, nodata, georeferencing), tags and
/// inflated tiles; Float32 and Int16 x 10000, a grid with partial edge tiles at every level; the tiles encoded during
/// the last period's pass (``StagedAveragingFeed``).
final class StackPublishedCOGTests: XCTestCase {
    func testOutputsAreGDALsCOGs() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let scenes = try TemporaryFolder(), ours = try TemporaryFolder(), plain = try TemporaryFolder(), gdal = try TemporaryFolder()
        let (w, h) = (600, 520)   // levels 300 x 260 and 150 x 130: partial tiles everywhere
        var rng = SplitMix64(seed: 11)
        for year in 2001...2002 {
            for m in stride(from: 1, through: 12, by: 2) {
                let values = (0..<(w * h)).map { i -> Float in
                    // Nodata holes, a corner never valid (NaN / -32768 blocks in the overviews).
                    (i % w < 50 && i / w < 50) || rng.next() % 4 == 0 ? -9999 : Float(rng.next() % 10_000) / 10_000
                }
                try TestRaster.write(scenes.file("ndvi_\(year)-\(m < 10 ? "0" : "")\(m)-15.tif"), width: w, height: h, values: values, nodata: -9999)
            }
        }
        let files = try scenes.contents().map(scenes.file)
        var cases: [[String: String]] = []
        // The median needs a pixel's whole series: windows instead of strips, fed window by window.
        for (encoding, reducer) in [(IndexEncoding.float32, SeriesReducer.mean), (.int16, .mean), (.float32, .median)] {
            let name = "stack-\(encoding.rawValue)-\(reducer).tif"
            // 8 MB: strips of 256 full-width rows (2 and a partial one), so the COG tiles are encoded while the last
            // period is still read (StagedAveragingFeed), strip by strip.
            let o = StackOptions(inputs: files, output: ours.file(name), reducer: reducer, minimumCoverage: 0, encoding: encoding,
                                 memoryBudget: 8 << 20)
            var p = StackOptions(inputs: files, output: plain.file(name), reducer: reducer, minimumCoverage: 0, encoding: encoding,
                                 creationOptions: try CreationOptions(parsing: ["COG=NO"]))
            p.quiet = true
            let a = try StackJob.run(o), b = try StackJob.run(p)
            for (x, y, values) in [(a.path, b.path, encoding), (a.countPath, b.countPath, IndexEncoding.int16)] {
                let reference = gdal.file((y as NSString).lastPathComponent)
                try CloudOptimizedGeoTIFF.copy(y, to: reference, creationOptions: RasterOutputSpec.defaultCreationOptions(for: values), resampling: "AVERAGE")
                // Laid out by our writer, not by GDAL's driver: libtiff places the tag values in another order.
                XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: x)), try Data(contentsOf: URL(fileURLWithPath: reference)), x)
                cases.append(["ours": x, "gdal": reference])
            }
        }
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }
}
