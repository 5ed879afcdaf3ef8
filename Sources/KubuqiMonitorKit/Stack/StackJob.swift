import Dispatch
import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// What a stack run wrote.
public struct StackResult: Sendable {
    /// `OUT.tif`, `OUT.count.tif`, `OUT.json`.
    public var path: String, countPath: String, manifestPath: String
    /// The manifest written.
    public var manifest: StackManifest
    /// The periods copied from the existing stack (`--append`).
    public var reused: [String] = []
}

/// `stack`: a collection of dated rasters reduced to one band per period.
///
/// Streamed period by period and, within a period, strip by strip (accumulating reducers: a strip's
/// running state is kept while each group of the period's observations is read through its windows,
/// ``StackStrips``) or window by window (the others: a window holds all of the period's observations),
/// within the options' memory budget; at most ``openAtOnce`` inputs are open at once (``StackInputs``),
/// whatever the number of dates in the collection.
public enum StackJob {
    /// Builds the stack.
    public static func run(_ o: StackOptions, progress: (Double) -> Void = { _ in }) throws -> StackResult {
        try refuseImpossibleOutput(o)
        return try withBlockCache(o) { try write(try setup(o, hashing: !o.append), o, progress: progress) }
    }

    /// An output whose folder is missing, or which is a folder, is refused (exit 4) before the collection is
    /// read: not after it was dated and planned, with its warnings about dropped periods printed first.
    /// The full checks (links, devices, the output being an input) stay with ``AtomicOutput``.
    static func refuseImpossibleOutput(_ o: StackOptions) throws {
        let folder = PathNames.parent(o.output), shown = folder.isEmpty ? "." : folder
        guard let dir = SafeFiles.target(shown), dir.isDirectory else {
            throw KubuqiError.output(o.output, "the folder \(Quoted.name(shown)) does not exist")
        }
        if let e = SafeFiles.entry(o.output), e.isDirectory { throw KubuqiError.output(o.output, "is a folder, not a file") }
    }

    /// GDAL's block cache while stack runs: half the buffer budget (16 MiB by default) instead of the
    /// tool's 64 MiB, unless the user set GDAL_CACHEMAX. Every window is whole input and output blocks,
    /// read and written once, so a larger cache only keeps blocks already used (about 60 MB of the peak
    /// at 230 dates, with the same bytes out and no more CPU: docs/benchmarks.md "Stack (issue 16)").
    static func withBlockCache<T>(_ o: StackOptions, _ body: () throws -> T) rethrows -> T {
        try GDALEnvironment.withBlockCacheLimit(Int64(max(o.memoryBudget / 2, 4 << 20)), body)
    }

    /// A collection read and planned: its observations, periods, readers and target grid.
    struct Setup {
        var observations: [StackObservation]
        var plan: StackPlan
        /// The observations' readers, opened a period at a time by the window pass.
        var inputs: StackInputs
        var grid: Grid
        /// The inputs' SHA-256, computed from the moment the periods are planned when ``setup(_:hashing:)`` was asked to
        /// (``InputDigests/Start/whenIdle``: on the core GDAL's serial opens of the inputs leave idle, and after).
        var hashing: InputDigests? = nil
        /// The periods with enough observations, in order (the bands written before the completeness tally).
        var kept: [StackPlan.Period] { plan.kept }
    }

    /// Reads the collection and plans its periods; warns about the periods dropped for too few observations.
    /// `hashing`: the inputs' SHA-256 started as soon as the periods are planned (``Setup/hashing``; a whole run
    /// without `--append`, whose manifest lists them).
    static func setup(_ o: StackOptions, hashing hashEarly: Bool = false) throws -> Setup {
        try o.validate()
        try refuseOutputsOverNamedInputs(o)
        let rasters = InputRasters()
        let observations = try StackSources.collect(o, rasters: rasters, keepOpen: false)
        guard !observations.isEmpty else {
            throw KubuqiError.input(o.inputs[0], "no observation to stack (the inputs hold only the stack's own outputs)")
        }
        let plan = StackPlan(observations: observations, scheme: o.scheme, minimumObservations: o.minimumObservations,
                             minimumCoverage: o.minimumCoverage)
        try refuseUnreachableMinimum(plan, o)
        // Hashed beside the serial opens below (GDAL opening and checking every input on this thread).
        let hashing = hashEarly ? InputDigests(hashedFiles(plan), start: .whenIdle, unreadable: .fail) : nil
        do {
            let inputs = try StackInputs(observations, o)
            do { try inputs.requireOneGrid() } catch let e as KubuqiError {
                throw KubuqiError(e.kind, e.message + "; give --grid FILE to warp every input onto the grid of FILE")
            }
            try warnDropped(plan, o)
            guard !plan.kept.isEmpty else {
                throw KubuqiError(.input, "\(o.inputs[0]): no \(o.scheme) has enough observations (\(o.minimumObservations) or more spanning "
                    + "\(StackPlan.percent(o.minimumCoverage)) of it); nothing to write")
            }
            let grid = try targetGrid(rasters, o) ?? inputs.grid
            return Setup(observations: observations, plan: plan, inputs: inputs, grid: grid, hashing: hashing)
        } catch {
            hashing?.drain()
            throw error
        }
    }

