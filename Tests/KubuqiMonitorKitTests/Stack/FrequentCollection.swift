import Foundation
import KubuqiIndicators
import KubuqiRaster
import TestSupport

/// A synthetic collection of about 75 dates a year (every 4 to 6 days) of single-date Float32 files,
/// a sixth of the pixels nodata (-9999) at random, for the tests whose periods need more files than
/// the window pass holds open at once (``StackOpenGroupsTests``, ``StackStripTests``).
enum FrequentCollection {
    /// Writes `prefix_YYYY-MM-DD.tif` files in `folder` for the dates from `first` to `last`, `width` x
    /// `height` pixels; pixel `p` in month `m` may be valid only where `allowed(p, m)` (then valid five
    /// times in six). Returns the dates and each date's values (nil: nodata), for the numpy reference.
    static func write(in folder: TemporaryFolder, prefix: String, width: Int, height: Int, seed: UInt64,
                      first: CalendarDate, last: CalendarDate, options: [String] = [],
                      allowed: (_ pixel: Int, _ month: Int) -> Bool) throws -> (dates: [String], values: [[Float?]]) {
        var rng = SplitMix64(seed: seed)
        var dates: [String] = []
        var day = first.dayNumber
        while day <= last.dayNumber {
            dates.append(CalendarDate(dayNumber: day).description)
            day += 4 + Int(rng.next() % 3)
        }
        var values: [[Float?]] = []
        for (k, d) in dates.enumerated() {
            let m = Int(d.split(separator: "-")[1])!
            var row: [Float?] = []
            for p in 0..<(width * height) {
                let u = Float(rng.next() % 100_000) / 100_000
                let valid = allowed(p, m) && rng.next() % 6 != 0
                row.append(valid ? -0.2 + 1.1 * u + Float(k % 3) * 0.01 : nil)
            }
            values.append(row)
            try TestRaster.write(folder.file("\(prefix)_\(d).tif"), width: width, height: height, values: row.map { $0 ?? -9999 },
                                 nodata: -9999, options: options)
        }
        return (dates, values)
    }
}
