// kubuqi-bench: inputs and in-memory measurements for Scripts/bench/run.sh.
//
//   kubuqi-bench make-pair SIZE OUTDIR   red.tif and nir.tif, SIZE x SIZE UInt16, tiled DEFLATE
//   kubuqi-bench kernel [SECONDS]        NDVI kernel throughput on cached 256x256 blocks, one core
//   kubuqi-bench make-stack SIZE FILE    a 25-year (2000-2024) Int16 NDVI x 10000 stack, SIZE x SIZE
//   kubuqi-bench make-ndvi-pair SIZE OUTDIR  before.tif and after.tif, Float32 NDVI (change's inputs)
//   kubuqi-bench make-ldn SIZE OUTDIR    stack.tif (as make-stack), land cover, SOC and ldn.toml
//   kubuqi-bench make-series SIZE DATES_PER_YEAR YEARS DIR  single-date Int16 NDVI files ndvi_YYYY-MM-DD.tif
//                                        from 2001 (stack's benchmark inputs, SeriesInputs.swift)
//   kubuqi-bench patches LABELS OUT.gpkg  the patch GeoPackage of a label raster alone (PatchBench.swift)
//   kubuqi-bench trend FILE OUT.f32      Theil-Sen slope and Mann-Kendall Z of every pixel on all cores;
//                                        writes slope then Z as raw float32 (for the NumPy comparison)
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Writes a red/NIR pair with landscape-like structure (smooth fields of
/// several scales) plus per-pixel noise, so DEFLATE has real work to do.
func makePair(size: Int, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var options = CreationOptions()
    for (k, v) in [("TILED", "YES"), ("BLOCKXSIZE", "512"), ("BLOCKYSIZE", "512"), ("COMPRESS", "DEFLATE"),
                   ("PREDICTOR", "2"), ("NUM_THREADS", "ALL_CPUS"), ("BIGTIFF", "IF_SAFER")] { options.set(k, v) }
    let transform = GeoTransform([600_000, 10, 0, 4_500_000, 0, -10])
    let wkt = SpatialReference(epsg: 32649)!.wkt2
    let red = try Dataset.create("\(folder)/red.tif", width: size, height: size, bands: 1, type: .uint16, options: options)
    let nir = try Dataset.create("\(folder)/nir.tif", width: size, height: size, bands: 1, type: .uint16, options: options)
    for ds in [red, nir] {
        try ds.setGeoTransform(transform)
        try ds.setProjection(wkt)
        try ds.band(1).setNodata(0)
    }
    var rng = SplitMix64(seed: 42)
    let rows = 512
    var r = [Float](repeating: 0, count: size * rows), n = r
    for strip in Window.strips(width: size, height: size, rows: rows) {
        for y in 0..<strip.height {
            let gy = Double(strip.row + y)
            for x in 0..<size {
                let gx = Double(x)
                // Vegetation fraction from overlapping waves of several wavelengths.
                let v = 0.5 + 0.25 * sin(gx / 700) * cos(gy / 900) + 0.15 * sin((gx + gy) / 130) + 0.1 * cos(gx / 37 - gy / 53)
                let noise = Double(rng.next() % 400) - 200
                r[y * size + x] = Float(max(1, 2600 - 1800 * v + noise))
                n[y * size + x] = Float(max(1, 1800 + 2600 * v + noise * 1.5))
            }
        }
        try r.withUnsafeBufferPointer { try red.band(1).write(strip, from: $0) }
        try n.withUnsafeBufferPointer { try nir.band(1).write(strip, from: $0) }
    }
    try red.close()
    try nir.close()
}

/// Runs the NDVI kernel on two cached 256x256 blocks for `seconds`; prints pixels per second.
func kernelThroughput(seconds: Double) {
    let count = 256 * 256
    var rng = SplitMix64(seed: 7)
    let red = (0..<count).map { _ in Float(rng.next() % 4000 + 1) }
    let nir = (0..<count).map { _ in Float(rng.next() % 6000 + 1) }
    var out = [Float](repeating: 0, count: count)
    var pixels = 0
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
        for _ in 0..<100 {
            red.withUnsafeBufferPointer { r in
                nir.withUnsafeBufferPointer { n in
                    out.withUnsafeMutableBufferPointer { o in NDVI.apply(nir: n, nirNodata: 0, red: r, redNodata: 0, into: o) }
                }
            }
            pixels += count
        }
    }
    let elapsed = Date().timeIntervalSince(start)
    print(String(format: "kernel ndvi: %.3f Gpixel/s on one core (%d pixels in %.2f s, checksum %.3f)",
                 Double(pixels) / elapsed / 1e9, pixels, elapsed, out.reduce(0, +)))
}

