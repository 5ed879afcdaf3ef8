import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// COG copies compute their overviews in chunks of at most 1 MiB (``CloudOptimizedOutput/overviewChunkBytes``:
/// memory that does not grow with the raster's width). The chunking must not change a pixel: every
/// overview level of the tool's COG equals that of GDAL's COG driver run in Python with its default chunks,
/// for a class raster (nearest) and a value raster (average) wide enough to be cut into several chunks.
final class COGOverviewChunkTests: XCTestCase {
    func testOverviewsMatchGDALsDefaultChunks() throws {
        let tmp = try TemporaryFolder()
        let (w, h) = (1800, 1300)   // 9.4 MB of Float32: several 1 MiB chunks, one chunk with GDAL's default
        XCTAssertGreaterThan(w * h * 4, 4 * CloudOptimizedOutput.overviewChunkBytes)
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let values = (0..<(w * h)).map { _ in Float(next() % 10_000) / 1000 }
        let codes = values.map { Float(Int($0) % 3 - 1) }
        let classes = try TestRaster.write(tmp.file("classes.tif"), width: w, height: h, values: codes, type: .int16,
                                           nodata: -32768, options: ["TILED=YES"])
        try ClassLegend.attach(to: classes, entries: [.init(value: -1, name: "degraded", rgb: (200, 0, 0)),
                                                      .init(value: 0, name: "stable", rgb: (200, 200, 200)),
                                                      .init(value: 1, name: "improved", rgb: (0, 200, 0))])
        let floats = try TestRaster.write(tmp.file("values.tif"), width: w, height: h, values: values, nodata: .nan, options: ["TILED=YES"])
        // The references first, from the raw sources, with GDAL's default chunk and the same COG options.
        var cases: [[String: Any]] = []
        for (path, encoding) in [(classes, IndexEncoding.classes), (floats, IndexEncoding.float32)] {
            let gtiff = RasterOutputSpec.defaultCreationOptions(for: encoding)
            let cog = try CloudOptimizedGeoTIFF.options(from: gtiff, resampling: CloudOptimizedGeoTIFF.resampling(classes: encoding == .classes))
            cases.append(["source": path, "reference": path + ".reference.tif", "options": cog.strings])
        }
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else {
            throw XCTSkip("python3 with numpy and GDAL's bindings")
        }
        let make = #"""
import json, sys
from osgeo import gdal
gdal.UseExceptions()
for c in json.load(open(sys.argv[1])):
    gdal.SetConfigOption("ZSTD_LEVEL_OVERVIEW", "1")
    gdal.Translate(c["reference"], c["source"], format="COG", creationOptions=c["options"])
json.dump([], open(sys.argv[2], "w"))
"""#
        _ = try PythonReference.run(python, script: make, input: cases)
        try CloudOptimizedOutput.rewrite(classes)
        try CloudOptimizedOutput.rewrite(floats)
        let compare = #"""
import json, sys
import numpy as np
from osgeo import gdal
out = []
for c in json.load(open(sys.argv[1])):
    da, db = gdal.Open(c["source"]), gdal.Open(c["reference"])   # kept: a band outlives no dataset
    a, b = da.GetRasterBand(1), db.GetRasterBand(1)
    levels = [(a, b)] + [(a.GetOverview(k), b.GetOverview(k)) for k in range(a.GetOverviewCount())]
    differing = [int(np.sum(~((x.ReadAsArray() == y.ReadAsArray()) | (np.isnan(x.ReadAsArray()) & np.isnan(y.ReadAsArray())))))
                 for x, y in levels]
    out.append({"levels": len(levels), "reference_levels": b.GetOverviewCount() + 1, "differing": differing})
json.dump(out, open(sys.argv[2], "w"))
"""#
        let results = try PythonReference.run(python, script: compare, input: cases) as! [[String: Any]]
        for (k, r) in results.enumerated() {
            let levels = r["levels"] as? Int ?? 0
            XCTAssertGreaterThanOrEqual(levels, 3, "case \(k): overviews made")
            XCTAssertEqual(levels, r["reference_levels"] as? Int, "case \(k): as many overview levels as GDAL's")
            XCTAssertEqual(r["differing"] as? [Int], Array(repeating: 0, count: levels), "case \(k): pixels differing per level")
        }
    }
}
