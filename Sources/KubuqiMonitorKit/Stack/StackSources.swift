import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Turns the inputs of `stack` into dated observations: files, folders,
/// lists and globs expanded to rasters; each raster's date(s) from its band
/// descriptions, its name, or the dates CSV.
///
/// Rules (docs/stack.md):
/// - a raster whose bands all carry a date in their descriptions is a time
///   series: one observation per band;
/// - otherwise the raster is one observation (band `--band`), dated by the
///   CSV row that names it when a CSV is given, else by its file name;
/// - `--band` given with a time series (or a month-described series of a
///   monthly command) is a usage error naming the file: every band of a
///   series is an observation, and the option is never silently ignored;
/// - a STAC item's asset is read at band `--band` (1 by default);
/// - observations of one day on different grids (scenes of adjacent
///   paths/rows) are one observation, a mosaic: per pixel the mean of
///   their valid values (docs/stack.md, "Same-day scenes");
/// - two observations of one day on the same grid are refused, naming both
///   (a duplicate: leave one out).
public enum StackSources {
    /// Extensions taken from a folder.
    static let rasterExtensions: Set<String> = ["tif", "tiff", "vrt", "jp2", "img", "nc", "hdf"]

    /// The observations, sorted by date.
    /// - Parameter keepOpen: whether the datasets read for their dates stay open in `rasters` (for a caller
    ///   that reads them next); false opens and closes each in turn, so the number of datasets open at
    ///   once does not grow with the collection (`stack`, which opens them again a group at a time:
    ///   docs/stack.md, "Streaming and memory").
    public static func collect(_ o: StackOptions, rasters: InputRasters, keepOpen: Bool = true) throws -> [StackObservation] {
        let opened = { keepOpen ? rasters : InputRasters() }
        // A folder holding the stack itself (a yearly run into the scenes' folder) does not read it as a scene.
        let own = Set([StackJob.outputPaths(o.output).stack, StackJob.outputPaths(o.output).counts].map(AtomicOutput.resolved))
        if let sensor = o.sensor { return try mosaicSameDay(scenes(o, sensor: sensor).filter { !own.contains(AtomicOutput.resolved($0.path)) }, rasters: opened) }
        let stac = o.inputs.filter { $0.lowercased().hasSuffix(".json") }
        var out: [StackObservation] = try stac.flatMap { try StackSTAC.observations($0, asset: o.asset, band: o.band) }
        // An asset without band `--band`: the file named, as for a single-date file (band 1 always exists).
        if o.band > 1 { for ob in out { try requireBand(o.band, of: opened().dataset(ob.path)) } }
        let files = try expand(o.inputs.filter { !$0.lowercased().hasSuffix(".json") }).filter { !own.contains(AtomicOutput.resolved($0)) }
        let csvDates = try o.datesCSV.map { try datesFromCSV($0, columns: o.csvColumns, files: files) }
        // Each file's observations, from its name, its band descriptions or the CSV: a dataset opened and closed per
        // file (`keepOpen` false) on every core, a contiguous share of the files each (``dated(_:keepOpen:_:)``).
        out += try dated(files, keepOpen: keepOpen) { file -> [StackObservation] in
            let ds = try opened().dataset(file)
            try requireIntact(ds)
            if let (date, row) = csvDates?[file] {
                try requireBand(o.band, of: ds)
                return [StackObservation(path: file, band: o.band, date: date, dateSource: "\(o.datesCSV!) row \(row)")]
            } else if o.monthBands, let months = try monthDates(ds) {
                try refuseBand(o, series: ds, dates: months.count)
                return months.enumerated().map { StackObservation(path: file, band: $0.offset + 1, date: $0.element, dateSource: "band description (month)") }
            } else if let series = try seriesDates(ds, monthly: o.monthBands) {
                try refuseBand(o, series: ds, dates: series.count)
                return series.enumerated().map { StackObservation(path: file, band: $0.offset + 1, date: $0.element, dateSource: "band description") }
            } else {
                try requireBand(o.band, of: ds)
                switch DateInText.find((file as NSString).lastPathComponent) {
                case .success(let d): return [StackObservation(path: file, band: o.band, date: d, dateSource: "name")]
                case .failure(let f):
                    if let error = try periodOnlyBand(ds, monthly: o.monthBands) { throw error }
                    throw KubuqiError.input(file, "cannot tell its date from its name: \(f)" + (o.datesCSV == nil ? "; give the dates with --dates FILE.csv" : ""))
                }
            }
        }
        return try mosaicSameDay(out, rasters: opened)
    }

