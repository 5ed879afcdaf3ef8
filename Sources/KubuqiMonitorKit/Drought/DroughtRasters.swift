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

    /// The GeoTIFF options a raster of `encoding` is created with: band-interleaved `block` x `block` tiles
    /// (unless --co says otherwise); uncompressed when a COG is asked for, as it is then staged for
    /// ``DroughtPublication`` (CloudOptimizedOutput: the COG copy encodes every tile once), else compressed as published.
    /// `staging`: false when the uncompressed file would not fit (``CloudOptimizedOutput/stagingFits(bytes:at:)``).
    static func creationOptions(encoding: IndexEncoding, block: Int, _ o: DroughtOptions, staging: Bool = true) -> CreationOptions {
        var options = RasterOutputSpec.defaultCreationOptions(for: encoding)
        options.set("INTERLEAVE", "BAND")
        options.set("BLOCKXSIZE", String(block))
        options.set("BLOCKYSIZE", String(block))
        let published = CloudOptimizedOutput.geoTIFFOptions(o.creationOptions).over(options)
        guard staging, (try? CloudOptimizedOutput.isRequested(o.creationOptions)) ?? false else { return published }
        var staged = CloudOptimizedOutput.uncompressed(like: published)
        staged.set("INTERLEAVE", "BAND")
        return staged
    }

    /// Creates a tiled GeoTIFF on `grid` with described bands (``creationOptions(encoding:block:_:)``).
    static func create(_ path: String, grid: Grid, bands: Int, encoding: IndexEncoding, block: Int, _ o: DroughtOptions,
                       describe: (Int) -> String, metadata: [(String, String)]) throws -> Dataset {
        do {
            let ds = try Dataset.create(path, width: grid.width, height: grid.height, bands: bands, type: encoding.dataType,
                                        options: creationOptions(encoding: encoding, block: block, o, staging: CloudOptimizedOutput.stagingFits(
                                            bytes: Double(grid.width) * Double(grid.height) * Double(bands) * Double(encoding.dataType.byteSize), at: path)))
            try ds.setGeoreferencing(from: grid)
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
