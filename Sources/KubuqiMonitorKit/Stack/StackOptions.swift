import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What `stack` reads, how it reduces, and what it writes.
public struct StackOptions: Sendable {
    /// Files, folders (their rasters), lists (`.txt`/`.list`, one path a line)
    /// or glob patterns; a file whose bands all carry dates is a time series.
    public var inputs: [String]
    /// A CSV giving each single-date file's date instead of its name.
    public var datesCSV: String?
    /// The CSV's columns naming the file (its name or a part of it) and the date.
    public var csvColumns: (file: String, date: String)
    /// The band read from single-date files (and from the assets of STAC items).
    public var band: Int
    /// Whether `band` was given (`--band N`) rather than left at its default: a given band is refused with a series of
    /// dated bands (every band is an observation) and with ``sensor`` (the index's bands come from each scene), never
    /// ignored (docs/stack.md, "Which band").
    public var bandGiven = false
    /// The output `OUT.tif`; `OUT.count.tif` and `OUT.json` go beside it.
    public var output: String
    /// How the series is cut into periods.
    public var scheme: PeriodScheme
    /// The per-pixel reducer.
    public var reducer: SeriesReducer
    /// Fewest valid observations per pixel and period.
    public var minimumObservations: Int
    /// Smallest share of the period the observations must span.
    public var minimumCoverage: Double
    /// Stored-to-physical scale of the inputs; nil for each band's declared one.
    public var scale: Float?
    /// Added after scaling (with `scale`).
    public var offset: Float
    /// Output encoding (Float32, or Int16 x 10000).
    public var encoding: IndexEncoding
    /// User creation options.
    public var creationOptions: CreationOptions
    /// No progress bar.
    public var quiet: Bool
    /// The window buffers' budget in bytes.
    public var memoryBudget: Int
    /// A raster whose grid every input is warped onto (GDAL's warper) when its own differs; nil: one grid required.
    public var gridFile: String? = nil
    /// Whether bands described by a month alone (`2001-04`) are monthly values dated on the month's first day, as
    /// pandas reads `2001-04` (`drought`, `warn` and ldn's precipitation: monthly series); false for `stack`, which
    /// reduces observations of one day and refuses such bands (docs/stack.md).
    public var monthBands = false
    /// A target grid given as `--bbox/--crs/--resolution` (see ``BoxGrid``), used as `gridFile`'s grid is; nil: none.
    public var gridBox: Grid? = nil
    /// The warper's resampling; nil: bilinear when refining, average when coarsening.
    public var resampling: Resampling? = nil
    /// The asset read from STAC items (nil: the item's only asset).
    public var asset: String? = nil
    /// Inputs are scenes of this sensor: `index` is computed per scene with its scaling and quality mask.
    public var sensor: SensorPreset? = nil
    /// The index computed per scene (with `sensor`).
    public var index = "ndvi"
    /// Keep pixels the scene's quality mask would exclude.
    public var noMask = false
    /// Reuse the unchanged periods of an existing OUT.tif (see ``StackReuse``).
    public var append = false
    /// Whittaker smoothing (lambda) of each pixel's series in a period before reducing; nil for none.
    public var smoothing: Double? = nil

    /// Creates options with the defaults of the command line.
    public init(inputs: [String], output: String, datesCSV: String? = nil, csvColumns: (file: String, date: String) = ("file", "date"),
                band: Int = 1, scheme: PeriodScheme = .year, reducer: SeriesReducer = .mean, minimumObservations: Int = 1,
                minimumCoverage: Double = 0.9, scale: Float? = nil, offset: Float = 0, encoding: IndexEncoding = .float32,
                creationOptions: CreationOptions = CreationOptions(), quiet: Bool = true,
                memoryBudget: Int = WindowLayout.defaultBudget) {
        self.inputs = inputs
        self.output = output
        self.datesCSV = datesCSV
        self.csvColumns = csvColumns
        self.band = band
        self.scheme = scheme
        self.reducer = reducer
        self.minimumObservations = minimumObservations
        self.minimumCoverage = minimumCoverage
        self.scale = scale
        self.offset = offset
        self.encoding = encoding
        self.creationOptions = creationOptions
        self.quiet = quiet
        self.memoryBudget = memoryBudget
    }

    /// Checks the numbers: a usage error naming the option.
    public func validate() throws {
        guard !inputs.isEmpty else { throw KubuqiError(.usage, "stack: give the input files, folders, lists or a time-series raster") }
        guard minimumObservations >= 1 else { throw KubuqiError(.usage, "--min-obs must be at least 1, not \(minimumObservations)") }
        guard minimumCoverage.isFinite, (0...1).contains(minimumCoverage) else {
            throw KubuqiError(.usage, "--min-coverage must be between 0 and 1, not \(minimumCoverage)")
        }
        guard band >= 1 else { throw KubuqiError(.usage, "--band must be 1 or more, not \(band)") }
        if bandGiven, sensor != nil {
            throw KubuqiError(.usage, "--band chooses the band of single-date files; with --sensor each scene's bands are those of --index: leave --band out")
        }
        if let scale { try ScaleFactor.validate(scale) }
        guard offset.isFinite else { throw KubuqiError(.usage, "--offset must be finite") }
        if encoding == .int16 && !reducer.keepsUnits {
            throw KubuqiError(.usage, "--ot Int16 stores values x 10000, which the \(reducer) reducer's results do not fit; use --ot Float32")
        }
        if let smoothing, !(smoothing.isFinite && smoothing > 0) { throw KubuqiError(.usage, "--smooth must be a positive number (lambda), not \(smoothing)") }
        if sensor != nil, SpectralIndex.named(index.lowercased()) == nil {
            throw KubuqiError(.usage, "--index: '\(index)' is not a per-pixel index stack can compute per scene (\(SpectralIndex.catalogue.map(\.name).joined(separator: ", ")))")
        }
        guard encoding != .classes else { throw KubuqiError(.usage, "--ot must be Float32 or Int16") }
    }
}
