import ArgumentParser
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `stack`: dated rasters reduced to one band per period (the annual productivity stack of `ldn`).
    struct Stack: TiledCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reduce a collection of dated rasters to one band per year, season or month (the NDVI stack ldn reads).",
            discussion: """
            Inputs: a time-series raster whose band descriptions carry dates (X2000.02.18, 2000-02-18), \
            single-date files (folders, lists of paths in a .txt, globs) dated by their names (MODIS A2000049, \
            Landsat and Sentinel-2 product names, YYYY-MM-DD) or by a CSV (--dates), or scenes with --sensor \
            (the index computed per scene as index --scene does), or local STAC ItemCollections and Catalogs \
            (.json; items dated by properties.datetime, --asset KEY); all on one grid, or warped onto --grid FILE. \
            Same-day scenes on different grids are one observation (their mean); two on one grid are refused. Writes OUT.tif (one band per period, described by the \
            year or the period), OUT.count.tif (valid observations per pixel and period) and OUT.json (the \
            files, dates and SHA-256 of every period, the rule and the share of pixels that met it).

            A pixel-period is nodata unless it has --min-obs valid observations spanning --min-coverage of \
            the period (each observation standing for the collection's median gap between dates); a period \
            that falls short even with every pixel valid is dropped with a warning. See docs/stack.md.

            Examples:
              kubuqi-monitor stack modis_ndvi_2000_2012.tif --scale 0.0001 --ot Int16 \\
                -o ndvi_annual.tif
              kubuqi-monitor stack MOD13Q1/ --reducer integral --season 04-01..10-31 \\
                -o ndvi_season.tif
              kubuqi-monitor stack evi/ --dates dates.csv --dates-columns Id,date \\
                -o evi_annual.tif
              kubuqi-monitor stack 'scenes/*_NDVI.tif' --reducer p90 --min-obs 6 \\
                -o ndvi_p90.tif
              kubuqi-monitor stack 'MOD13A1/*/' --sensor modis-mod13 --index ndvi \\
                -o ndvi_annual.tif

            With --plan plan.json --tile I, -o is a folder: tiles go to OUT/tiles/I/, and `tiles merge` writes \
            OUT/stack.tif, stack.count.tif and stack.json, the same bytes as one machine (docs/scale-out.md).
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("Time-series rasters, single-date files, folders, lists (.txt) or quoted globs.", valueName: "INPUT"))
        var inputs: [String] = []

        @Option(help: ArgumentHelp("A CSV giving each single-date file's date (YYYY-MM-DD or DD/MM/YYYY).", valueName: "FILE.csv"))
        var dates: String?
        @Option(name: .customLong("dates-columns"), help: ArgumentHelp("The CSV's file and date columns; a file cell is the file's name or part of it.", valueName: "FILE,DATE"))
        var datesColumns = "file,date"
        @Option(help: ArgumentHelp("The band read from single-date files and STAC assets (default 1); refused with a series of dated bands, whose every band is a date, and with --sensor.", valueName: "N"))
        var band: Int?

        @Option(help: ArgumentHelp("Periods: year (default) or month; or use --season.", valueName: "year|month"))
        var period = "year"
        @Option(help: ArgumentHelp("A window of each year, e.g. 04-01..10-31 or 11-01..03-31 (across the new year; the year it starts in).", valueName: "MM-DD..MM-DD"))
        var season: String?
        @Option(help: ArgumentHelp("mean, median, max, min, pNN (e.g. p90), integral (trapezoid, value x days) or count.", valueName: "NAME"))
        var reducer = "mean"
        @Option(name: .customLong("min-obs"), help: ArgumentHelp("Fewest valid observations per pixel and period.", valueName: "N"))
        var minObs = 1
        @Option(name: .customLong("min-coverage"), help: ArgumentHelp("Smallest share (0-1) of the period the observations must span.", valueName: "SHARE"))
        var minCoverage = 0.9
        @Option(help: ArgumentHelp("The asset read from the items of a STAC ItemCollection/Catalog JSON input (default: an item's only asset).", valueName: "KEY"))
        var asset: String?
        @Option(help: ArgumentHelp("Inputs are scenes of this sensor (\(SensorPreset.allCases.map(\.rawValue).joined(separator: ", "))): --index is computed per scene with its scaling and quality mask.", valueName: "NAME"))
        var sensor: String?
        @Option(help: ArgumentHelp("The index computed per scene with --sensor (default ndvi).", valueName: "NAME"))
        var index = "ndvi"
        @Flag(help: "With --sensor: keep pixels the scene's quality mask would exclude.")
        var noMask = false
        @Flag(help: "Reuse the periods of an existing OUT.tif whose inputs and settings are unchanged (the result equals a full rebuild, byte for byte).")
        var append = false
        @Option(help: ArgumentHelp("Warp inputs on another grid onto the grid of this raster (GDAL's warper, reprojecting if needed).", valueName: "FILE"))
        var grid: String?
        @Option(help: ArgumentHelp("Instead of --grid: the target grid's box in --crs units (corner at minx,maxy).", valueName: "minx,miny,maxx,maxy"))
        var bbox: String?
        @Option(help: ArgumentHelp("The CRS of --bbox: EPSG:N or a WKT definition.", valueName: "EPSG:N|WKT"))
        var crs: String?
        @Option(name: [.customLong("resolution"), .customLong("res")],
                help: ArgumentHelp("The pixel size of --bbox's grid, in --crs units.", valueName: "R"))
        var resolution: Double?
        @Option(help: ArgumentHelp("Resampling with --grid: \(Resampling.allCases.map(\.rawValue).joined(separator: ", ")); default bilinear when refining, average when coarsening.", valueName: "METHOD"))
        var resampling: String?
        @Option(help: ArgumentHelp("Whittaker-smooth each pixel's series within each period (gaps filled) before reducing, with this lambda (e.g. 10).", valueName: "LAMBDA"))
        var smooth: Double?
        @Option(parsing: .unconditional, help: ArgumentHelp("Stored-to-physical scale of the inputs (e.g. 0.0001 for NDVI x 10000); default each band's declared scale.", valueName: "S"))
        var scale: Float?
        @Option(parsing: .unconditional, help: ArgumentHelp("Added after --scale.", valueName: "O"))
        var offset: Float = 0

        @OptionGroup var output: RasterOutputOptions
        @OptionGroup var tiles: TileOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let options = try stackOptions()
            if let request = try tiles.request() {
                // With a plan, -o is a folder: the merged stack is OUTDIR/stack.tif (docs/scale-out.md).
                print(try StackJob.runTile(options, request: request).line)
                return
            }
            #if canImport(Glibc)
            // Two malloc arenas, as for ldn: the reading, hashing and COG threads each kept an arena of freed
            // blocks (920 dates: 208 -> 168 MB peak; docs/benchmarks.md, "Stack (issue 16)", session 7).
            _ = glibcMallopt(-8 /* M_ARENA_MAX, malloc.h */, 2)
            #endif
            let bar = ProgressBar("stack", quiet: global.quiet)
            let r = try StackJob.run(options, progress: bar.update)
            let kept = r.manifest.periods.filter { $0.band != nil }
            print("stack written to \(r.path): \(r.manifest.width)x\(r.manifest.height), \(kept.count) period\(kept.count == 1 ? "" : "s") "
                  + "(\(kept.first!.label)..\(kept.last!.label)), \(r.manifest.reducer); counts in \(r.countPath), record in \(r.manifestPath)"
                  + (append ? "; \(r.reused.count) period\(r.reused.count == 1 ? "" : "s") reused" : ""))
        }

        /// Assembles the tiles of a plan into OUTDIR/stack.tif, stack.count.tif and stack.json (`tiles merge`).
        func mergeTiles(plan: TilePlan, outdir: String) throws {
            let r = try StackJob.mergeTiles(try stackOptions(), plan: plan, outdir: outdir)
            print("stack merged into \(r.path): \(r.manifest.width)x\(r.manifest.height), \(r.manifest.periods.filter { $0.band != nil }.count) periods; counts in \(r.countPath), record in \(r.manifestPath)")
        }

        func stackOptions() throws -> StackOptions {
            guard !inputs.isEmpty else { throw ValidationError("give the inputs: a time-series raster, files, folders, lists or globs") }
            let spec = try output.spec()
            let scheme: PeriodScheme
            if let season {
                guard period.lowercased() == "year" else { throw ValidationError("--season and --period \(period) exclude each other") }
                guard let s = PeriodScheme.season(parsing: season) else {
                    throw ValidationError("--season expects MM-DD..MM-DD with two different real days (not 02-29), e.g. 04-01..10-31; got '\(season)'")
                }
                scheme = s
            } else {
                scheme = try EnumeratedValue.parse(period, option: "--period", choices: [("year", PeriodScheme.year), ("month", .month)])
            }
            let r = try EnumeratedValue.parse(reducer, option: "--reducer", choices: SeriesReducer.names, forms: ["pNN (0-100)"]) { SeriesReducer(name: $0) }
            let columns = datesColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard columns.count == 2, !columns[0].isEmpty, !columns[1].isEmpty else {
                throw ValidationError("--dates-columns expects FILE,DATE (two column names), got '\(datesColumns)'")
            }
            guard minObs >= 1 else { throw ValidationError("--min-obs must be at least 1") }
            guard minCoverage.isFinite, (0...1).contains(minCoverage) else { throw ValidationError("--min-coverage must be between 0 and 1") }
            guard (band ?? 1) >= 1 else { throw ValidationError("--band must be 1 or more") }
            guard offset.isFinite else { throw ValidationError("--offset must be a finite number") }
            if let smooth, !(smooth.isFinite && smooth > 0) { throw ValidationError("--smooth must be a positive lambda, e.g. 10") }
            if spec.encoding == .int16 && !r.keepsUnits {
                throw ValidationError("--ot Int16 stores values x 10000, which \(r) results do not fit; use --ot Float32")
            }
            try RasterOutputSpec.checkCreationOptions(spec.creationOptions, output: spec.path, encodings: [spec.encoding, .classes])
            var options = StackOptions(inputs: inputs, output: spec.path, datesCSV: dates, csvColumns: (columns[0], columns[1]), band: band ?? 1,
                                scheme: scheme, reducer: r, minimumObservations: minObs, minimumCoverage: minCoverage, scale: scale,
                                offset: offset, encoding: spec.encoding, creationOptions: spec.creationOptions, quiet: global.quiet)
            options.bandGiven = band != nil
            options.smoothing = smooth
            options.gridFile = grid
            options.gridBox = try boxGrid()
            options.asset = asset
            if let sensor {
                guard band == nil else {
                    throw ValidationError("--band chooses the band of single-date files; with --sensor each scene's bands are those of --index: leave --band out")
                }
                options.sensor = try SensorPreset(name: sensor)
                options.index = try EnumeratedValue.parse(index, option: "--index", choices: SpectralIndex.catalogue.map(\.name))
                options.noMask = noMask
            } else if noMask || index.lowercased() != "ndvi" {
                throw ValidationError("--index and --no-mask need --sensor NAME (the inputs are then scenes)")
            }
            options.append = append
            if let resampling {
                let m = try EnumeratedValue.parse(resampling, option: "--resampling", choices: Resampling.allCases.map { ($0.rawValue, $0) })
                guard grid != nil || bbox != nil else { throw ValidationError("--resampling needs --grid FILE or --bbox") }
                options.resampling = m
            }
            return options
        }

        /// The `--bbox/--crs/--resolution` grid (all three or none, not with --grid), every number validated.
        func boxGrid() throws -> Grid? {
            guard bbox != nil || crs != nil || resolution != nil else { return nil }
            guard grid == nil else { throw ValidationError("give --grid FILE or --bbox/--crs/--resolution, not both") }
            guard let bbox, let crs, let resolution else {
                throw ValidationError("--bbox, --crs and --resolution go together (the target grid's box, CRS and pixel size)")
            }
            let box = try BoxGrid.parseBox(bbox)
            let srs = try BoxGrid.parseCRS(crs)
            return try BoxGrid.grid(bbox: box, srs: srs, resolution: resolution)
        }
    }
}
