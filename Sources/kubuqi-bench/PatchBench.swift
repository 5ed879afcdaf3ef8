import Foundation
import KubuqiGDAL

/// `kubuqi-bench patches LABELS OUT.gpkg`: the patch GeoPackage of a label raster (0 = no patch) as `ldn` and
/// `change` write it (``PatchPolygons/polygonizeOnce(labels:into:layer:grid:scratch:moreFields:attributes:)``, each
/// patch's area summed from its pixels' true areas), alone, for profiling the patch layer; prints the patches and the CPU-s.
func patchBench(labels: String, output: String) throws {
    let grid = try Dataset.open(labels).grid
    let areas = GridAreas(grid: grid)
    let pixelAreas = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, grid.width))
    defer { pixelAreas.deallocate() }
    let start = cpuSeconds()
    let count = try PatchPolygons.polygonizeOnce(labels: labels, into: output, layer: "patches", grid: grid,
                                                 scratch: output + ".scratch.fgb") { label, _, runs in
        var sum = 0.0
        for run in runs {
            areas.areas(row: run.row, columns: run.columns, into: pixelAreas)
            for i in 0..<run.columns.count { sum += pixelAreas[i] }
        }
        return PatchPolygons.Attributes(code: label % 16 - 8, name: label % 16 - 8 < 0 ? "Degraded" : "Improved", zone: "",
                                        squareMetres: sum, more: [])
    }
    print("\(count) patches, \(String(format: "%.2f", cpuSeconds() - start)) CPU-s")
}

/// This process's CPU time (user + system) in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
