import ArgumentParser
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `drought`: SPI, drought classes and the UNCCD SO3 tables from monthly precipitation.
    struct Drought: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SPI from monthly precipitation, drought classes per year and the UNCCD SO3 tables (hazard, exposure, vulnerability).",
            discussion: """
            Inputs: monthly precipitation totals, one per month with none missing, read as stack reads a series \
            (a raster whose band descriptions carry dates, dated files, folders, lists, globs, STAC JSON; --dates for a CSV). \
            The SPI (McKee et al. 1993) is fitted per pixel and calendar month over the calibration years (at least \
            \(DroughtOptions.minimumCalibrationYears)): a gamma distribution of the positive k-month sums and the share of zero sums, \
            mapped to the standard normal and bounded to +-3.09. Each year's drought class (0 none, 1 mild, 2 moderate, \
            3 severe, 4 extreme) comes from its lowest 12-month SPI (UNCCD SO3-1, Trends.Earth).

            Writes OUTDIR/spi-K.tif per --scales (one band per month), drought-class.tif (one band per full year), \
            so3-1-drought-hazard.csv (true ellipsoidal km2 per class and year), so3-2-drought-exposure.csv (people per class \
            and year, with --population or --population-female/--population-male), so3-3-drought-vulnerability.csv (the mean \
            of --vulnerability per zone) and drought.json. See docs/climate.md.

            Examples:
              kubuqi-monitor drought chirps_monthly_1991_2024.tif -o drought/
              kubuqi-monitor drought precip/ --scales 1,3,6,12 --calibration 1991..2020 \\
                --population pop.tif -o drought/
              kubuqi-monitor drought precip.tif --population-female f.tif \\
                --population-male m.tif --vulnerability vi.tif \\
                --zones banners.gpkg --zone-field name -o drought/
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("Monthly precipitation: a time-series raster, dated files, folders, lists (.txt) or quoted globs.", valueName: "INPUT"))
        var inputs: [String] = []
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder (created if its parent exists).", valueName: "OUTDIR"))
        var output: String
        @Option(help: ArgumentHelp("SPI accumulation scales in months, written as layers (12 is always computed for the classes).", valueName: "K,K,..."))
        var scales = "12"
        @Option(help: ArgumentHelp("Calibration years, e.g. 1991..2020 or 1991-2020 (at least \(DroughtOptions.minimumCalibrationYears)); default every full year of the record.", valueName: "FIRST..LAST"))
        var calibration: String?
        @Option(name: .customLong("gamma-fit"), help: ArgumentHelp("thom (Thom's approximation, as climate-indices and NOAA) or exact (maximum likelihood).", valueName: "thom|exact"))
        var gammaFit = "thom"
        @Option(help: ArgumentHelp("A population raster (people per pixel) on the precipitation grid: people per drought class (SO3-2).", valueName: "FILE"))
        var population: String?
        @Option(name: .customLong("population-female"), help: ArgumentHelp("Female population per pixel (with --population-male).", valueName: "FILE"))
        var populationFemale: String?
        @Option(name: .customLong("population-male"), help: ArgumentHelp("Male population per pixel (with --population-female).", valueName: "FILE"))
        var populationMale: String?
        @Option(help: ArgumentHelp("A vulnerability-index raster on the precipitation grid, averaged per zone (SO3-3).", valueName: "FILE"))
        var vulnerability: String?
        @Option(help: ArgumentHelp("Zones for the vulnerability means: a vector layer (with --zone-field) or a zone raster.", valueName: "FILE"))
        var zones: String?
        @Option(help: ArgumentHelp("The attribute naming each zone of a vector zone file.", valueName: "FIELD"))
        var zoneField: String?
        @Option(help: ArgumentHelp("A CSV giving each single-date file's date.", valueName: "FILE.csv"))
        var dates: String?
        @Option(help: ArgumentHelp("The band read from single-date files and STAC assets (default 1); refused with a series of dated bands, whose every band is a date.", valueName: "N"))
        var band: Int?
        @Option(parsing: .unconditional, help: ArgumentHelp("Stored-to-physical scale of the precipitation (default each band's declared scale).", valueName: "S"))
        var scale: Float?
        @Option(help: ArgumentHelp("Warp every input onto the grid of this raster (GDAL's warper).", valueName: "FILE"))
        var grid: String?
        @Option(name: .customLong("co"), help: ArgumentHelp("A GDAL creation option for the rasters (repeatable).", valueName: "KEY=VALUE"))
        var creationOptions: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let options = try droughtOptions()
            let bar = ProgressBar("drought", quiet: global.quiet)
            let r = try DroughtJob.run(options, progress: bar.update)
            print(r.summary)
        }

        func droughtOptions() throws -> DroughtOptions {
            guard !inputs.isEmpty else { throw ValidationError("give the monthly precipitation: a time-series raster, files, folders, lists or globs") }
            var o = DroughtOptions(inputs: inputs, outputFolder: output)
            let items = scales.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            o.scales = try items.map { s in
                guard let k = Int(s), (1...DroughtOptions.maximumScale).contains(k) else {
                    throw ValidationError("--scales expects accumulation scales of 1 to \(DroughtOptions.maximumScale) months separated by commas, e.g. 1,3,6,12; got '\(s)'")
                }
                return k
            }
            guard Set(o.scales).count == o.scales.count else { throw ValidationError("--scales names a scale twice: \(scales)") }
            if let calibration {
                guard let years = YearRangeArgument.parse(calibration) else {
                    throw ValidationError("--calibration expects FIRST..LAST years (or FIRST-LAST), e.g. 1991..2020; got '\(calibration)'")
                }
                o.calibration = years
            }
            o.estimator = try EnumeratedValue.parse(gammaFit, option: "--gamma-fit", choices: GammaFit.Estimator.allCases.map { ($0.rawValue, $0) })
            guard (populationFemale == nil) == (populationMale == nil) else {
                throw ValidationError("--population-female and --population-male go together (people by sex)")
            }
            o.populations = [("total", population), ("female", populationFemale), ("male", populationMale)].compactMap { l, p in p.map { (l, $0) } }
            o.vulnerability = vulnerability
            o.zones = zones
            o.zoneField = zoneField
            o.datesCSV = dates
            o.band = band ?? 1
            o.bandGiven = band != nil
            o.scale = scale
            o.gridFile = grid
            o.creationOptions = try RasterOutputOptions.parseCreationOptions(creationOptions)
            o.quiet = global.quiet
            return o
        }
    }
}
