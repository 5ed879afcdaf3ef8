import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// The rasters `drought` writes: SPI layers (Float32, one band per month,
/// NaN nodata) and the class layer (Int16 codes 0-4, one band per year, nodata -32768).
enum DroughtRasters {
    /// The tile side (a multiple of 16 from 64 to 256) whose window of every month fits `budget`
    /// at `bytesPerPixel`: a window holds whole output tiles, so the tiles shrink as the record grows.
    static func tileSide(bytesPerPixel: Int, budget: Int) -> Int {
        let side = Int(Double(budget / max(1, bytesPerPixel)).squareRoot()) / 16 * 16
        return min(256, max(64, side))
    }

    /// The ``RasterOutputSpec`` of a raster of `encoding`: band-interleaved `block` x `block` tiles (under
    /// the user's --co), staged for ``DroughtPublication`` (uncompressed when a COG is asked for and the
    /// file fits: CloudOptimizedOutput's COG copy encodes every tile once).
    static func spec(_ path: String, encoding: IndexEncoding, block: Int, _ o: DroughtOptions) -> RasterOutputSpec {
        var layout = CreationOptions()
        layout.set("INTERLEAVE", "BAND")
        layout.set("BLOCKXSIZE", String(block))
        layout.set("BLOCKYSIZE", String(block))
        return RasterOutputSpec(path: path, encoding: encoding, creationOptions: o.creationOptions, storage: .stagedForCOG, layout: layout)
    }

    /// The run's rasters (each SPI scale written, then the class layer) as ``StagingLedger`` entries, with `block` x
    /// `block` tiles on `grid` over `months` months and `years` class years, in `folder`.
    static func ledgerEntries(folder: String, grid: Grid, months: Int, years: Int, block: Int, _ o: DroughtOptions) -> [StagingLedger.Entry] {
        o.scales.map { k in
            StagingLedger.Entry(name: "spi-\(k).tif", spec: spec((folder as NSString).appendingPathComponent("spi-\(k).tif"), encoding: .float32, block: block, o),
                                width: grid.width, height: grid.height, bands: months)
        } + [StagingLedger.Entry(name: "drought-class.tif", spec: spec((folder as NSString).appendingPathComponent("drought-class.tif"), encoding: .classes, block: block, o),
                                 width: grid.width, height: grid.height, bands: years)]
    }

    /// Creates the tiled GeoTIFF of `entry` on `grid` with described bands, staged as the run's ledger decided.
    static func create(_ entry: StagingLedger.Entry, stagedUncompressed: Bool, grid: Grid,
                       describe: (Int) -> String, metadata: [(String, String)]) throws -> Dataset {
        let path = entry.spec.path, encoding = entry.spec.encoding, bands = entry.bands
        do {
            var spec = entry.spec
            spec.stagingDecided = stagedUncompressed
            let ds = try spec.createDataset(at: path, grid: grid, bands: bands)
            for b in 1...bands {
                let band = try ds.band(b)
                try band.setNodata(encoding.nodata)
                band.setDescription(describe(b - 1))
            }
            for (k, v) in metadata { ds.setMetadataItem(k, v) }
            return ds
        } catch let e as GDALError {
            throw KubuqiError.output(path, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
        }
    }

    static func spiMetadata(_ k: Int, _ series: DroughtSeries, _ o: DroughtOptions) -> [(String, String)] {
        [("KUBUQI_SPI_SCALE", "\(k) month\(k == 1 ? "" : "s")"),
         ("KUBUQI_SPI_CALIBRATION", "\(series.calibrationYears.lowerBound)..\(series.calibrationYears.upperBound)"),
         ("KUBUQI_SPI_METHOD", "McKee et al. 1993: gamma (\(o.estimator == .thom ? "Thom's approximation of the MLE" : "exact MLE")) per calendar month, "
            + "zero probability as a mixed distribution, standard normal quantile, bounded to +-\(SPICalculator.bound)")]
    }

    static func classMetadata(_ series: DroughtSeries, _ o: DroughtOptions) -> [(String, String)] {
        [("KUBUQI_DROUGHT_CLASSES", DroughtClass.allCases.map { "\($0.rawValue) \($0.name) (\($0.range))" }.joined(separator: "; ")),
         ("KUBUQI_DROUGHT_FROM", "each year's lowest 12-month SPI (UNCCD SO3-1, Trends.Earth); nodata where a month's SPI is missing")]
    }
}