    /// A usage error (exit 2) when `--min-obs` exceeds the observations of every period: no pixel could
    /// ever meet it, so the run stops before any input is opened for its pixels, naming the most
    /// observations a period has and the periods that have them (docs/robustness.md, "Series commands").
    static func refuseUnreachableMinimum(_ plan: StackPlan, _ o: StackOptions) throws {
        // No observation in any period (a season no date falls in) is the inputs' fault: exit 3 further on.
        let most = plan.periods.map(\.observations.count).max() ?? 0
        guard most > 0, most < o.minimumObservations else { return }
        let busiest = plan.periods.filter { $0.observations.count == most }.map(\.period.label)
        let named = busiest.count <= 4 ? busiest.joined(separator: ", ") : busiest.prefix(4).joined(separator: ", ") + " and \(busiest.count - 4) more"
        throw KubuqiError(.usage, "--min-obs \(o.minimumObservations) cannot be met: the most observations any \(o.scheme) of the inputs has is "
            + "\(most) observation\(most == 1 ? "" : "s") (\(named)); give --min-obs \(most) or less")
    }

    /// Streams every kept period (or copies it: `--append`'s unchanged periods, a tiled run's merged tiles),
    /// leaves out the periods in which no pixel met the rule, and publishes OUT.tif, OUT.count.tif and OUT.json.
    static func write(_ setup: Setup, _ o: StackOptions, copying copied: StackReuse? = nil,
                      progress: (Double) -> Void = { _ in }) throws -> StackResult {
        // The hashing the set-up started is stopped and waited for whatever fails below, before the error reaches the
        // process's exit: a thread still inside libcrypto while its exit handlers ran corrupted the heap (a refused
        // output: "malloc_consolidate(): unaligned fastbin chunk detected", exit 138; session 18).
        defer { setup.hashing?.drain() }
        var plan = setup.plan
        let observations = setup.observations, inputs = setup.inputs, grid = setup.grid
        let kept = plan.kept
        let paths = outputPaths(o.output)
        // OUT.tif, OUT.count.tif, OUT.json and OUT.item.json (the STAC Item, session 18), published together; a link or
        // device in the place of any of them is refused now, before any work.
        let itemPath = STACCatalog.itemPath(for: paths.stack)
        let sinks = try [paths.stack, paths.counts, paths.manifest, itemPath].map {
            try AtomicOutput($0, inputs: observations.flatMap(\.parts).map(\.path) + namedInputs(o))
        }
        defer { sinks.forEach { $0.discard() } }
        // Every kept period is first written to hidden files; periods in which no pixel met the
        // rule are then left out of the published ones.
        let full = (stack: sinks[0].temporary + ".all", counts: sinks[1].temporary + ".all")
        [full.stack, full.counts].forEach(Interruption.register)
        defer { [full.stack, full.counts].forEach { unlink($0); Interruption.unregister($0) } }
        // The inputs' SHA-256 are needed only by the manifest, except for `--append`, which compares them
        // with the old manifest's before the window pass: then first, on all cores; otherwise on a background
        // thread that runs when a core would idle (from the setup on: GDAL's serial opens, the pass's strip ends, the
        // COG layout), finished on this thread too before the manifest is written.
        let digestsFirst = o.append && copied == nil
        var digests: [String: String] = try digestsFirst ? Self.digests(plan) : [:]
        let hashing = digestsFirst ? nil : setup.hashing ?? InputDigests(hashedFiles(plan), start: .whenIdle, unreadable: .fail)
        defer { hashing?.drain() }
        let reuse = try copied ?? (o.append ? try StackReuse.load(o, manifest: try manifest(plan, met: kept.map { _ in 1 }, grid: grid, o, paths: paths, digests: digests),
                                                                    kept: kept, paths: paths) : nil)
        // The COG tiles of OUT.tif and OUT.count.tif encoded during the last period's pass (StagedAveragingFeed),
        // handed to the COG copies when every period is kept (the staged files then become the published ones).
        var feeds: [StagedAveragingFeed] = []
        defer { feeds.forEach { $0.discard() } }
        // OUT.tif and OUT.count.tif (and their copies without the dropped periods) weighed together against the free space
        // measured now, before the first is created (RunStagingLedger).
        let ledger = RunStagingLedger(folder: PathNames.parent(paths.stack), covering: [sinks[0].temporaryFolder, sinks[1].temporaryFolder])
        let tallies = try ledger.whileOpen {
            try stream(kept, plan.rule, inputs: inputs, grid: grid, o, stackAt: full.stack, countsAt: full.counts,
                       reuse: reuse, cogFeeds: { feeds.append($0) }, progress: progress)
        }
        guard tallies.contains(where: { $0.met > 0 }) else {
            throw KubuqiError(.input, "\(o.inputs[0]): no pixel of any period has valid observations meeting the completeness rule "
                + "(valid observations per pixel and period: \(tallies.map(\.counts.lowerBound).min()!)..\(tallies.map(\.counts.upperBound).max()!)); nothing to write")
        }
        for (k, t) in tallies.enumerated() where t.met == 0 {
            plan.drop(kept[k].period, reason: "no pixel met the completeness rule (its pixels have \(t.counts.lowerBound)..\(t.counts.upperBound) valid observations)")
            Diagnostics.warn("period \(kept[k].period.label) dropped: no pixel met the completeness rule "
                + "(\(kept[k].observations.count) observations; \(t.counts.lowerBound)..\(t.counts.upperBound) valid per pixel)")
        }
        let keep = tallies.indices.filter { tallies[$0].met > 0 }
        let published = [sinks[0].temporary, sinks[1].temporary], staged = [full.stack, full.counts], planned = plan, early = digests
        // Each staged file's feed (its COG tiles encoded from the last period's rows), finished (its dataset closed).
        let feedOf = staged.map { path in feeds.first { $0.staged == path } }
        let finishFeed = { (f: StagedAveragingFeed) throws in
            do { try f.finish() } catch let e as GDALError { throw outputError(e, stackAt: full.stack, countsAt: full.counts, o) }
        }
        let whole = keep.count == kept.count
        if !whole {
            // Periods left out: the kept bands copied into new staged files, whose tiles the COG copies encode.
            for f in feeds { try finishFeed(f) }
            try ledger.whileOpen { try publishBands(keep, of: kept, from: full, to: (published[0], published[1]), grid: grid, o) }
        }
        // Published as Cloud Optimized GeoTIFFs (pixel-interleaved: GDAL 3.6's COG driver has no band
        // interleaving; a window's whole series is then one read), before the checksums.
        // Laid out from tiles encoded on every core from the staged rows, AVERAGE overviews computed as GDAL's
        // (`averagingRows`; GDAL's COG driver for sizes and options this writer does not make exactly; docs/publishing.md,
        // "stack's OUT.tif and OUT.count.tif"). The two files side by side, each its own chain: (every period kept) its
        // feed finished, the staged file moved into place and its tiles handed to the copy; the COG copy; its SHA-256.
        // OUT.tif's feed is finished first, on every core, and OUT.count.tif's after it, so that OUT.tif's layout and
        // checksum (one thread: the longest serial step) run beside OUT.count.tif's encoding. Beside them, the inputs'
        // SHA-256 left to hash (raised from idle priority; docs/benchmarks.md, "Stack (issue 16)"). A failed step of
        // OUT.tif is the error before one of OUT.count.tif, and a failed copy before an unreadable input, as when they
        // ran one after the other.
        let stackFed = DispatchGroup()
        stackFed.enter()
        let sums = try ConcurrentSteps.results((0..<2).map { i in
            { () throws -> [String: String] in
                if whole {
                    if i == 1 { stackFed.wait() }
                    do {
                        defer { if i == 0 { stackFed.leave() } }
                        if let f = feedOf[i] { try finishFeed(f) }
                    }
                    if rename(staged[i], published[i]) != 0 {
                        throw KubuqiError.output(o.output, "cannot move a finished file into place (\(String(cString: strerror(errno))))")
                    }
                    feedOf[i]?.handOver(for: published[i])
                } else if i == 0 {
                    stackFed.leave()
                }
                try CloudOptimizedOutput.rewrite(published[i], userOptions: o.creationOptions, averagingRows: true)
                return [published[i]: try SHA256.file(published[i])]
            }
        } + [{ () throws -> [String: String] in try hashing.map { try Self.digests(planned, of: $0) } ?? early }])
        digests = sums[2]
        var manifest = try manifest(plan, met: keep.map { tallies[$0].met }, grid: grid, o, paths: paths, digests: digests)
        manifest.stackSHA256 = sums[0][published[0]]!
        manifest.countsSHA256 = sums[1][published[1]]!
        var manifestSHA256 = SHA256()
        do {
            let json = try manifest.json()
            manifestSHA256.update(json)
            try json.write(to: URL(fileURLWithPath: sinks[2].temporary))
        } catch {
            throw KubuqiError.output(paths.manifest, "cannot be written (\(error.localizedDescription))")
        }
        let span = (kept[keep.first!].period.first.description, kept[keep.last!].period.last.description)
        var item = STACProduct(
            path: paths.stack, id: ((paths.stack as NSString).lastPathComponent as NSString).deletingPathExtension,
            title: "Stack of \(keep.count) periods (\(o.scheme), \(o.reducer))",
            time: .period(start: span.0 + "T00:00:00Z", end: span.1 + "T23:59:59Z"),
            extras: [.init(key: "counts", path: paths.counts, type: STACCatalog.cogType, title: "Valid observations per pixel and period", roles: ["data"]),
                     .init(key: "manifest", path: paths.manifest, type: "application/json", title: "Stack manifest", roles: ["metadata"])])
        // The three files were hashed before they were renamed into place (the same bytes): not read a second time.
        item.checksums = [paths.stack: sums[0][published[0]]!, paths.counts: sums[1][published[1]]!, paths.manifest: manifestSHA256.hexDigest()]
        do {
            let staged = [paths.stack: sinks[0].temporary, paths.counts: sinks[1].temporary, paths.manifest: sinks[2].temporary]
            try STACCatalog.itemData(item, staged: staged).write(to: URL(fileURLWithPath: sinks[3].temporary))
        } catch let e as KubuqiError { throw e } catch {
            throw KubuqiError.output(itemPath, "cannot be written (\(error.localizedDescription))")
        }
        // The stack, its counts, its record and its STAC Item published together: an interruption finds all four or none.
        try AtomicOutput.commitAll(sinks)
        return StackResult(path: paths.stack, countPath: paths.counts, manifestPath: paths.manifest, manifest: manifest,
                           reused: (reuse?.bands.keys.sorted() ?? []).map { kept[$0].period.label })
    }

