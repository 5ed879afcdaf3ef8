import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What a drought run wrote and found.
public struct DroughtResult: Sendable {
    /// Output files by role (`spi-3`, `classes`, `hazard`, `exposure`, `vulnerability`, `json`).
    public var files: [String: String]
    /// Areas and people per year and class.
    public var tally: DroughtTally
    /// The classified years.
    public var years: [Int]
    /// The vulnerability mean per zone (id, name, mean, pixels); empty without --vulnerability.
    public var vulnerability: [DroughtReport.ZoneMean]
    /// Special cases the SPI met, per scale.
    public var spi: [Int: SPICalculator.Tally]
    /// The one-line summary.
    public var summary: String
}

/// `drought`: the SPI (McKee et al. 1993) of monthly precipitation at
/// several accumulation scales, the UNCCD SO3 drought classes per year
/// (from the year's lowest 12-month SPI), their true areas (SO3-1), the people
/// exposed (SO3-2) and a vulnerability index's mean per zone (SO3-3).
///
/// Streamed window by window: a window holds every month of its pixels (the
/// gamma fit needs each pixel's whole history), so the window shrinks as the
/// record grows, within the memory budget (docs/climate.md).
public enum DroughtJob {
    /// Runs the job.
    public static func run(_ o: DroughtOptions, progress: (Double) -> Void = { _ in }) throws -> DroughtResult {
        try o.validate()
        try RasterOutputSpec.checkCreationOptions(o.creationOptions, output: o.outputFolder)
        for p in o.populations.map(\.path) + [o.vulnerability, o.zones].compactMap({ $0 }) { try InputFile.requireRegular(p) }
        let rasters = InputRasters()
        let so = o.stackOptions
        let series = try DroughtSeries(try StackSources.collect(so, rasters: rasters), calibration: o.calibration, source: o.inputs[0])
        let readers = try StackJob.pixelInputs(series.observations, rasters: rasters, so)
        do { try rasters.requireSameGrid(readers.values.flatMap(\.allBands).sorted { $0.dataset.path < $1.dataset.path }) } catch let e as KubuqiError {
            throw KubuqiError(e.kind, e.message + "; give --grid FILE to warp every input onto the grid of FILE")
        }
        let grid = try StackJob.targetGrid(rasters, so) ?? readers[series.observations[0]]!.band.dataset.grid
        let populations = try o.populations.map { try onGrid($0.path, grid, rasters, what: "population raster") }
        let vulnerability = try o.vulnerability.map { try onGrid($0, grid, rasters, what: "vulnerability raster") }
        let destination = try OutputFolder(o.outputFolder)
        let inputs = Array(Set(series.observations.flatMap(\.files) + o.populations.map(\.path) + [o.vulnerability, o.zones, o.datesCSV, o.gridFile].compactMap { $0 }))
        var result: DroughtResult = try destination.runStaged { work, out in
            let names = o.scales.map { "spi-\($0).tif" } + ["drought-class.tif"] + DroughtReport.fileNames
            try destination.refuseOverwriting(inputs, with: names.map(destination.file))
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: grid, work: work) }
            let pass = try stream(series, readers: readers, populations: populations, vulnerability: vulnerability, zoning: zoning,
                                  grid: grid, o, out: out, progress: progress)
            let report = DroughtReport(options: o, series: series, grid: grid, pass: pass, zoneNames: zoning?.names ?? [:],
                                      uncoveredZones: zoning?.uncovered ?? [])
            var files = try report.write(into: out)
            for k in o.scales { files["spi-\(k)"] = out.file("spi-\(k).tif") }
            files["classes"] = out.file("drought-class.tif")
            // Published as Cloud Optimized GeoTIFFs in a STAC catalogue (docs/publishing.md).
            try DroughtPublication.publish(o, series: series, folder: out)
            let r = DroughtResult(files: files, tally: pass.tally, years: series.classYears, vulnerability: report.zoneMeans,
                                  spi: pass.spi, summary: report.summary(folder: o.outputFolder))
            return (r, protecting: inputs)
        }
        result.files = result.files.mapValues { destination.file(($0 as NSString).lastPathComponent) }
        return result
    }

    /// An auxiliary raster's band 1 on the analysis grid (nodata as NaN), or an input error.
    static func onGrid(_ path: String, _ grid: Grid, _ rasters: InputRasters, what: String) throws -> PixelInput {
        let band = try rasters.band(BandSelection(path: path, band: 1))
        if let diff = band.dataset.grid.difference(from: grid) {
            throw KubuqiError.input(path, "the \(what) is not on the precipitation grid: \(diff) (warp it first; population counts with gdalwarp -r sum)")
        }
        return try PixelInput.declared(band)
    }

    /// What the window pass found.
    struct Pass {
        var tally: DroughtTally
        var spi: [Int: SPICalculator.Tally]
        /// Vulnerability sums per zone id (0: the whole area when no zones are given).
        var zoneSums: [Int: (sum: Double, pixels: Int)]
        /// The largest window's pixels.
        var windowPixels: Int
        /// The buffer bytes per pixel of a window.
        var bytesPerPixel: Int
    }

    /// The window pass: read every month, SPI per scale, classes per year, tallies.
    static func stream(_ series: DroughtSeries, readers: [StackObservation: StackReader], populations: [PixelInput], vulnerability: PixelInput?,
                       zoning: ZoneLayer?, grid: Grid, _ o: DroughtOptions, out: OutputFolder, progress: (Double) -> Void) throws -> Pass {
        let months = series.months, scales = o.computedScales, years = series.classYears
        let zoneBands = try (zoning?.rasters ?? []).map { try Dataset.open($0).band(1) }
        // Every month of a window's pixels and one scale's SPI at a time (the classes are taken from SPI-12 as soon as it is computed).
        let perPixel = 8 * months + 2 + 8 + 4 * (populations.count + 1 + zoneBands.count)
        let side = DroughtRasters.tileSide(bytesPerPixel: perPixel, budget: o.memoryBudget)
        // Every staged raster weighed together against the free space before any is created (the run's ledger, RunStagingLedger).
        let entries = DroughtRasters.ledgerEntries(folder: out.path, grid: grid, months: months, years: years.count, block: side, o)
        let ledger = RunStagingLedger.covering(out.file(entries[0].name)) ?? RunStagingLedger(folder: o.outputFolder, covering: [])
        let staged = try ledger.plan(entries)
        let spiFiles = try o.scales.indices.map { f in
            try DroughtRasters.create(entries[f], stagedUncompressed: staged[f], grid: grid, describe: series.label,
                                      metadata: DroughtRasters.spiMetadata(o.scales[f], series, o))
        }
        let classFile = try DroughtRasters.create(entries[o.scales.count], stagedUncompressed: staged[o.scales.count], grid: grid,
                                                  describe: { String(years[$0]) }, metadata: DroughtRasters.classMetadata(series, o))
        // Windows follow the output tiles only: aligning them to larger input blocks (as other commands do, to decode
        // each block once) would multiply a window of every month beyond the budget; GDAL's block cache serves the rest.
        let layout = WindowLayout(width: grid.width, height: grid.height, outputBlock: try classFile.band(1).blockSize, inputBlocks: [],
                                  bytesPerPixel: perPixel, budget: o.memoryBudget)
        let buffers = DroughtBuffers(capacity: layout.capacity, months: months, scales: 1, layers: populations.count + 1 + zoneBands.count)
        defer { buffers.deallocate() }
        let calculators = scales.map { SPICalculator(scale: $0, months: months, firstMonth: series.first.month, calibration: series.calibration, estimator: o.estimator) }
        var pass = Pass(tally: DroughtTally(years: years.count, populations: populations.count), spi: [:], zoneSums: [:], windowPixels: layout.capacity, bytesPerPixel: perPixel)
        let areas = GridAreas(grid: grid)
        let windows = layout.windows()
        do {
            for (wi, w) in windows.enumerated() {
                let n = w.pixelCount
                try StackJob.read(series.observations, w, inputs: readers, into: buffers.values)
                try refuseNegative(buffers.values, n: n, series, w)
                let layers = try readLayers(populations, vulnerability, zoneBands, w, buffers)
                for r in 0..<w.height {
                    areas.areas(row: w.row + r, columns: w.column..<(w.column + w.width), into: UnsafeMutableBufferPointer(rebasing: buffers.areas[(r * w.width)..<((r + 1) * w.width)]))
                }
                let spi = buffers.spi(0, n: n)
                for calc in calculators {
                    let t = computeSPI(calc, window: w, values: UnsafeBufferPointer(buffers.values), into: spi)
                    pass.spi[calc.scale, default: SPICalculator.Tally()].add(t)
                    if let f = o.scales.firstIndex(of: calc.scale) {
                        for m in 0..<months {
                            try spiFiles[f].band(m + 1).write(w, from: UnsafeBufferPointer(rebasing: spi[(m * n)..<((m + 1) * n)]))
                        }
                    }
                    if calc.scale == 12 {
                        try classify(series, spi12: UnsafeBufferPointer(spi), window: w, buffers: buffers,
                                     populations: layers.populations, classFile: classFile, tally: &pass.tally)
                    }
                }
                if let v = layers.vulnerability { addZoneSums(v, zones: layers.zones, n: n, into: &pass.zoneSums) }
                progress(Double(wi + 1) / Double(windows.count))
            }
            for f in spiFiles + [classFile] { try f.close() }
        } catch let e as GDALError {
            throw KubuqiError(.output, "\(o.outputFolder): \(e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))")
        }
        return pass
    }

    /// Negative precipitation is an input error naming the file, the month and the pixel.
    static func refuseNegative(_ values: UnsafeMutableBufferPointer<Float>, n: Int, _ series: DroughtSeries, _ w: Window) throws {
        for i in 0..<(n * series.months) where values[i] < 0 {
            let t = i / n, p = i % n
            let ob = series.observations[t]
            throw KubuqiError.input(ob.path, "negative precipitation \(values[i]) in \(series.label(t))\(ob.band > 1 ? " (band \(ob.band))" : "") "
                + "at column \(w.column + p % w.width), row \(w.row + p / w.width); precipitation must be 0 or more (or nodata)")
        }
    }

    /// The SPI of one window on all cores.
    static func computeSPI(_ calc: SPICalculator, window w: Window, values: UnsafeBufferPointer<Float>,
                           into out: UnsafeMutableBufferPointer<Float>) -> SPICalculator.Tally {
        let tallies = PerChunk(SPICalculator.Tally())
        nonisolated(unsafe) let o = out
        StreamedCalculation.parallelChunks(w) { chunk, range in
            let t = calc.run(values: values, stride: w.pixelCount, pixels: range, output: o)
            tallies.update(chunk) { $0.add(t) }
        }
        return tallies.values.reduce(into: SPICalculator.Tally()) { $0.add($1) }
    }

    /// Reads the population, vulnerability and zone rasters' window.
    static func readLayers(_ populations: [PixelInput], _ vulnerability: PixelInput?, _ zoneBands: [RasterBand], _ w: Window,
                           _ buffers: DroughtBuffers) throws -> (populations: UnsafeBufferPointer<Float>?, vulnerability: UnsafeBufferPointer<Float>?, zones: [UnsafeBufferPointer<Float>]) {
        let n = w.pixelCount
        for (l, p) in populations.enumerated() {
            let row = buffers.layer(l, n: n)
            try p.band.read(w, into: row)
            p.prepare(row)
            // Non-finite people (NaN, +-infinity) are nodata, as NaN always was: an infinite count would make every share 0 %.
            for i in 0..<n where !row[i].isFinite { row[i] = .nan }
            if let i = row.firstIndex(where: { $0 < 0 }) {
                throw KubuqiError.input(p.band.dataset.path, "negative population \(row[i]) at column \(w.column + i % w.width), row \(w.row + i / w.width)")
            }
        }
        var v: UnsafeBufferPointer<Float>?
        if let vulnerability {
            let row = buffers.layer(populations.count, n: n)
            try vulnerability.band.read(w, into: row)
            vulnerability.prepare(row)
            v = UnsafeBufferPointer(row)
        }
        var zones: [UnsafeBufferPointer<Float>] = []
        for (z, band) in zoneBands.enumerated() {
            let row = buffers.layer(populations.count + 1 + z, n: n)
            try band.read(w, into: row)
            zones.append(UnsafeBufferPointer(row))
        }
        let pops = populations.isEmpty ? nil : UnsafeBufferPointer(rebasing: buffers.layers[0..<(populations.count * n)])
        return (pops, v, zones)
    }

    /// Per year: the lowest of its twelve 12-month SPI values (nodata when one is missing), its class, written and tallied.
    static func classify(_ series: DroughtSeries, spi12: UnsafeBufferPointer<Float>, window w: Window, buffers: DroughtBuffers,
                         populations: UnsafeBufferPointer<Float>?, classFile: Dataset, tally: inout DroughtTally) throws {
        let n = w.pixelCount
        for (yi, year) in series.classYears.enumerated() {
            let t0 = series.index(year: year)
            for p in 0..<n {
                var lowest = Float.infinity
                for t in t0..<(t0 + 12) {
                    let v = spi12[t * n + p]
                    if v.isNaN { lowest = .nan; break }
                    lowest = min(lowest, v)
                }
                let c = DroughtClass(spi: Double(lowest))
                buffers.classes[p] = c?.rawValue ?? -32768
                tally.add(year: yi, class: c, area: buffers.areas[p], population: populations, at: p, stride: n)
            }
            try classFile.band(yi + 1).write(w, from: UnsafeBufferPointer(rebasing: buffers.classes[0..<n]))
        }
    }

    /// Adds a window's vulnerability values to their zones' sums (zone 0: everywhere, without zones).
    static func addZoneSums(_ v: UnsafeBufferPointer<Float>, zones: [UnsafeBufferPointer<Float>], n: Int, into sums: inout [Int: (sum: Double, pixels: Int)]) {
        for p in 0..<n where v[p].isFinite {
            if zones.isEmpty {
                sums[0, default: (0, 0)].sum += Double(v[p])
                sums[0, default: (0, 0)].pixels += 1
                continue
            }
            for z in zones where z[p].isFinite && z[p] > 0 {
                let id = Int(saturating: z[p])
                sums[id, default: (0, 0)].sum += Double(v[p])
                sums[id, default: (0, 0)].pixels += 1
            }
        }
    }
}