/// A 25-band NDVI stack with trends, steps and noise (so ties and real trends both occur).
///
/// Written strip by strip (256 rows, the block height), every band of a strip before the next
/// strip, so each block of the pixel-interleaved file is written once and memory stays at a
/// few strips whatever SIZE is; BigTIFF when the file may pass 4 GiB.
func makeStack(size: Int, path: String) throws {
    var options = CreationOptions()
    for (k, v) in [("TILED", "YES"), ("COMPRESS", "DEFLATE"), ("PREDICTOR", "2"), ("NUM_THREADS", "ALL_CPUS"),
                   ("BIGTIFF", "IF_SAFER")] { options.set(k, v) }
    let years = 25
    let ds = try Dataset.create(path, width: size, height: size, bands: years, type: .int16, options: options)
    try ds.setGeoTransform(GeoTransform([600_000, 30, 0, 4_500_000, 0, -30]))
    try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
    for year in 0..<years { try ds.band(year + 1).setDescription(String(2000 + year)) }
    var rng = SplitMix64(seed: 2025)
    for strip in Window.strips(width: size, height: size, rows: 256) {
        let count = strip.width * strip.height
        var base = [Float](repeating: 0, count: count), trend = base, values = base
        for i in 0..<count {
            let (r, c) = (Double(strip.row + i / size), Double(i % size))
            base[i] = Float(3000 + 1500 * sin(r / 150) * cos(c / 170))
            trend[i] = Float((Double(rng.next() % 201) - 100) * (sin(c / 90) > 0.3 ? 1 : 0.05))
        }
        for year in 0..<years {
            for i in 0..<count { values[i] = (base[i] + trend[i] * Float(year) + Float(rng.next() % 301) - 150).rounded() }
            try values.withUnsafeBufferPointer { try ds.band(year + 1).write(strip, from: $0) }
        }
    }
    try ds.close()
    // Read back: size, bands and every band's year (the last strip's values are checked by make-ldn's inputs).
    let back = try Dataset.open(path)
    guard back.width == size, back.height == size, back.bandCount == years else {
        throw KubuqiBenchError("\(path): reads back as \(back.width) x \(back.height) x \(back.bandCount), expected \(size) x \(size) x \(years)")
    }
    for year in 0..<years where try back.band(year + 1).bandDescription != String(2000 + year) {
        throw KubuqiBenchError("\(path): band \(year + 1) is not named \(2000 + year)")
    }
    var last = [Float](repeating: .nan, count: size)
    let lastRow = Window(column: 0, row: size - 1, width: size, height: 1)
    try last.withUnsafeMutableBufferPointer { try back.band(years).read(lastRow, into: $0) }
    guard last.contains(where: { $0 != 0 }) else { throw KubuqiBenchError("\(path): the last row of band \(years) was not written") }
}

