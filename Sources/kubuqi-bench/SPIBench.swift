// kubuqi-bench spi [SECONDS]                the SPI kernel alone, one core: pixel-months per second at scales 1, 3, 12
// kubuqi-bench make-precip SIZE YEARS FILE  a monthly precipitation series raster (bands dated YYYY-MM-15) from 2001
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Semi-arid monthly precipitation of `pixels` pixels over `months` months (month-major), with dry winters.
func precipitation(pixels: Int, months: Int, seed: UInt64) -> [Float] {
    var r = SplitMix64(seed: seed)
    let normal: [Double] = [1.5, 2.5, 7, 12, 25, 45, 90, 85, 40, 15, 4, 1.5]
    var out = [Float](repeating: 0, count: pixels * months)
    for t in 0..<months {
        let m = t % 12
        for p in 0..<pixels {
            if r.unit() < ([0, 1, 11].contains(m) ? 0.5 : 0.03) { continue }
            let e = -log(max(1e-12, r.unit())) - log(max(1e-12, r.unit()))
            out[t * pixels + p] = Float(normal[m] * (0.6 + 0.8 * Double(p % 97) / 97) * e / 2)
        }
    }
    return out
}

/// The calling thread's CPU time in seconds (robust when other processes share the cores).
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The SPI kernel on one core over a 4096-pixel, 30-year window, for `seconds` per scale.
func spiThroughput(seconds: Double) {
    let pixels = 4096, months = 360
    let values = precipitation(pixels: pixels, months: months, seed: 9)
    var out = [Float](repeating: 0, count: pixels * months)
    for (scale, estimator) in [(1, GammaFit.Estimator.thom), (3, .thom), (12, .thom), (12, .exact)] {
        let calc = SPICalculator(scale: scale, months: months, firstMonth: 1, calibration: 0..<months, estimator: estimator)
        var pixelMonths = 0
        let start = Date(), cpu0 = threadCPUSeconds()
        while Date().timeIntervalSince(start) < seconds {
            _ = values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { calc.run(values: v, stride: pixels, pixels: 0..<pixels, output: $0) } }
            pixelMonths += pixels * months
        }
        let wall = Double(pixelMonths) / Date().timeIntervalSince(start), cpu = Double(pixelMonths) / (threadCPUSeconds() - cpu0)
        print("spi kernel, scale \(scale), \(estimator.rawValue): \(String(format: "%.2f", cpu / 1e6)) million pixel-months per CPU second "
              + "(one thread; \(String(format: "%.2f", wall / 1e6)) per wall second on this machine's load)")
    }
}

/// Writes a SIZE x SIZE series raster of `years` years of monthly precipitation, tiled 256, DEFLATE.
func makePrecipitation(size: Int, years: Int, path: String) throws {
    var options = CreationOptions()
    for (k, v) in [("TILED", "YES"), ("BLOCKXSIZE", "256"), ("BLOCKYSIZE", "256"), ("COMPRESS", "DEFLATE"), ("PREDICTOR", "3"),
                   ("INTERLEAVE", "BAND"), ("BIGTIFF", "IF_SAFER")] { options.set(k, v) }
    let months = years * 12
    let ds = try Dataset.create(path, width: size, height: size, bands: months, type: .float32, options: options)
    try ds.setGeoTransform(GeoTransform([108.0, 0.05, 0, 41.0, 0, -0.05]))
    try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
    let strip = min(size, 256)
    for row in stride(from: 0, to: size, by: strip) {
        let w = Window(column: 0, row: row, width: size, height: min(strip, size - row))
        let values = precipitation(pixels: w.pixelCount, months: months, seed: UInt64(row + 1))
        for t in 0..<months {
            let band = try ds.band(t + 1)
            if row == 0 { band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-15") }
            try values.withUnsafeBufferPointer { try band.write(w, from: UnsafeBufferPointer(rebasing: $0[(t * w.pixelCount)..<((t + 1) * w.pixelCount)])) }
        }
    }
    try ds.close()
}
