// kubuqi-bench: inputs and in-memory measurements for Scripts/bench/run.sh.
//
//   kubuqi-bench make-pair SIZE OUTDIR   red.tif and nir.tif, SIZE x SIZE UInt16, tiled DEFLATE
//   kubuqi-bench kernel [SECONDS]        NDVI kernel throughput on cached 256x256 blocks, one core
import Foundation
import KubuqiGDAL
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

let args = CommandLine.arguments
switch args.count > 1 ? args[1] : "" {
case "make-pair" where args.count == 4:
    guard let size = Int(args[2]), size > 0 else { fatalError("SIZE must be a positive integer") }
    try makePair(size: size, folder: args[3])
case "kernel":
    kernelThroughput(seconds: args.count > 2 ? Double(args[2]) ?? 3 : 3)
default:
    FileHandle.standardError.write("usage: kubuqi-bench make-pair SIZE OUTDIR | kubuqi-bench kernel [SECONDS]\n".data(using: .utf8)!)
    exit(2)
}
