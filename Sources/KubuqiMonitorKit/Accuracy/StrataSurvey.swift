import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The strata of a class map: every class code with its pixel count and area, gathered in one
/// streamed pass over full-width strips, and the row-major walk that finds drawn pixels.
struct StrataSurvey {
    /// Class codes, ascending.
    var codes: [Int]
    /// Pixels per code.
    var pixels: [Int]
    /// Area per code in m2.
    var areas: [Double]

    /// Rows per strip: about 4 million pixels, at least one row.
    static func stripRows(width: Int) -> Int { max(1, min(4096, (1 << 22) / max(1, width))) }

    /// Maps class codes to their stratum index: a table for the Int16 range, a dictionary beyond.
    struct CodeIndex {
        private var table = [Int32](repeating: -1, count: 65536)
        private var others: [Int: Int32] = [:]
        private(set) var codes: [Int] = []

        /// The stratum of `code`, adding it when new; nil past `limit` strata.
        mutating func index(of code: Int, adding limit: Int) -> Int? {
            if code >= -32768 && code <= 32767 {
                let k = table[code + 32768]
                if k >= 0 { return Int(k) }
            } else if let k = others[code] { return Int(k) }
            guard codes.count < limit else { return nil }
            let k = Int32(codes.count)
            codes.append(code)
            if code >= -32768 && code <= 32767 { table[code + 32768] = k } else { others[code] = k }
            return Int(k)
        }

        /// The stratum of `code` if known.
        func existing(_ code: Int) -> Int? {
            if code >= -32768 && code <= 32767 { let k = table[code + 32768]; return k >= 0 ? Int(k) : nil }
            return others[code].map(Int.init)
        }
    }

    /// Streams the map's rows in full-width strips, calling `body` with the strip, its values
    /// and the class code of each pixel (nil for nodata). Non-integer or non-finite values are an
    /// input error naming the pixel: `sample` needs a class map.
    static func walk(_ band: RasterBand, path: String, progress: (Double) -> Void,
                     _ body: (_ strip: Window, _ codes: UnsafeBufferPointer<Int32>, _ valid: UnsafeBufferPointer<Bool>) throws -> Void) throws {
        let width = band.dataset.width, height = band.dataset.height
        let nodata = band.nodata
        let rows = stripRows(width: width)
        var values = [Float](repeating: 0, count: width * rows)
        var codes = [Int32](repeating: 0, count: width * rows)
        var valid = [Bool](repeating: false, count: width * rows)
        for strip in Window.strips(width: width, height: height, rows: rows) {
            let n = strip.width * strip.height
            do {
                try values.withUnsafeMutableBufferPointer { try band.read(strip, into: UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
            } catch let e as GDALError {
                throw KubuqiError.input(path, "cannot be read (\(e.messages.last ?? e.description))")
            }
            for i in 0..<n {
                let v = values[i]
                if let nd = nodata, Double(v) == nd || (nd.isNaN && v.isNaN) { valid[i] = false; continue }
                guard v.isFinite, v == v.rounded(), abs(v) < 2_147_483_648 else {
                    throw KubuqiError.input(path, "pixel (\(i % width), \(strip.row + i / width)) holds \(v), not a class code: sample needs a class map (integer codes)")
                }
                codes[i] = Int32(v)
                valid[i] = true
            }
            try codes.withUnsafeBufferPointer { c in
                try valid.withUnsafeBufferPointer { m in
                    try body(strip, UnsafeBufferPointer(rebasing: c[0..<n]), UnsafeBufferPointer(rebasing: m[0..<n]))
                }
            }
            progress(Double(strip.row + strip.height) / Double(height))
        }
    }

    /// Counts the classes and their areas.
    static func survey(_ band: RasterBand, path: String, grid: Grid, quiet: Bool) throws -> StrataSurvey {
        var index = CodeIndex()
        var pixels: [Int] = [], areas: [Double] = []
        let bar = ProgressBar("strata", quiet: quiet)
        let gridAreas = GridAreas(grid: grid)   // each pixel's true area on the ellipsoid
        try walk(band, path: path, progress: bar.update) { strip, codes, valid in
            let pixelAreas = (strip.row..<(strip.row + strip.height)).flatMap {
                gridAreas.areas(row: $0, columns: strip.column..<(strip.column + strip.width))
            }
            for i in 0..<codes.count where valid[i] {
                guard let k = index.index(of: Int(codes[i]), adding: SampleOptions.maximumClasses) else {
                    throw KubuqiError.input(path, "has more than \(SampleOptions.maximumClasses) distinct values: sample needs a class map")
                }
                if k == pixels.count { pixels.append(0); areas.append(0) }
                pixels[k] += 1
                areas[k] += pixelAreas[i]
            }
        }
        let order = index.codes.indices.sorted { index.codes[$0] < index.codes[$1] }
        return StrataSurvey(codes: order.map { index.codes[$0] }, pixels: order.map { pixels[$0] }, areas: order.map { areas[$0] })
    }
}