    /// The observations `observe` makes of each of `files`, in the files' order. Without `keepOpen` (each file's
    /// dataset opened and closed by `observe`, nothing shared) on every core, a contiguous share of at least
    /// ``StackInputs/perThread`` files each (GDAL opening a file and reading its header is most of the start of a run
    /// on a long collection); the first file in order that fails is the error, as when they are dated one by one.
    static func dated(_ files: [String], keepOpen: Bool,
                      _ observe: @escaping (String) throws -> [StackObservation]) throws -> [StackObservation] {
        let threads = keepOpen ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, files.count / StackInputs.perThread)
        guard threads > 1 else { return try files.flatMap(observe) }
        let size = (files.count + threads - 1) / threads
        let shares = stride(from: 0, to: files.count, by: size).map { Array(files[$0..<min($0 + size, files.count)]) }
        return try ConcurrentSteps.results(shares.map { share in { try share.flatMap(observe) } }).flatMap { $0 }
    }

    /// A raster GDAL opened only by skipping tags it could not read (a TIFF cut short or damaged) has
    /// lost its band descriptions, which hold a series' dates, and may have lost its georeferencing:
    /// an input error naming the file and the tag, rather than reading it as one undated file.
    static func requireIntact(_ ds: Dataset) throws {
        let skipped = ds.openWarnings.filter { $0.contains("IO error during reading of") }
        // The tag that holds the band descriptions is named first when it is among those lost.
        guard let lost = skipped.first(where: { $0.contains("GDALMetadata") }) ?? skipped.first else { return }
        let what = lost.range(of: "IO error during reading of").map { String(lost[$0.lowerBound...]) } ?? lost
        throw KubuqiError.input(ds.path, "is truncated or damaged: GDAL could not read all of its tags (\(what)), "
            + "so its band descriptions (a series' dates) and georeferencing may be lost")
    }

    /// Sorts by date and joins the observations of one day on different grids into one
    /// mosaic observation; two of one day on the same grid are an input error naming both.
    /// - Parameter rasters: where a day's datasets are opened (a new set per day closes them after it).
    static func mosaicSameDay(_ observations: [StackObservation], rasters: () -> InputRasters) throws -> [StackObservation] {
        let sorted = observations.sorted { ($0.date, $0.path, $0.band) < ($1.date, $1.path, $1.band) }
        var out: [StackObservation] = []
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && sorted[j].date == sorted[i].date { j += 1 }
            let day = Array(sorted[i..<j])
            if day.count == 1 { out.append(day[0]) } else {
                let opened = rasters()
                let grids = try day.map { try opened.dataset($0.files[0]).grid }
                for b in 1..<day.count {
                    if let a = (0..<b).first(where: { grids[$0].difference(from: grids[b]) == nil }) {
                        throw KubuqiError(.input, "\(name(day[b])): same date \(day[b].date) as \(name(day[a])) on the same grid "
                            + "(dates from \(day[b].dateSource) and \(day[a].dateSource)); stack takes one observation per day and grid "
                            + "(same-day scenes on different grids are mosaicked; leave the duplicate out)")
                    }
                }
                out.append(StackObservation(mosaicOf: day))
            }
            i = j
        }
        return out
    }

    private static func name(_ o: StackObservation) -> String { "\(o.path)\(o.band > 1 ? ":\(o.band)" : "")" }

    /// Scenes (folders or files a sensor preset reads), each dated by its
    /// name or, failing that, by its first band file's name.
    static func scenes(_ o: StackOptions, sensor: SensorPreset) throws -> [StackObservation] {
        var paths: [String] = []
        for input in o.inputs {
            if !FileManager.default.fileExists(atPath: input) && input.contains(where: { "*?[".contains($0) }) {
                let matches = glob(input)
                guard !matches.isEmpty else { throw KubuqiError.input(input, "the pattern matches no scene") }
                paths += matches
            } else if input.hasSuffix(".txt") || input.hasSuffix(".list") {
                paths += try expand([input])
            } else {
                guard FileManager.default.fileExists(atPath: input) else { throw KubuqiError.input(input, "no such scene") }
                paths.append(input)
            }
        }
        return try paths.map { path in
            let scene = try sensor.load(path)
            let index = SpectralIndex.named(o.index.lowercased())!
            var files = try index.roles.map { try scene.band($0, for: index.name).selection.path }
            if !o.noMask, let m = scene.mask { files.append(m.selection.path) }
            var found = DateInText.find((path as NSString).lastPathComponent)
            if case .failure(.none) = found, let first = files.first { found = DateInText.find((first as NSString).lastPathComponent) }
            switch found {
            case .success(let d): return StackObservation(path: path, band: 0, date: d, dateSource: "name", files: files)
            case .failure(let f): throw KubuqiError.input(path, "cannot tell the scene's date from its name: \(f)")
            }
        }
    }

    /// A usage error naming the file when `--band` was given and `ds` is a series (its bands dated in their descriptions):
    /// every band of a series is an observation, so `--band N` can neither choose one nor be ignored.
    static func refuseBand(_ o: StackOptions, series ds: Dataset, dates: Int) throws {
        guard o.bandGiven else { return }
        throw KubuqiError(.usage, KubuqiError.named(ds.path, "is a series of \(dates) dated band\(dates == 1 ? "" : "s") (dates in the band "
            + "descriptions), each one observation; --band \(o.band) chooses the band of single-date files and does not apply: leave it out, "
            + "or extract one date first (gdal_translate -b N)"))
    }

    private static func requireBand(_ band: Int, of ds: Dataset) throws {
        guard band <= ds.bandCount else {
            throw KubuqiError.input(ds.path, "band \(band) does not exist (the raster has \(ds.bandCount) band\(ds.bandCount == 1 ? "" : "s"))")
        }
    }

    /// The dates of every band when every band's description carries one;
    /// nil when none does (a single-date file); an error naming the band
    /// when only some do or one is not a real date.
    static func seriesDates(_ ds: Dataset, monthly: Bool = false) throws -> [CalendarDate]? {
        var dates: [CalendarDate?] = []
        for b in 1...ds.bandCount {
            let text = try ds.band(b).bandDescription
            switch DateInText.find(text) {
            case .success(let d): dates.append(d)
            case .failure(.none): dates.append(nil)
            case .failure(let f): throw KubuqiError.input(ds.path, "band \(b)'s description '\(text)': \(f)")
            }
        }
        let dated = dates.compactMap { $0 }
        // Several bands described by years or months only (a stack's own output): refused, never read as one dated file
        // (a monthly command reads months first: ``monthDates(_:)``).
        if dated.isEmpty, ds.bandCount > 1, let error = try periodOnlyBand(ds, monthly: monthly) { throw error }
        if dated.isEmpty { return nil }
        if dated.count == 1 && ds.bandCount == 1 { return dated }
        guard dated.count == dates.count else {
            let b = dates.firstIndex { $0 == nil }! + 1
            throw KubuqiError.input(ds.path, "band \(b) has no date in its description ('\(try ds.band(b).bandDescription)') while other bands have one")
        }
        return dated
    }

    /// The first day of each band's month when every band is described by a month alone (`2001-04`, `2001-4` refused:
    /// two digits), nil when no band is; an error naming the band when only some are, or a month is given twice.
    /// For the monthly commands (``StackOptions/monthBands``): a month's value stands for the month, and these commands
    /// only ask which month an observation belongs to.
    static func monthDates(_ ds: Dataset) throws -> [CalendarDate]? {
        var months: [CalendarDate?] = []
        for b in 1...ds.bandCount {
            if let label = periodLabel(try ds.band(b).bandDescription), let month = label.month {
                months.append(CalendarDate(year: label.year, month: month, day: 1))
            } else {
                months.append(nil)
            }
        }
        let dated = months.compactMap { $0 }
        if dated.isEmpty { return nil }
        guard dated.count == months.count else {
            let b = months.firstIndex { $0 == nil }! + 1
            throw KubuqiError.input(ds.path, "band \(b) has no month in its description ('\(try ds.band(b).bandDescription)') while other bands are described by a month (YYYY-MM)")
        }
        return dated
    }

    /// An input error naming the file and its first band described by a year (`2001`) or a month (`2001-04`) alone, nil
    /// when there is none: such a band holds a period's value (a stack's own output, an annual product), not an
    /// observation of one day, and `stack` cannot tell its date (docs/stack.md). A single band so described is refused
    /// only when the file's name gives no date either.
    /// A band description naming a period rather than a day: a year (`2001`) or a month (`2001-04`, two digits), the
    /// year within 1900-2199; nil for anything else.
    static func periodLabel(_ description: String) -> (year: Int, month: Int?)? {
        let text = description.trimmingCharacters(in: .whitespaces)
        guard let m = text.wholeMatch(of: /([0-9]{4})(?:-(0[1-9]|1[0-2]))?/), let year = Int(m.output.1),
              (1900...2199).contains(year) else { return nil }
        return (year, m.output.2.flatMap { Int($0) })
    }

    /// `monthly`: the caller reads month-described bands (``StackOptions/monthBands``), so only a year is refused, with
    /// the spellings a monthly series takes.
    static func periodOnlyBand(_ ds: Dataset, monthly: Bool = false) throws -> KubuqiError? {
        for b in 1...ds.bandCount {
            let text = try ds.band(b).bandDescription.trimmingCharacters(in: .whitespaces)
            guard let label = periodLabel(text) else { continue }
            let what = label.month == nil ? "a year" : "a month"
            if monthly {
                guard label.month == nil else { continue }
                return KubuqiError.input(ds.path, "band \(b)'s description '\(text)' is a year, not a month or a date: a monthly series "
                    + "needs each band described by its month (YYYY-MM) or its date (YYYY-MM-DD)")
            }
            return KubuqiError.input(ds.path, "band \(b)'s description '\(text)' is \(what), not a date: stack reduces observations of one day "
                + "and cannot place a period's value in time; use the file as it is (e.g. as ldn's [productivity] stack) or describe each band by its date YYYY-MM-DD")
        }
        return nil
    }

    /// Files, folders, lists and globs to raster paths, in order, each once.
    static func expand(_ inputs: [String]) throws -> [String] {
        var out: [String] = [], seen = Set<String>()
        func add(_ p: String) { if seen.insert(p).inserted { out.append(p) } }
        for input in inputs {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: input, isDirectory: &isDir)
            if !exists && input.contains(where: { "*?[".contains($0) }) {
                let matches = glob(input)
                guard !matches.isEmpty else { throw KubuqiError.input(input, "the pattern matches no file") }
                matches.forEach(add)
            } else if exists && isDir.boolValue && !input.hasSuffix(".SAFE") {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                let rasters = names.filter { rasterExtensions.contains(($0 as NSString).lastPathComponent.split(separator: ".").last.map { $0.lowercased() } ?? "") }
                    .filter { !$0.hasPrefix(".") }.sorted()
                guard !rasters.isEmpty else { throw KubuqiError.input(input, "the folder holds no raster (.tif, .vrt, .jp2...)") }
                rasters.forEach { add((input as NSString).appendingPathComponent($0)) }
            } else if exists && (input.hasSuffix(".txt") || input.hasSuffix(".list")) {
                guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                    throw KubuqiError.input(input, "cannot be read as a text list of files")
                }
                let folder = PathNames.parent(input)
                for line in text.split(whereSeparator: \.isNewline) {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    guard !t.isEmpty, !t.hasPrefix("#") else { continue }
                    add(t.hasPrefix("/") || folder.isEmpty ? t : (folder as NSString).appendingPathComponent(t))
                }
            } else {
                add(input)
            }
        }
        return out
    }

    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// Each file's date and CSV row (1-based, after the header), from a CSV
    /// read through OGR's CSV driver. A row names a file when its file cell
    /// is the file's path, its name, or a part of its name; every file must
    /// be named by exactly one row.
    static func datesFromCSV(_ csv: String, columns: (file: String, date: String), files: [String]) throws -> [String: (CalendarDate, Int)] {
        guard FileManager.default.fileExists(atPath: csv) else { throw KubuqiError.input(csv, "no such file") }
        let table: (columns: [String], crsWKT: String, rows: [(cells: [String], point: (x: Double, y: Double)?)])
        do { table = try VectorTable.read(path: csv) } catch let e as GDALError {
            throw KubuqiError.input(csv, "not a readable CSV (\(e.messages.last ?? e.context))")
        }
        func column(_ name: String) throws -> Int {
            guard let i = table.columns.firstIndex(where: { $0.lowercased() == name.lowercased() }) else {
                throw KubuqiError.input(csv, "has no column '\(name)' (columns: \(table.columns.joined(separator: ", "))); choose them with --dates-columns FILE,DATE")
            }
            return i
        }
        let fc = try column(columns.file), dc = try column(columns.date)
        var rows: [(key: String, date: CalendarDate, row: Int)] = []
        for (r, row) in table.rows.enumerated() {
            let key = row.cells[fc].trimmingCharacters(in: .whitespaces), text = row.cells[dc]
            guard !key.isEmpty else { throw KubuqiError.input(csv, "row \(r + 1): the \(columns.file) cell is empty") }
            guard let date = DateInText.cell(text) else {
                throw KubuqiError.input(csv, "row \(r + 1): '\(text)' is not a date (YYYY-MM-DD, or DD/MM/YYYY day first)")
            }
            rows.append((key, date, r + 1))
        }
        var out: [String: (CalendarDate, Int)] = [:]
        var used = Set<Int>()
        for file in files {
            let name = (file as NSString).lastPathComponent
            let matches = rows.filter { $0.key == file || name == $0.key || name.contains($0.key) }
            guard let first = matches.first else { throw KubuqiError.input(file, "no row of \(csv) names it (column \(columns.file))") }
            if let other = matches.dropFirst().first(where: { $0.date != first.date }) {
                throw KubuqiError.input(file, "rows \(first.row) and \(other.row) of \(csv) give it two dates (\(first.date), \(other.date))")
            }
            out[file] = (first.date, first.row)
            matches.forEach { used.insert($0.row) }
        }
        let unused = rows.filter { !used.contains($0.row) }
        if let u = unused.first {
            Diagnostics.warn("\(csv): \(unused.count) row\(unused.count == 1 ? "" : "s") name\(unused.count == 1 ? "s" : "") no input file (first: row \(u.row), '\(u.key)')")
        }
        return out
    }
}
