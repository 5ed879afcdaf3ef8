// Benchmark inputs for `stack` (Scripts/bench/stack.sh): a folder of single-date Int16 NDVI files,
// the date in each name, as an archive of 16-day composites looks. Deterministic; each block is
// written once; every file is read back whole and compared with what was written (a benchmark on
// a broken input reports nonsense, so the generator stops with exit 1 instead).
import Dispatch
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The dates of `perYear` observations a year from 2001 on: day of year 1 + floor(i x 365 / perYear).
func seriesDates(perYear: Int, years: Int) -> [CalendarDate] {
    (0..<years).flatMap { y in (0..<perYear).map { i in CalendarDate(year: 2001 + y, dayOfYear: 1 + i * 365 / perYear)! } }
}

/// Writes `ndvi_YYYY-MM-DD.tif` for every date of `seriesDates`: SIZE x SIZE Int16 NDVI x 10000
/// (band scale 0.0001, nodata -32768), tiled 256 x 256, DEFLATE (predictor 2), UTM 49N 30 m.
/// Values: a landscape field + a seasonal cycle + noise of +-150; about 1 pixel in 16 is a cloud
/// (nodata) in blobs that move from date to date. Two files are written at a time.
func makeSeries(size: Int, perYear: Int, years: Int, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let dates = seriesDates(perYear: perYear, years: years)
    var field = [Float](repeating: 0, count: size * size)
    for i in field.indices {
        let (r, c) = (Double(i / size), Double(i % size))
        field[i] = Float(3000 + 1500 * sin(r / 150) * cos(c / 170) + 300 * sin((r + c) / 41))
    }
    let failures = ReadBackFailures()
    nonisolated(unsafe) let base = field
    DispatchQueue.concurrentPerform(iterations: dates.count) { k in
        do { try writeSeriesFile(k, date: dates[k], size: size, field: base, folder: folder) } catch { failures.add("\(error)") }
    }
    if let first = failures.first { throw KubuqiBenchError(first) }
    let written = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("ndvi_") && $0.hasSuffix(".tif") }
    guard written.count == dates.count else {
        throw KubuqiBenchError("\(folder): holds \(written.count) ndvi_*.tif files, expected \(dates.count) (remove it and generate again)")
    }
}

/// One date's file: written strip by strip (each 256-row strip once), then read back whole and compared.
private func writeSeriesFile(_ k: Int, date: CalendarDate, size: Int, field: [Float], folder: String) throws {
    let path = "\(folder)/ndvi_\(date).tif"
    let season = Float(1500 * sin(2 * Double.pi * Double(date.dayOfYear - 80) / 365))
    var rng = SplitMix64(seed: 16_000 + UInt64(k))
    var values = [Int16](repeating: 0, count: size * size)
    for i in values.indices {
        let (r, c) = (i / size, i % size)
        // Clouds: 64 x 64 cells whose hash with the date falls in 1 of 16.
        let cell = UInt64((r / 64) &* 7919 &+ (c / 64) &* 104_729 &+ k &* 15_485_863)
        if (cell &* 0x9E37_79B9_7F4A_7C15) >> 60 == 0 { values[i] = -32768; continue }
        let v = field[i] + season + Float(Int(rng.next() % 301) - 150)
        values[i] = Int16(max(-2000, min(10_000, v.rounded())))
    }
    let ds = try benchRaster(path, size: size, bands: 1, type: .int16, predictor: 2)
    let band = try ds.band(1)
    try band.setNodata(-32768)
    try band.setScale(0.0001, offset: 0)
    try values.withUnsafeBufferPointer { all in
        for strip in Window.strips(width: size, height: size, rows: 256) {
            let part = UnsafeBufferPointer(rebasing: all[(strip.row * size)..<((strip.row + strip.height) * size)])
            try band.write(strip, from: part)
        }
    }
    try ds.close()
    let back = try Dataset.open(path)
    guard back.width == size, back.height == size, back.bandCount == 1 else {
        throw KubuqiBenchError("\(path): reads back as \(back.width) x \(back.height) x \(back.bandCount), expected \(size) x \(size) x 1")
    }
    guard try back.band(1).nodata == -32768, try back.band(1).declaredScaling?.scale == 0.0001 else {
        throw KubuqiBenchError("\(path): nodata or scale not stored")
    }
    let read = try back.band(1).readInt16(Window(column: 0, row: 0, width: size, height: size))
    guard read == values else { throw KubuqiBenchError("\(path): does not read back as written") }
}

/// Errors of the generator's threads.
private final class ReadBackFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ m: String) { lock.lock(); messages.append(m); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return messages.first }
}