/// Times TrendBatch over the whole stack (read into memory first; the read is not timed).
func trend(path: String, output: String) throws {
    let ds = try Dataset.open(path)
    let n = ds.width * ds.height
    let all = Window(column: 0, row: 0, width: ds.width, height: ds.height)
    var stack = [Float](repeating: 0, count: n * ds.bandCount)
    try stack.withUnsafeMutableBufferPointer { p in
        for b in 0..<ds.bandCount { try ds.band(b + 1).read(all, into: UnsafeMutableBufferPointer(rebasing: p[(b * n)..<((b + 1) * n)])) }
    }
    var slope = [Float](repeating: 0, count: n), z = slope
    let batch = TrendBatch(years: (0..<ds.bandCount).map { Double(2000 + $0) })
    let start = Date()
    stack.withUnsafeBufferPointer { st in
        slope.withUnsafeMutableBufferPointer { sl in
            z.withUnsafeMutableBufferPointer { zz in
                batch.runConcurrently(stack: st, pixelCount: n, chunks: 64, slope: sl, z: zz)
            }
        }
    }
    let elapsed = Date().timeIntervalSince(start)
    print(String(format: "trend: %d pixels x %d years in %.3f s on %d cores (%.2f Mpixel/s)", n, ds.bandCount, elapsed,
                 ProcessInfo.processInfo.activeProcessorCount, Double(n) / elapsed / 1e6))
    var data = Data()
    slope.withUnsafeBytes { data.append(contentsOf: $0) }
    z.withUnsafeBytes { data.append(contentsOf: $0) }
    try data.write(to: URL(fileURLWithPath: output))
}

/// Prints an error on one line and exits 1 (a top-level `try` would trap with exit 132).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write("kubuqi-bench: error: \(message)\n".data(using: .utf8)!)
    exit(1)
}

let args = CommandLine.arguments
do {
switch args.count > 1 ? args[1] : "" {
case "make-pair" where args.count == 4:
    guard let size = Int(args[2]), size > 0, size <= 100_000 else { fail("SIZE must be an integer from 1 to 100000") }
    try makePair(size: size, folder: args[3])
case "make-stack" where args.count == 4:
    guard let size = Int(args[2]), size > 0, size <= 100_000 else { fail("SIZE must be an integer from 1 to 100000") }
    try makeStack(size: size, path: args[3])
case "make-ndvi-pair" where args.count == 4:
    guard let size = Int(args[2]), size > 0, size <= 100_000 else { fail("SIZE must be an integer from 1 to 100000") }
    try makeNDVIPair(size: size, folder: args[3])
case "make-ldn" where args.count == 4:
    guard let size = Int(args[2]), size > 0, size <= 100_000 else { fail("SIZE must be an integer from 1 to 100000") }
    try makeLDN(size: size, folder: args[3])
case "trend" where args.count == 4:
    try trend(path: args[2], output: args[3])
case "spi":
    spiThroughput(seconds: args.count > 2 ? Double(args[2]) ?? 3 : 3)
case "make-precip" where args.count == 5:
    guard let size = Int(args[2]), (1...100_000).contains(size), let years = Int(args[3]), (1...200).contains(years) else { fail("SIZE 1-100000, YEARS 1-200") }
    try makePrecipitation(size: size, years: years, path: args[4])
case "make-series" where args.count == 6:
    guard let size = Int(args[2]), (1...100_000).contains(size), let perYear = Int(args[3]), (1...365).contains(perYear),
          let years = Int(args[4]), (1...200).contains(years) else { fail("SIZE 1-100000, DATES_PER_YEAR 1-365, YEARS 1-200") }
    try makeSeries(size: size, perYear: perYear, years: years, folder: args[5])
case "patches" where args.count == 4:
    try patchBench(labels: args[2], output: args[3])
case "kernel":
    kernelThroughput(seconds: args.count > 2 ? Double(args[2]) ?? 3 : 3)
default:
    FileHandle.standardError.write("usage: kubuqi-bench make-pair SIZE OUTDIR | kernel [SECONDS] | make-stack SIZE FILE | make-ndvi-pair SIZE OUTDIR | make-ldn SIZE OUTDIR | trend FILE OUT.f32 | spi [SECONDS] | make-precip SIZE YEARS FILE | make-series SIZE DATES_PER_YEAR YEARS DIR | patches LABELS OUT.gpkg\n".data(using: .utf8)!)
    exit(2)
}
} catch {
    fail("\(error)")
}
