import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What `drought` reads, how it computes the SPI, and what it writes.
public struct DroughtOptions: Sendable {
    /// Monthly precipitation: any input `stack` reads (a series raster with dated
    /// band descriptions, dated files, folders, lists, globs, STAC JSON), one observation per month.
    public var inputs: [String]
    /// The output folder.
    public var outputFolder: String
    /// A CSV dating single-date files (as `stack --dates`).
    public var datesCSV: String? = nil
    /// The CSV's file and date columns.
    public var csvColumns: (file: String, date: String) = ("file", "date")
    /// The band read from single-date files (and STAC assets).
    public var band = 1
    /// Whether `band` was given (`--band N`): refused with a series of dated bands, never ignored (``StackOptions/bandGiven``).
    public var bandGiven = false
    /// Stored-to-physical scale of the precipitation; nil for each band's declared one.
    public var scale: Float? = nil
    /// Added after `scale`.
    public var offset: Float = 0
    /// Warp every input onto this raster's grid (as `stack --grid`).
    public var gridFile: String? = nil
    /// The SPI accumulation scales written as layers (months); 12 is always computed for the classes.
    public var scales: [Int] = [12]
    /// The calibration years (inclusive); nil for every full calendar year of the record.
    public var calibration: ClosedRange<Int>? = nil
    /// The gamma estimator.
    public var estimator: GammaFit.Estimator = .thom
    /// Population rasters (people per pixel) with their labels (`total`, `female`, `male`).
    public var populations: [(label: String, path: String)] = []
    /// A vulnerability-index raster, averaged per zone (SO3-3).
    public var vulnerability: String? = nil
    /// Zones (a vector layer with `zoneField`, or a zone raster) for the vulnerability means; nil: the whole area.
    public var zones: String? = nil
    /// The vector zones' name field.
    public var zoneField: String? = nil
    /// User creation options.
    public var creationOptions = CreationOptions()
    /// No progress bar.
    public var quiet = true
    /// The window buffers' budget in bytes (the whole monthly history of a window's pixels must fit, at least one block).
    public var memoryBudget = WindowLayout.defaultBudget

    /// The shortest calibration accepted, in years: the WMO SPI User Guide
    /// (WMO-No. 1090, 2012) asks for at least 20-30 years of monthly values.
    public static let minimumCalibrationYears = 20
    /// The largest accumulation scale (ten years).
    public static let maximumScale = 120

    /// Options with the defaults of the command line.
    public init(inputs: [String], outputFolder: String) {
        self.inputs = inputs
        self.outputFolder = outputFolder
    }

    /// Every scale computed: the requested ones and 12, sorted.
    public var computedScales: [Int] { Array(Set(scales + [12])).sorted() }

    /// Checks the numbers: a usage error naming the option.
    public func validate() throws {
        guard !inputs.isEmpty else { throw KubuqiError(.usage, "drought: give the monthly precipitation (a series raster, files, folders, lists or globs)") }
        guard !scales.isEmpty else { throw KubuqiError(.usage, "--scales: give at least one accumulation scale in months, e.g. 1,3,6,12") }
        for k in scales where !(1...Self.maximumScale).contains(k) {
            throw KubuqiError(.usage, "--scales: \(k) is not an accumulation scale of 1 to \(Self.maximumScale) months")
        }
        if let c = calibration, c.count < Self.minimumCalibrationYears {
            throw KubuqiError(.usage, "--calibration \(c.lowerBound)..\(c.upperBound) spans \(c.count) year\(c.count == 1 ? "" : "s"); "
                + "the SPI needs at least \(Self.minimumCalibrationYears) (WMO 2012)")
        }
        guard band >= 1 else { throw KubuqiError(.usage, "--band must be 1 or more, not \(band)") }
        if let scale { try ScaleFactor.validate(scale) }
        guard offset.isFinite else { throw KubuqiError(.usage, "--offset must be finite") }
        if zones != nil && vulnerability == nil { throw KubuqiError(.usage, "--zones are for the vulnerability means: give --vulnerability FILE too") }
        let labels = populations.map(\.label)
        guard Set(labels).count == labels.count else { throw KubuqiError(.usage, "a population raster is given twice for \(labels)") }
    }

    /// The `stack` options that read the same inputs.
    var stackOptions: StackOptions {
        var s = StackOptions(inputs: inputs, output: (outputFolder as NSString).appendingPathComponent(".drought-none.tif"),
                             datesCSV: datesCSV, csvColumns: csvColumns, band: band, scheme: .month, reducer: .mean,
                             scale: scale, offset: offset, creationOptions: creationOptions, quiet: quiet, memoryBudget: memoryBudget)
        s.gridFile = gridFile
        s.bandGiven = bandGiven
        s.monthBands = true
        return s
    }
}
