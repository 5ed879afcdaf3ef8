import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `stack --grid` reads inputs on other grids through GDAL's warper: every
/// pixel, the edges of the source included (first and last row and column,
/// a source edge on a target grid line, pixel centres on source edges),
/// must equal `gdalwarp` with the same target extent, size and resampling,
/// an independent run of the warper from the command line.
final class StackWarpEdgeTests: CLITestCase {
    /// A source raster and a target grid (north-up: origin x, top y, pixel size, size).
    struct Geometry {
        var name: String
        var source: (x: Double, y: Double, size: Double, width: Int, height: Int)
        var target: (x: Double, y: Double, size: Double, width: Int, height: Int)
        var epsg = 32649
    }

    static let geometries: [Geometry] = [
        // The target one pixel larger on every side: the source's first and last rows and columns inside it.
        Geometry(name: "larger", source: (600_000, 4_470_000, 30, 5, 4), target: (599_970, 4_470_030, 30, 7, 6)),
        // The target ends on the source's right and bottom edges: its last column and row are the source's.
        Geometry(name: "ends-on-edge", source: (600_000, 4_470_000, 30, 5, 4), target: (599_940, 4_470_060, 30, 7, 6)),
        // The target starts inside: its first column and row are the source's second.
        Geometry(name: "starts-inside", source: (600_000, 4_470_000, 30, 5, 4), target: (600_030, 4_469_970, 30, 5, 4)),
        // Coarsening 10 m onto 30 m and refining 30 m onto 10 m, edges on target grid lines.
        Geometry(name: "10-onto-30", source: (600_000, 4_470_000, 10, 12, 9), target: (599_970, 4_470_030, 30, 6, 5)),
        Geometry(name: "30-onto-10", source: (600_000, 4_470_000, 30, 4, 3), target: (599_990, 4_470_010, 10, 14, 11)),
        // Half a pixel off: target pixel centres fall on source pixel edges.
        Geometry(name: "half-pixel", source: (600_000, 4_470_000, 30, 5, 4), target: (599_985, 4_470_015, 30, 6, 5)),
        // A geographic grid of 0.00025 degrees (edges not exact in binary).
        Geometry(name: "geographic", source: (110.0, 40.0, 0.00025, 9, 7), target: (109.99975, 40.00025, 0.00025, 11, 9), epsg: 4326),
    ]

    func testWarpedInputsEqualGdalwarpUpToTheEdges() throws {
        let tmp = try TemporaryFolder()
        var runs: [(Geometry, Resampling)] = []
        for g in Self.geometries { for m in [Resampling.nearest, .bilinear] { runs.append((g, m)) } }
        for g in Self.geometries where ["larger", "10-onto-30"].contains(g.name) { for m in [Resampling.cubic, .average, .mode] { runs.append((g, m)) } }
        for (g, method) in runs {
            let folder = tmp.file("\(g.name)-\(method.rawValue)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            let s = g.source, t = g.target
            // Distinct values per pixel (1..n / 100), so a pixel taken from the wrong column shows.
            let values = (0..<(s.width * s.height)).map { Float(($0 * 37) % 97 + 1) / 100 }
            let source = try TestRaster.write(folder + "/ndvi_2001-06-15.tif", width: s.width, height: s.height, values: values, nodata: -9999,
                                              transform: GeoTransform([s.x, s.size, 0, s.y, 0, -s.size]), epsg: g.epsg)
            let grid = try TestRaster.write(folder + "/grid.tif", width: t.width, height: t.height, values: [Float](repeating: 0, count: t.width * t.height),
                                            transform: GeoTransform([t.x, t.size, 0, t.y, 0, -t.size]), epsg: g.epsg)
            let ours = folder + "/out/stack.tif"
            try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: false)
            try run(["stack", source, "--grid", grid, "--resampling", method.rawValue, "--reducer", "max", "--min-coverage", "0", "-o", ours, "-q"])
            let reference = folder + "/gdalwarp.tif"
            let status = try Self.gdalwarp(["-q", "-r", method == .nearest ? "near" : method.rawValue,
                                            "-te", "\(t.x)", "\(t.y - Double(t.height) * t.size)", "\(t.x + Double(t.width) * t.size)", "\(t.y)",
                                            "-ts", "\(t.width)", "\(t.height)", "-ot", "Float32", "-dstnodata", "nan", source, reference])
            XCTAssertEqual(status, 0, "gdalwarp (gdal-bin, installed by Scripts/setup.sh) failed")
            let a = try TestRaster.read(ours), b = try TestRaster.read(reference)
            XCTAssertEqual(a.count, b.count)
            var wrong: [String] = []
            for i in a.indices where !((a[i].isNaN && b[i].isNaN) || abs(a[i] - b[i]) <= 1e-6) {
                wrong.append("(row \(i / t.width), column \(i % t.width)): \(a[i]) vs gdalwarp \(b[i])")
            }
            XCTAssertTrue(wrong.isEmpty, "\(g.name), \(method.rawValue): \(wrong.count) pixels differ from gdalwarp: \(wrong.prefix(6).joined(separator: "; "))")
            XCTAssertGreaterThan(a.filter { !$0.isNaN }.count, 0, "\(g.name), \(method.rawValue): no valid pixel at all")
        }
    }

    static func gdalwarp(_ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gdalwarp"] + arguments
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