    /// The files a user named on the command line (inputs, `--dates`, `--grid`): no output may replace one.
    static func namedInputs(_ o: StackOptions) -> [String] {
        o.inputs + [o.datesCSV, o.gridFile].compactMap { $0 }
    }

    /// An output error (exit 4) when OUT.tif, OUT.count.tif, OUT.json or OUT.item.json is a file the user
    /// named as an input, `--dates` or `--grid`, before anything is read (a folder's own earlier stack is
    /// still skipped when the folder is the input).
    static func refuseOutputsOverNamedInputs(_ o: StackOptions) throws {
        let paths = outputPaths(o.output)
        let named = Set(namedInputs(o).map(AtomicOutput.resolved))
        for target in [paths.stack, paths.counts, paths.manifest, STACCatalog.itemPath(for: paths.stack)]
        where named.contains(AtomicOutput.resolved(target)) {
            throw KubuqiError.output(target, "is also an input; choose another output path")
        }
    }

    /// `OUT.tif`, `OUT.count.tif` and `OUT.json` for `-o OUT.tif`.
    public static func outputPaths(_ output: String) -> (stack: String, counts: String, manifest: String) {
        let ext = (output as NSString).pathExtension.lowercased()
        let stem = ["tif", "tiff"].contains(ext) ? (output as NSString).deletingPathExtension : output
        return (output, stem + ".count.tif", stem + ".json")
    }

