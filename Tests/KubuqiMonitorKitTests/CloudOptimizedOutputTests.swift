import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// Overviews of published rasters: nearest for class rasters (a class is never averaged
/// into a code that means something else), average for values. Read back by GDAL in Python.
final class CloudOptimizedOutputTests: XCTestCase {
    func testClassOverviewsAreNearestAndValueOverviewsAverage() throws {
        let tmp = try TemporaryFolder()
        let n = 1024
        // A checkerboard of single pixels: -1/1 classes, 0/1 values. A 2x2 average is 0 and 0.5.
        let board = (0..<(n * n)).map { i in Float(((i / n) + (i % n)) % 2) }
        let classes = try TestRaster.write(tmp.file("classes.tif"), width: n, height: n, values: board.map { $0 * 2 - 1 }, type: .int16,
                                           nodata: -32768, options: ["TILED=YES"])
        try ClassLegend.attach(to: classes, entries: [.init(value: -1, name: "degraded", rgb: (200, 0, 0)), .init(value: 1, name: "improved", rgb: (0, 200, 0))])
        let values = try TestRaster.write(tmp.file("values.tif"), width: n, height: n, values: board, nodata: .nan, options: ["TILED=YES"])
        try CloudOptimizedOutput.rewrite(classes)
        try CloudOptimizedOutput.rewrite(values)
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal, osgeo_utils.samples.validate_cloud_optimized_geotiff") else { return }
        let script = #"""
import json, sys
import numpy as np
from osgeo import gdal
from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate
out = {}
for p in json.load(open(sys.argv[1])):
    ds = gdal.Open(p)
    ov = ds.GetRasterBand(1).GetOverview(0).ReadAsArray()
    rat = ds.GetRasterBand(1).GetDefaultRAT()
    out[p] = {"errors": validate(p)[1], "values": sorted(set(np.unique(ov).tolist())), "rat": rat.GetRowCount() if rat else 0}
json.dump(out, open(sys.argv[2], "w"))
"""#
        let out = try PythonReference.run(python, script: script, input: [classes, values]) as! [String: [String: Any]]
        XCTAssertEqual(out[classes]?["errors"] as? [String], [])
        XCTAssertEqual(out[values]?["errors"] as? [String], [])
        let classValues = out[classes]?["values"] as? [Double] ?? []
        XCTAssertFalse(classValues.isEmpty)
        XCTAssertTrue(Set(classValues).isSubset(of: [-1, 1]), "nearest: only the classes, never their average 0: \(classValues)")
        XCTAssertEqual(out[classes]?["rat"] as? Int, 2, "the legend survives the copy")
        XCTAssertEqual(out[values]?["values"] as? [Double], [0.5], "average of 0 and 1")
    }
}
