// Benchmark inputs for `change` and `ldn` (Scripts/bench/change.sh, ldn.sh): deterministic, written
// strip by strip so each block is written once, and checked after closing (a benchmark on a
// broken input reports nonsense, so a generator stops with an error instead).
import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Tiled 256 x 256 DEFLATE GeoTIFF options with `predictor`, BigTIFF when needed.
func benchOptions(predictor: Int) -> CreationOptions {
    var options = CreationOptions()
    for (k, v) in [("TILED", "YES"), ("BLOCKXSIZE", "256"), ("BLOCKYSIZE", "256"), ("COMPRESS", "DEFLATE"), ("ZLEVEL", "1"),
                   ("PREDICTOR", String(predictor)), ("NUM_THREADS", "ALL_CPUS"), ("BIGTIFF", "IF_SAFER")] { options.set(k, v) }
    return options
}

/// Creates a georeferenced (UTM 49N, 30 m) raster for a generator.
func benchRaster(_ path: String, size: Int, bands: Int, type: RasterDataType, predictor: Int) throws -> Dataset {
    let ds = try Dataset.create(path, width: size, height: size, bands: bands, type: type, options: benchOptions(predictor: predictor))
    try ds.setGeoTransform(GeoTransform([600_000, 30, 0, 4_500_000, 0, -30]))
    try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
    return ds
}

/// Reopens a written raster and checks its size, band count and the last strip's values
/// against what was written; throws (the generator exits 1) on any difference.
func verifyWritten(_ path: String, size: Int, bands: Int, lastStrip: Window, expected: (Int) -> [Float]) throws {
    let ds = try Dataset.open(path)
    guard ds.width == size, ds.height == size, ds.bandCount == bands else {
        throw KubuqiBenchError("\(path): reads back as \(ds.width) x \(ds.height) x \(ds.bandCount), expected \(size) x \(size) x \(bands)")
    }
    for b in 1...bands {
        var back = [Float](repeating: .nan, count: lastStrip.width * lastStrip.height)
        try back.withUnsafeMutableBufferPointer { try ds.band(b).read(lastStrip, into: $0) }
        let want = expected(b)
        guard back.elementsEqual(want, by: { $0 == $1 || ($0.isNaN && $1.isNaN) }) else {
            throw KubuqiBenchError("\(path): band \(b) does not read back as written (last strip)")
        }
    }
}

/// An error of a generator.
struct KubuqiBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A Float32 NDVI pair (before.tif, after.tif) as `index ndvi` writes it: landscape-like fields
/// plus per-pixel noise, the after date with patches of degradation and recovery.
func makeNDVIPair(size: Int, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let before = try benchRaster("\(folder)/before.tif", size: size, bands: 1, type: .float32, predictor: 3)
    let after = try benchRaster("\(folder)/after.tif", size: size, bands: 1, type: .float32, predictor: 3)
    var rng = SplitMix64(seed: 1313)
    var b = [Float](), a = [Float]()
    var last = Window(column: 0, row: 0, width: 0, height: 0)
    for strip in Window.strips(width: size, height: size, rows: 256) {
        b = [Float](repeating: 0, count: strip.width * strip.height); a = b
        for y in 0..<strip.height {
            let gy = Double(strip.row + y)
            for x in 0..<size {
                let gx = Double(x)
                let v = 0.35 + 0.2 * sin(gx / 700) * cos(gy / 900) + 0.1 * sin((gx + gy) / 130) + 0.05 * cos(gx / 37 - gy / 53)
                let noise = (Double(rng.next() % 2001) - 1000) / 50_000
                // Patches of change: degradation where a slow wave is high, recovery where another is.
                let patch = sin(gx / 211) * cos(gy / 173), patch2 = cos(gx / 157 + 1) * sin(gy / 241 + 2)
                let shift = (patch > 0.7 ? -0.15 : 0) + (patch2 > 0.75 ? 0.12 : 0)
                let noise2 = (Double(rng.next() % 2001) - 1000) / 50_000
                b[y * size + x] = Float(v + noise)
                a[y * size + x] = Float(v + shift + noise2)
            }
        }
        try b.withUnsafeBufferPointer { try before.band(1).write(strip, from: $0) }
        try a.withUnsafeBufferPointer { try after.band(1).write(strip, from: $0) }
        last = strip
    }
    try before.close()
    try after.close()
    try verifyWritten("\(folder)/before.tif", size: size, bands: 1, lastStrip: last) { _ in b }
    try verifyWritten("\(folder)/after.tif", size: size, bands: 1, lastStrip: last) { _ in a }
}