    /// The grid every input is warped onto: `--grid FILE`'s, or the `--bbox/--crs/--resolution` one; nil: none.
    static func targetGrid(_ rasters: InputRasters, _ o: StackOptions) throws -> Grid? {
        if let box = o.gridBox { return box }
        return try o.gridFile.map { try rasters.dataset($0).grid }
    }

    /// How errors name the target grid.
    static func targetName(_ o: StackOptions) -> String {
        o.gridFile.map { "the grid of \($0)" } ?? "the --bbox grid"
    }

    /// One reader per observation, with its scaling and nodata; with a
    /// target grid, inputs on another grid are read through GDAL's warper.
    /// - Parameter scene: reads a scene folder's description (default: the preset's `load`).
    static func pixelInputs(_ obs: [StackObservation], rasters: InputRasters, _ o: StackOptions,
                            scene: ((String, SensorPreset) throws -> Scene)? = nil) throws -> [StackObservation: StackReader] {
        let target = try targetGrid(rasters, o)
        var warped: [String: Dataset] = [:]
        func aligned(_ source: RasterBand, nearest: Bool = false) throws -> RasterBand {
            guard let target, target.difference(from: source.dataset.grid) != nil else { return source }
            let key = source.dataset.path + (nearest ? "#nearest" : "")
            if warped[key] == nil { warped[key] = try warp(source.dataset, onto: target, o, method: nearest ? .nearest : nil) }
            return try warped[key]!.band(source.index)
        }
        func reader(_ ob: StackObservation) throws -> StackReader {
            if let sensor = o.sensor {
                return try sceneReader(ob, scene: try scene?(ob.path, sensor) ?? sensor.load(ob.path), rasters: rasters, o, aligned: aligned)
            }
            let source = try rasters.band(BandSelection(path: ob.path, band: ob.band))
            let declared = o.scale == nil ? try DeclaredScaling.of(source) : source.declaredScaling
            let scale = o.scale ?? Float(declared?.scale ?? 1), offset = o.scale == nil ? Float(declared?.offset ?? 0) : o.offset
            var input = PixelInput(band: try aligned(source), scale: scale, offset: offset, nodata: .some(source.nodata.map(Float.init)))
            // A Float64 nodata beyond Float's range (-1.7e308) arrives as -inf: nodata then means any non-finite value.
            if let nd = source.nodata, !nd.isNaN, abs(nd) > Double(Float.greatestFiniteMagnitude) { input.nodata = nil }
            var plain = StackReader(inputs: [input])
            // A plain tiled 16-bit GeoTIFF (not warped): its windows decoded by us where the file allows.
            if StackReader.sixteenBit(input) != nil { plain.direct = DirectTileReader(input.band) }
            return plain
        }
        var out: [StackObservation: StackReader] = [:]
        for ob in obs {
            // Same-day scenes on different grids: one observation, their mean where they overlap.
            out[ob] = ob.members.isEmpty ? try reader(ob) : StackReader(mosaic: try ob.members.map(reader))
        }
        return out
    }

    /// A scene's index bands, scaled as its preset says (reflectance outside the preset's plausible
    /// range is nodata), with its quality mask, as `index --scene` reads them.
    static func sceneReader(_ ob: StackObservation, scene: Scene, rasters: InputRasters, _ o: StackOptions,
                            aligned: (RasterBand, Bool) throws -> RasterBand) throws -> StackReader {
        let index = SpectralIndex.named(o.index.lowercased())!
        let inputs = try index.roles.map { role -> PixelInput in
            let sb = try scene.band(role, for: index.name)
            return PixelInput(band: try aligned(try rasters.band(sb.selection), false), scale: sb.scale, offset: sb.offset,
                              nodata: sb.nodata.map { Optional($0) } ?? nil, validMaximum: sb.validMaximum, validRange: sb.plausible)
        }
        let mask = try (o.noMask ? nil : scene.mask).map { PixelMask(band: try aligned(try rasters.band($0.selection), true), rule: $0.rule) }
        return StackReader(inputs: inputs, mask: mask, kernel: index.kernel)
    }

    /// `dataset` on `grid` through GDAL's warper, as Float32 with the source's
    /// nodata (NaN when it has none, so that the area outside the source is nodata, not 0).
    static func warp(_ dataset: Dataset, onto grid: Grid, _ o: StackOptions, method forced: Resampling? = nil) throws -> Dataset {
        let nodata = try dataset.band(1).nodata
        var method = forced ?? o.resampling
        if method == nil, let s = dataset.geoTransform, let t = grid.geoTransform {
            method = abs(s.pixelWidth * s.pixelHeight) > abs(t.pixelWidth * t.pixelHeight) ? .bilinear : .average
        }
        do {
            return try dataset.warped(onto: grid, resampling: method ?? .bilinear,
                                      extra: ["-ot", "Float32"] + (nodata == nil ? ["-dstnodata", "nan"] : []))
        } catch let e as GDALError {
            throw KubuqiError.input(dataset.path, "cannot be warped onto \(targetName(o)) (\(e.messages.last ?? e.context))")
        }
    }

    private static func warnDropped(_ plan: StackPlan, _ o: StackOptions) throws {
        for p in plan.periods {
            if let reason = p.dropReason { Diagnostics.warn("period \(p.period.label) dropped: \(reason)") }
        }
        if plan.outside > 0 {
            Diagnostics.note("\(plan.outside) observation\(plan.outside == 1 ? "" : "s") fall outside every \(o.scheme) and are not used")
        }
    }

