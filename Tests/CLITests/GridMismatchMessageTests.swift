import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Issue 14 item 9: a grid mismatch names the offending file first and gives its own size first
/// ("small.tif: not on the grid of big.tif: size 4x2 vs 8x2"), in index, change and ldn.
final class GridMismatchMessageTests: CLITestCase {
    func assertMessage(_ args: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLIRunner.run(args)
        XCTAssertEqual(r.status, 3, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), "expected '\(expected)' in: \(r.stderr)", file: file, line: line)
    }

    func testSizesAreGivenInTheOrderTheFilesAreNamed() throws {
        let tmp = try TemporaryFolder()
        let big = try TestRaster.write(tmp.file("big.tif"), width: 8, height: 2, values: Array(repeating: 0.5, count: 16))
        let small = try TestRaster.write(tmp.file("small.tif"), width: 4, height: 2, values: Array(repeating: 0.4, count: 8))
        // index: every band is checked against the first the index reads (NDVI: nir, then red).
        try assertMessage(["index", "ndvi", "--red", big, "--nir", small, "-o", tmp.file("i.tif")],
                          "big.tif: not on the grid of \(small): size 8x2 vs 4x2")
        try assertMessage(["index", "ndvi", "--red", small, "--nir", big, "-o", tmp.file("i.tif")],
                          "small.tif: not on the grid of \(big): size 4x2 vs 8x2")
        // change without --align: the after raster against the before raster.
        try FileManager.default.createDirectory(atPath: tmp.file("c"), withIntermediateDirectories: true)
        try assertMessage(["change", "--before", big, "--after", small, "-o", tmp.file("c")],
                          "small.tif: not on the grid of \(big): size 4x2 vs 8x2; give --align")
        // change --zones with a zone raster on another grid: the zone raster's size first.
        let big2 = try TestRaster.write(tmp.file("big2.tif"), width: 8, height: 2, values: (0..<16).map { 0.3 + 0.02 * Float($0) })
        try assertMessage(["change", "--before", big, "--after", big2, "--zones", small, "-o", tmp.file("c")],
                          "small.tif: the zone raster is not on the analysis grid: size 4x2 vs 8x2")
        // ldn: an input against the productivity stack (4x2).
        _ = try LDNTestRegion.write(tmp)
        try TestRaster.write(tmp.file("soc.tif"), width: 8, height: 2, values: Array(repeating: 40, count: 16))
        let config = try LDNTestRegion.config(tmp, extra: "")
        try assertMessage(["ldn", "--config", config, "--check"], "soc.tif: not on the grid of \(tmp.file("ndvi.tif")): size 8x2 vs 4x2")
    }
}