/// The inputs of an `ldn` run: the 25-year stack of `make-stack`, ESA CCI land cover of 2000
/// and 2024 (some cropland and grassland turned to bare land), SOC in t/ha, and ldn.toml with
/// Trends.Earth's 16-year windows (baseline 2000-2013, reporting 2014-2018 and 2019-2024).
func makeLDN(size: Int, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let stackPath = "\(folder)/stack.tif"
    if !FileManager.default.fileExists(atPath: stackPath) { try makeStack(size: size, path: stackPath) }
    let lc0 = try benchRaster("\(folder)/lc2000.tif", size: size, bands: 1, type: .int16, predictor: 2)
    let lc1 = try benchRaster("\(folder)/lc2024.tif", size: size, bands: 1, type: .int16, predictor: 2)
    let soc = try benchRaster("\(folder)/soc.tif", size: size, bands: 1, type: .int16, predictor: 2)
    try soc.band(1).setNodata(-32768)
    let codes: [Float] = [10, 30, 60, 110, 130, 190, 200, 210]
    var rng = SplitMix64(seed: 77)
    var c0 = [Float](), c1 = [Float](), s = [Float]()
    var last = Window(column: 0, row: 0, width: 0, height: 0)
    for strip in Window.strips(width: size, height: size, rows: 256) {
        let count = strip.width * strip.height
        c0 = [Float](repeating: 0, count: count); c1 = c0; s = c0
        for i in 0..<count {
            let (r, c) = (Double(strip.row + i / size), Double(i % size))
            let k = Int((2 + 2 * sin(r / 97) + 2 * cos(c / 113) + 1.5 * sin((r + c) / 41)).rounded()).clamped(0, codes.count - 1)
            c0[i] = codes[k]
            // Bare land (200) spreading where a slow wave is high, some water (210) appearing.
            c1[i] = sin(r / 301) * cos(c / 277) > 0.8 && k < 5 ? 200 : (rng.next() % 500 == 0 ? 210 : codes[k])
            s[i] = Float(20 + (r + c).truncatingRemainder(dividingBy: 40) + Double(rng.next() % 10))
        }
        try c0.withUnsafeBufferPointer { try lc0.band(1).write(strip, from: $0) }
        try c1.withUnsafeBufferPointer { try lc1.band(1).write(strip, from: $0) }
        try s.withUnsafeBufferPointer { try soc.band(1).write(strip, from: $0) }
        last = strip
    }
    for ds in [lc0, lc1, soc] { try ds.close() }
    try verifyWritten("\(folder)/lc2000.tif", size: size, bands: 1, lastStrip: last) { _ in c0 }
    try verifyWritten("\(folder)/lc2024.tif", size: size, bands: 1, lastStrip: last) { _ in c1 }
    try verifyWritten("\(folder)/soc.tif", size: size, bands: 1, lastStrip: last) { _ in s }
    let config = """
    # kubuqi-bench make-ldn \(size): Trends.Earth's 16-year windows
    [productivity]
    stack = "stack.tif"
    scale = 0.0001

    [landcover]
    maps = { 2000 = "lc2000.tif", 2024 = "lc2024.tif" }

    [soc]
    baseline = "soc.tif"
    climate = "temperate-dry"

    [periods]
    baseline = [2000, 2013]
    reporting = [[2014, 2018], [2019, 2024]]

    [windows]
    preset = "trends-earth"

    """
    try config.write(toFile: "\(folder)/ldn.toml", atomically: true, encoding: .utf8)
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}