    /// The window pass: every kept period, reduced and written strip by strip (accumulating reducers) or
    /// window by window (the others), or copied (`--append`).
    /// - Returns: per kept period, the pixels that met the rule and the range of valid observations per pixel.
    static func stream(_ periods: [StackPlan.Period], _ rule: CompletenessRule, inputs: StackInputs, grid: Grid,
                       _ o: StackOptions, stackAt: String, countsAt: String, reuse: StackReuse? = nil, region: Window? = nil,
                       cogFeeds: ((StagedAveragingFeed) -> Void)? = nil, progress: (Double) -> Void) throws -> [Tally] {
        // A tile computes only `region` of the grid into outputs covering it (georeferencing shifted).
        let area = region ?? Window(column: 0, row: 0, width: grid.width, height: grid.height)
        // A whole run's files become OUT.tif and OUT.count.tif (renamed or copied) and then COGs: staged
        // uncompressed so the COG copy is their only encode. A tile's are kept as they are until the merge.
        let storage: RasterOutputSpec.Storage = region == nil ? .stagedForCOG : .published
        let stack = try create(stackAt, reported: o.output, grid: grid.subgrid(area), bands: periods.count, encoding: o.encoding, storage: storage, o)
        let counts = try create(countsAt, reported: outputPaths(o.output).counts, grid: grid.subgrid(area), bands: periods.count, encoding: .classes,
                                storage: storage, o)
        let stackBands = try (1...periods.count).map { try stack.band($0) }
        let countBands = try (1...periods.count).map { try counts.band($0) }
        for (k, p) in periods.enumerated() {
            stackBands[k].setDescription(p.period.label)
            countBands[k].setDescription(p.period.label)
            if o.encoding == .int16 { try stackBands[k].setScale(1.0 / 10_000, offset: 0) }
        }
        let busiest = periods.map(\.observations.count).max()!
        let reduction = SeriesReduction(reducer: o.reducer, rule: rule, smoother: o.smoothing.map(WhittakerSmoother.init))
        // An accumulating reducer keeps a running state per pixel of a strip and takes a period's observations a
        // group at a time (``StackStrips``). The others need all of a pixel's observations at once: windows of the
        // whole period.
        let accumulates = reduction.smoother == nil && o.reducer.accumulates
        let bands = Bands(stack: stackBands, counts: countBands)
        var met = [Tally](repeating: Tally(), count: periods.count)
        // With `cogFeeds` (a whole run), the COG tiles of each output averaged and encoded from its rows as soon as the
        // last period has written them (StagedAveragingFeed), beside the rest of the pass; handed to `cogFeeds` finished.
        var feeds: [StagedAveragingFeed] = []
        defer { feeds.forEach { $0.discard() } }
        if cogFeeds != nil, region == nil {
            do {
                feeds = try [(stack, o.output), (counts, outputPaths(o.output).counts)].compactMap {
                    try StagedAveragingFeed($0.0, userOptions: o.creationOptions, output: $0.1)
                }
            } catch let e as GDALError {
                throw KubuqiError.output(o.output, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
            }
        }
        // Rows of the last period's full-width strips (or windows) are final in every band once it is written.
        let lastStripDone: (Window) throws -> Void = { strip in
            guard strip.column == 0, strip.width == area.width else { return }
            for f in feeds { try f.rowsComplete(upTo: strip.row + strip.height) }
        }
        // The feeds read those rows on their own threads while the pass goes on: the pass waits for the reads before
        // it writes to the datasets again.
        let awaitFeedReads = { for f in feeds { f.awaitReads() } }
        do {
            // Period by period (the outputs are band-interleaved, so each period's band is written whole tiles at a
            // time, each tile once). A period of at most `openAtOnce` observations has its datasets opened once and
            // closed after it; a longer one is read a group of `openAtOnce` at a time, each group opened and closed
            // within a strip (accumulating reducers) or a window (the others), so the datasets open at once never
            // exceed `openAtOnce` whatever the number of dates (docs/stack.md, "Streaming and memory").
            if accumulates {
                let strips = StackStrips(width: area.width, height: area.height, outputBlock: stackBands[0].blockSize,
                                         inputBlocks: inputs.blocks, observations: min(busiest, openAtOnce), budget: o.memoryBudget)
                let buffers = Buffers(capacity: strips.windowCapacity, rows: min(busiest, openAtOnce))
                defer { buffers.deallocate() }
                let slots = (0..<strips.windowsPerStrip).map { _ in SeriesAccumulators(o.reducer, pixels: 0..<strips.windowCapacity) }
                for (k, p) in periods.enumerated() {
                    if let reuse, let old = reuse.bands[k] {
                        try copy(band: k, old, of: reuse, windows: strips.strips.windows().flatMap(strips.windows(in:)), to: bands,
                                 buffers, tally: &met[k], o)
                    } else {
                        try accumulatePeriod(k, p, rule, strips: strips, slots: slots, inputs: inputs, area: area, buffers, to: bands,
                                             tally: &met[k], o, stripDone: k == periods.count - 1 ? lastStripDone : { _ in },
                                             writing: awaitFeedReads) {
                            progress((Double(k) + $0) / Double(periods.count))
                        }
                    }
                    progress(Double(k + 1) / Double(periods.count))
                }
            } else {
                let layout = WindowLayout(width: area.width, height: area.height, outputBlock: stackBands[0].blockSize, inputBlocks: inputs.blocks,
                                          bytesPerPixel: 4 * busiest + StackStrips.windowExtraBytes, budget: o.memoryBudget)
                let buffers = Buffers(capacity: layout.capacity, rows: busiest)
                defer { buffers.deallocate() }
                let windows = layout.windows()
                for (k, p) in periods.enumerated() {
                    if let reuse, let old = reuse.bands[k] {
                        try copy(band: k, old, of: reuse, windows: windows, to: bands, buffers, tally: &met[k], o)
                    } else {
                        try gatherPeriod(k, p, reduction, windows: windows, inputs: inputs, area: area, buffers, to: bands,
                                         tally: &met[k], o, windowDone: k == periods.count - 1 ? lastStripDone : { _ in },
                                         writing: awaitFeedReads) {
                            progress((Double(k) + $0) / Double(periods.count))
                        }
                    }
                    progress(Double(k + 1) / Double(periods.count))
                }
            }
            if let cogFeeds {
                // Handed over unfinished, their datasets still open (each feed closes its own when it finishes): the
                // caller finishes each beside the other output's COG copy (``write(_:_:copying:progress:)``).
                for (ds, path) in [(stack, stackAt), (counts, countsAt)] where !feeds.contains(where: { $0.staged == path }) {
                    try ds.close()
                }
                feeds.forEach(cogFeeds)
                feeds = []
            } else {
                try StagedAveragingFeed.finish(feeds)
                try stack.close()
                try counts.close()
            }
        } catch let e as GDALError {
            throw outputError(e, stackAt: stackAt, countsAt: countsAt, o)
        }
        return met
    }

    /// An output error (exit 4) from GDAL's error about the staged file `stackAt` or `countsAt`, naming OUT.tif or
    /// OUT.count.tif instead.
    static func outputError(_ e: GDALError, stackAt: String, countsAt: String, _ o: StackOptions) -> KubuqiError {
        var text = e.context + (e.messages.isEmpty ? "" : " (" + e.messages.joined(separator: "; ") + ")")
        // Named as the outputs they are written for, said to be being written (StagedNames), not as the published files.
        text = StagedNames.writing(StagedNames.writing(text, temporary: stackAt, as: o.output), temporary: countsAt, as: outputPaths(o.output).counts)
        return KubuqiError(.output, text)
    }

    /// Copies one window of band `band` of an existing stack and its counts (`--append`).
    static func copy(_ band: Int, of reuse: StackReuse, window w: Window, to bands: (stack: RasterBand, counts: RasterBand),
                             counted: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Int16>, _ o: StackOptions) throws {
        let n = w.pixelCount
        let counts = UnsafeMutableBufferPointer(rebasing: counted[0..<n])
        try reuse.counts.band(band).read(w, into: counts)
        try write(UnsafeBufferPointer(counts), to: bands.counts, w, encoding: ScaledInt16(scale: 1), scratch: scratch)
        if o.encoding == .int16 {
            let v = try reuse.stack.band(band).readInt16(w)
            try v.withUnsafeBufferPointer { try bands.stack.write(w, from: $0) }
        } else {
            let v = try reuse.stack.band(band).read(w)
            try v.withUnsafeBufferPointer { try bands.stack.write(w, from: $0) }
        }
    }

    /// What the window pass found in one period.
    struct Tally {
        /// Pixels that met the rule.
        var met = 0
        /// Fewest and most valid observations of a pixel.
        var fewest = Int.max, most = 0
        var counts: ClosedRange<Int> { min(fewest, most)...most }
        mutating func add(_ c: UnsafeBufferPointer<Float>) {
            for v in c { fewest = min(fewest, Int(v)); most = max(most, Int(v)) }
        }
    }

    /// Moves the full outputs into place, or copies only the bands `keep`
    /// (window by window) when some period is to be left out.
    static func publishBands(_ keep: [Int], of periods: [StackPlan.Period], from full: (stack: String, counts: String),
                             to target: (stack: String, counts: String), grid: Grid, _ o: StackOptions) throws {
        if keep.count == periods.count {
            for (a, b) in [(full.stack, target.stack), (full.counts, target.counts)] where rename(a, b) != 0 {
                throw KubuqiError.output(o.output, "cannot move a finished file into place (\(String(cString: strerror(errno))))")
            }
            return
        }
        do {
            for (source, path, encoding) in [(full.stack, target.stack, o.encoding), (full.counts, target.counts, IndexEncoding.classes)] {
                let src = try Dataset.open(source)
                let dst = try create(path, reported: o.output, grid: grid, bands: keep.count, encoding: encoding, storage: .stagedForCOG, o)
                for (j, k) in keep.enumerated() {
                    let band = try dst.band(j + 1)
                    band.setDescription(periods[k].period.label)
                    if encoding == .int16 { try band.setScale(1.0 / 10_000, offset: 0) }
                }
                let layout = WindowLayout(width: grid.width, height: grid.height, outputBlock: try dst.band(1).blockSize,
                                          inputBlocks: [try src.band(1).blockSize], bytesPerPixel: 4, budget: o.memoryBudget)
                var buffer = [Float](repeating: 0, count: layout.capacity)
                for w in layout.windows() {
                    for (j, k) in keep.enumerated() {
                        try buffer.withUnsafeMutableBufferPointer { b in
                            let part = UnsafeMutableBufferPointer(rebasing: b[0..<w.pixelCount])
                            try src.band(k + 1).read(w, into: part)
                            try dst.band(j + 1).write(w, from: UnsafeBufferPointer(part))
                        }
                    }
                }
                try dst.close()
            }
        } catch let e as GDALError {
            throw KubuqiError(.output, "\(o.output): \(e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))")
        }
    }

    /// Creates a band-interleaved stack or counts raster through its ``RasterOutputSpec`` (`storage`
    /// `.stagedForCOG`: uncompressed when a COG is asked for and the file fits).
    private static func create(_ path: String, reported: String, grid: Grid, bands: Int, encoding: IndexEncoding,
                               storage: RasterOutputSpec.Storage, _ o: StackOptions) throws -> Dataset {
        var interleave = CreationOptions()
        interleave.set("INTERLEAVE", "BAND")   // under the user's --co
        let spec = RasterOutputSpec(path: reported, encoding: encoding, creationOptions: o.creationOptions, storage: storage, layout: interleave)
        do {
            let ds = try spec.createDataset(at: path, grid: grid, bands: bands)
            for b in 1...bands where encoding != .classes { try ds.band(b).setNodata(encoding.nodata) }
            ds.setMetadataItem("KUBUQI_STACK_REDUCER", o.reducer.description)
            ds.setMetadataItem("KUBUQI_STACK_PERIODS", o.scheme.description)
            if let l = o.smoothing { ds.setMetadataItem("KUBUQI_STACK_SMOOTHING", "Whittaker, second differences, lambda \(l)") }
            ds.setMetadataItem("KUBUQI_STACK_INPUT_SCALE", o.scale.map { "\($0) x stored + \(o.offset)" } ?? "each band's declared scale")
            ds.setMetadataItem("KUBUQI_STACK_VALUES", encoding == .classes ? "valid observations per pixel and period"
                               : encoding == .int16 ? "Int16, value x 10000 (band scale 0.0001), nodata -32768" : "Float32, value as computed, nodata NaN")
            return ds
        } catch let e as GDALError {
            throw KubuqiError.output(reported, (e.messages.isEmpty ? e.context : e.messages.joined(separator: "; ")).replacingOccurrences(of: path, with: reported))
        }
    }

    /// Reads one window of each observation into consecutive rows of `values`,
    /// files in parallel (each dataset from one thread), then scales them.
    static func read(_ obs: [StackObservation], _ w: Window, inputs: [StackObservation: StackReader],
                             into values: UnsafeMutableBufferPointer<Float>) throws {
        let n = w.pixelCount
        nonisolated(unsafe) let buffer = values
        try readEach(obs, w, inputs: inputs) { i, reader in
            try reader.read(w, into: UnsafeMutableBufferPointer(rebasing: buffer[(i * n)..<((i + 1) * n)]))
        }
    }

    /// Reads one window of each observation, all plain 16-bit bands (``StackReader/sixteenBitScaling``), in
    /// their stored type into consecutive rows of 2-byte values at `stored`, files in parallel, unconverted.
    static func readStored(_ obs: [StackObservation], _ w: Window, inputs: [StackObservation: StackReader],
                           into stored: UnsafeMutableRawPointer) throws {
        let n = w.pixelCount
        nonisolated(unsafe) let base = stored
        try readEach(obs, w, inputs: inputs) { i, reader in
            try reader.readStored(w, into: UnsafeMutableRawBufferPointer(start: base + 2 * i * n, count: 2 * n))
        }
    }

    /// Calls `body(i, reader)` for each observation `obs[i]` of window `w`, files in parallel (each dataset
    /// from one thread; a same-day mosaic reads several datasets, which other observations may share: then
    /// one thread reads them all); a read error names the file and the window's rows.
    private static func readEach(_ obs: [StackObservation], _ w: Window, inputs: [StackObservation: StackReader],
                                 _ body: @escaping @Sendable (Int, StackReader) throws -> Void) throws {
        let groups = obs.contains(where: { !$0.members.isEmpty }) ? [Array(obs.indices)]
            : Dictionary(grouping: obs.indices) { ObjectIdentifier(inputs[obs[$0]]!.band.dataset) }.map(\.value).sorted { $0[0] < $1[0] }
        try ConcurrentSteps.run(groups.map { group in {
            for i in group {
                do { try body(i, inputs[obs[i]]!) } catch let e as GDALError {
                    throw KubuqiError.input(obs[i].path, "cannot read rows \(w.row)-\(w.row + w.height - 1)\(obs[i].band > 0 ? " of band \(obs[i].band)" : "") (\(e.messages.joined(separator: "; ")))")
                }
            }
        } })
    }

    /// Reduces one window of one period on all cores; returns the pixels that met the rule.
    static func reduce(_ reduction: SeriesReduction, _ p: StackPlan.Period, window w: Window, values: UnsafeBufferPointer<Float>,
                               result: UnsafeMutableBufferPointer<Float>, counted: UnsafeMutableBufferPointer<Float>) -> Int {
        let days = p.observations.map { Int32($0.date.dayNumber) }
        let tally = PerChunk(0)
        nonisolated(unsafe) let (r, c) = (result, counted)
        StreamedCalculation.parallelChunks(w) { chunk, range in
            let m = reduction.run(values: values, stride: w.pixelCount, days: days, periodDays: p.period.days, pixels: range, output: r, counts: c)
            tally.update(chunk) { $0 += m }
        }
        return tally.values.reduce(0, +)
    }

    /// The most input datasets the window pass holds open at once (a period's observations are read in groups of this many).
    /// Each open dataset keeps GDAL's and libtiff's state and decode buffers; 32 keeps them to a few MB.
    static let openAtOnce = 32

    /// Adds one group of a period's observations (the first `group.count` rows of `values`) to the running
    /// state of window `w`'s pixels, on all cores; `first`: the window's first group (the state starts empty).
    static func accumulate(_ group: [StackObservation], into state: SeriesAccumulators, window w: Window,
                                   values: UnsafeBufferPointer<Float>, first: Bool) {
        addInParallel(group, into: state, window: w, first: first) { days, range in
            state.add(values: values, stride: w.pixelCount, days: days, pixels: range)
        }
    }

    /// Adds one group of a period's observations stored as 16-bit rows (the first `group.count` rows of 2-byte
    /// values at `stored`, converted by `scalings`) to the running state of window `w`'s pixels, on all cores;
    /// `first`: the window's first group. The same state as ``accumulate(_:into:window:values:first:)`` on the
    /// converted rows, with each row read once as 2 bytes a value and converted in the cache as it is added.
    static func accumulate(_ group: [StackObservation], stored: UnsafeRawPointer, scalings: [SixteenBitScaling],
                           into state: SeriesAccumulators, window w: Window, first: Bool) {
        nonisolated(unsafe) let base = stored
        addInParallel(group, into: state, window: w, first: first) { days, range in
            state.add(stored: base, stride: w.pixelCount, scalings: scalings, days: days, pixels: range)
        }
    }

    /// Runs `add(days, pixels)` over window `w`'s pixels in chunks on all cores, each chunk's running state
    /// reset first when `first` (the window's first group); `days`: the group's day numbers.
    private static func addInParallel(_ group: [StackObservation], into state: SeriesAccumulators, window w: Window,
                                      first: Bool, _ add: ([Int32], Range<Int>) -> Void) {
        let days = group.map { Int32($0.date.dayNumber) }
        StreamedCalculation.parallelChunks(w) { _, range in
            if first { state.reset(range) }
            add(days, range)
        }
    }

    /// The reduced values and counts of window `w` from its running state, on all cores; returns the pixels that met the rule.
    static func finish(_ state: SeriesAccumulators, _ rule: CompletenessRule, _ p: StackPlan.Period, window w: Window,
                               result: UnsafeMutableBufferPointer<Float>, counted: UnsafeMutableBufferPointer<Float>) -> Int {
        let tally = PerChunk(0)
        nonisolated(unsafe) let (r, c) = (result, counted)
        StreamedCalculation.parallelChunks(w) { chunk, range in
            let m = state.finish(rule: rule, periodDays: p.period.days, pixels: range, output: r, counts: c)
            tally.update(chunk) { $0 += m }
        }
        return tally.values.reduce(0, +)
    }

    static func write(_ values: UnsafeBufferPointer<Float>, to band: RasterBand, _ w: Window, encoding: ScaledInt16?,
                              scratch: UnsafeMutableBufferPointer<Int16>) throws {
        guard let encoding else { return try band.write(w, from: values) }
        let out = UnsafeMutableBufferPointer(rebasing: scratch[0..<values.count])
        encoding.encode(values, into: out)
        try band.write(w, from: UnsafeBufferPointer(out))
    }

    /// The SHA-256 of every file a period uses, and of every scene (its files' digests).
    static func digests(_ plan: StackPlan) throws -> [String: String] {
        // Files hashed on all cores (a collection's files are many and the hash is the whole of each file's read).
        try digests(plan, of: InputDigests(hashedFiles(plan), start: .now, threads: .allCores, unreadable: .fail))
    }

    /// Every file a period uses (each scene's files), as hashed for the manifest.
    static func hashedFiles(_ plan: StackPlan) -> [String] {
        plan.periods.flatMap { $0.observations.flatMap(\.files) }
    }

    /// The digests of `hashing` (of ``hashedFiles(_:)``), waited for, with every scene's digest (its files' digests).
    static func digests(_ plan: StackPlan, of hashing: InputDigests) throws -> [String: String] {
        var digests = try hashing.finish()
        // A scene's digest: the SHA-256 of the lines "SHA-256  file name" of its files, in the index's band order then the mask.
        for ob in plan.periods.flatMap(\.observations).flatMap(\.parts) where ob.files != [ob.path] {
            var d = SHA256()
            for f in ob.files { d.update(Array("\(digests[f]!)  \((f as NSString).lastPathComponent)\n".utf8)) }
            digests[ob.path] = d.hexDigest()
        }
        return digests
    }

    /// The manifest of a finished run.
    static func manifest(_ plan: StackPlan, met: [Int], grid: Grid, _ o: StackOptions,
                         paths: (stack: String, counts: String, manifest: String), digests: [String: String]) throws -> StackManifest {
        var band = 0
        let total = grid.width * grid.height
        let periods = plan.periods.map { p -> StackManifest.Period in
            let kept = p.dropReason == nil
            if kept { band += 1 }
            let m: Int? = kept ? met[band - 1] : nil
            return StackManifest.Period(
                label: p.period.label, first: p.period.first.description, last: p.period.last.description, band: kept ? band : nil,
                status: kept ? "complete" : "dropped", reason: p.dropReason,
                observations: p.observations.flatMap(\.parts).map { .init(file: $0.path, band: $0.band, date: $0.date.description, dateFrom: $0.dateSource, sha256: digests[$0.path]!) },
                coverage: (p.coverage * 10_000).rounded() / 10_000,
                pixelsMeetingRule: m, shareMeetingRule: m.map { (Double($0) / Double(total) * 10_000).rounded() / 10_000 })
        }
        return StackManifest(
            tool: "kubuqi-monitor \(ToolVersion.version) stack", output: paths.stack, counts: paths.counts,
            periodScheme: o.scheme.description, reducer: o.reducer.description,
            smoothing: o.smoothing.map { "Whittaker (Eilers 2003), second differences, lambda \($0), on each period's series, gaps filled" },
            inputScale: o.scale.map { "\($0) x stored + \(o.offset)" } ?? "each band's declared scale and offset",
            encoding: o.encoding == .int16 ? "Int16, value x 10000, nodata -32768" : "Float32, nodata NaN",
            completeness: .init(minimumObservations: plan.rule.minimumObservations, minimumCoverage: plan.rule.minimumCoverage,
                                stepDays: plan.rule.stepDays,
                                definition: "a pixel-period is kept when it has at least minimumObservations valid observations and "
                                    + "min(1, (last - first + stepDays) / period days) >= minimumCoverage; stepDays is the median gap between the collection's dates"),
            width: grid.width, height: grid.height, observationsOutsidePeriods: plan.outside, periods: periods)
    }
}
