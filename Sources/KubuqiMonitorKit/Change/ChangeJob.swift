import Foundation
import KubuqiGDAL
import KubuqiRaster

/// What `change` produced.
public struct ChangeResult: Sendable {
    /// Output files by name (class, magnitude, direction, quicklook, json, csv).
    public var files: [String: String]
    /// The thresholds used.
    public var thresholds: ChangeThresholds
    /// Pixels and areas per class over the whole area (zone 0) after the minimum mapping unit.
    public var tally: ClassAreaTally
    /// With zones: pixels and areas per (zone, class), each zone with its full area
    /// (overlapping zones count shared pixels in each; zone 0 = outside every zone).
    public var zoneTally: ClassAreaTally?
    /// Statistics of the change value over pixels valid at both dates.
    public var difference: SummaryStatistics
    /// The one-paragraph summary printed on stdout.
    public var summary: String
}

/// `change`: two-date change detection, in three streamed passes:
/// statistics of the difference (for sigma and Otsu thresholds), then the
/// class and magnitude rasters (sieved to the minimum mapping unit), then the
/// area tables from the final class raster.
public enum ChangeJob {
    /// Indices whose higher values mean less vegetation or more bare soil:
    /// their differences are negated so that negative always means degradation.
    static let inverted: Set<String> = ["bsi", "albedo", "tgsi"]

    /// Runs the job.
    public static func run(_ o: ChangeOptions) throws -> ChangeResult {
        try checkIndices(o)
        try RasterOutputSpec.checkCreationOptions(o.creationOptions, output: o.outputFolder)
        if let zones = o.zones { try InputFile.requireRegular(zones) }  // before any work: a FIFO would block
        let destination = try OutputFolder(o.outputFolder)
        // Everything is written to a staging folder and published at the end.
        var published: ChangeResult = try destination.runStaged { work, out in
            // 1. The index rasters of both dates (never one of this run's outputs).
            let setup = try prepare(o, work: work)
            try destination.refuseOverwriting((setup.before + setup.after).map(\.path),
                                              with: ["change-class.tif", "change-magnitude.tif", "change-direction.tif"].map(destination.file))
            let grid = setup.grid

            // 2. Statistics pass (sigma and Otsu need the whole scene first); it writes the magnitude
            //    (and direction) rasters, which need no threshold.
            let values = valueOutputs(o, setup: setup, folder: out)
            let survey = try statisticsPass(setup, region: nil, histogram: o.threshold.needsHistogram, writing: values, quiet: o.quiet)
            let stats = survey.difference.summary
            let thresholds = try deriveThresholds(o, before: setup.before[0].path, after: setup.after[0].path, figures: survey)

            // 3. The class raster, classed from the magnitude raster just written (the change value d
            //    as Float32, the very values the kernel gives: the same classes as from the inputs,
            //    without decoding them again); without a minimum mapping unit the classes are final,
            //    so their areas are counted in the same pass.
            let classPath = out.file("change-class.tif"), unsieved = out.file(".change-class.unsieved.tif")
            Interruption.register(unsieved)
            defer { unlink(unsieved); Interruption.unregister(unsieved) }
            let zoning = try o.zones.map { try ZoneLayer.load($0, field: o.zoneField, grid: grid, work: work) }
            let mmuPixels = try o.mmu.map { try pixels(for: $0, grid: grid) } ?? 0
            // The patches are drawn during the pass that gives the final classes (``PatchDrawing``): the class pass
            // without a minimum mapping unit, else the sieve's last pass (without zones: that pass reads none); the
            // other cases (a unit with zones, several zone layers) draw them from the final raster (step 5b).
            let drawDuring = o.patches && PatchDrawing.applies(to: zoning) && (o.mmu == nil || (zoning == nil && mmuPixels > 1))
            let drawing = drawDuring ? try PatchDrawing(grid: grid, legend: ClassLegend.change, wanted: ChangePublication.patchClasses,
                                                        zones: zoning, units: .changeTables, to: ChangePublication.patchPath(out),
                                                        layer: "patches", work: work) : nil
            defer { drawing?.cancel() }   // a failed pass: the drawing stops (after finish(), nothing happens)
            let counter = try { () throws -> AreaCounter in  // the magnitude raster is closed before its COG copy
                let fromValues = try valuesSetup(setup, path: values[0].spec!.path)
                // Outputs: the classes, then the zone ids (with zones, without a unit).
                return try classPass(fromValues, outputs: [classOutput(o, setup: fromValues, thresholds: thresholds, classPath: unsieved)],
                                     zoning: o.mmu == nil ? zoning : nil, region: nil,
                                     also: o.mmu == nil ? drawing.map { [PatchDrawingObserver($0, classes: 0, zone: zoning == nil ? nil : 1)] } ?? [] : [],
                                     label: "classes", quiet: o.quiet)
            }()

            // 4. Minimum mapping unit.
            // Without zones the sieve's last pass counts the final classes' areas (no pass re-reading them).
            var sieveCounter: AreaCounter?
            if o.mmu != nil {
                let counter = zoning == nil ? AreaCounter(grid: grid, nodataCode: Int(ChangeClass.nodata)) : nil
                let observers: [ChunkObserver] = [counter].compactMap { $0 } + [drawing.map { PatchDrawingObserver($0, classes: 0, zone: nil) }].compactMap { $0 }
                if try ChangeSieve.apply(unsieved, threshold: mmuPixels, creationOptions: o.creationOptions,
                                         observer: observers.isEmpty ? nil : ObserverGroup(observers)) { sieveCounter = counter }
            }
            guard rename(unsieved, classPath) == 0 else {
                throw KubuqiError.output(classPath, "cannot move the class raster into place (\(String(cString: strerror(errno))))")
            }
            try ClassLegend.attach(to: classPath)

            // 5. Areas per class (and zone): counted in the class pass, or from the sieved raster.
            //    Steps that read the class raster's pixels run before the COG copy, on the staged
            //    (uncompressed) raster.
            let (tally, zoneTally) = o.mmu == nil ? (counter.mergedWhole(), zoning == nil ? nil : counter.mergedZones())
                : zoning == nil ? ((sieveCounter ?? counter).mergedWhole(), nil)
                : try tallyAreas(classPath: classPath, zones: zoning, grid: grid, quiet: o.quiet)

            // 5b. Degradation and improvement patches as polygons (class, zone, area on the ellipsoid).
            //     Drawn during the pass above when it could be (`drawing`), else from the final class raster.
            let patches = !o.patches ? nil
                : try drawing.map { try $0.finish(); return $0.path }
                ?? ChangePublication.patches(classPath: classPath, zones: zoning, folder: out, work: work, quiet: o.quiet)

            // 6. Published as Cloud Optimized GeoTIFFs (after the legend, before any checksum),
            //    side by side with the tables (they need no raster); the quicklook reads the class
            //    COG's overviews, so it follows that copy.
            var result = ChangeResult(files: ["class": classPath, "magnitude": out.file("change-magnitude.tif")],
                                      thresholds: thresholds, tally: tally, zoneTally: zoneTally, difference: stats, summary: "")
            if o.method == .cva { result.files["direction"] = out.file("change-direction.tif") }
            let report = ChangeReport(options: o, grid: grid, before: setup.before, after: setup.after, thresholds: thresholds,
                                      difference: stats, tally: tally, zoneTally: zoneTally, zoneNames: zoning?.names ?? [:], mmuPixels: mmuPixels)
            let cog = { (f: String) in try CloudOptimizedOutput.rewrite(out.file(f), userOptions: o.creationOptions) }
            // The largest copy first: on two cores it runs beside the class copy, the quicklook and the tables.
            try ConcurrentSteps.run([{ try cog("change-magnitude.tif") },
                                     { try cog("change-class.tif"); try report.writeQuicklook(classPath: classPath, to: out.file("quicklook.png")) }]
                                    + (o.method == .cva ? [{ try cog("change-direction.tif") }] : [])
                                    + [{ try report.writeTables(json: out.file("change-stats.json"), csv: out.file("change-stats.csv")) }])
            result.files["patches"] = patches
            result.files["json"] = out.file("change-stats.json")
            result.files["csv"] = out.file("change-stats.csv")
            result.files["quicklook"] = out.file("quicklook.png")
            result.summary = report.summary()
            try ChangePublication.catalogue(o, report: report, folder: out)
            return (result, protecting: (setup.before + setup.after).map(\.path))
        }
        published.files = published.files.mapValues { destination.file(($0 as NSString).lastPathComponent) }
        return published
    }

    /// One index per date for diff, two for CVA; a usable threshold rule.
    static func checkIndices(_ o: ChangeOptions) throws {
        if let problem = o.threshold.problem { throw KubuqiError(.usage, "--threshold \(o.threshold): \(problem)") }
        try ListValidation.checkIndexNames(o.indices, option: "--index")
        guard o.masks.count <= 2 else { throw KubuqiError(.usage, "--mask takes one quality band for both dates or two (before,after), got \(o.masks.count)") }
        if o.scale != nil || o.offset != nil {
            guard o.sensor == nil else {
                throw KubuqiError(.usage, "--scale/--offset apply to index rasters; with --sensor the indices are computed from the scenes' own scaling")
            }
            if let s = o.scale { try ScaleFactor.validate(s) }
            if let f = o.offset, !f.isFinite { throw KubuqiError(.usage, "--offset must be a finite number, got \(f)") }
        }
        let expectedIndices = o.method == .diff ? 1 : 2
        guard o.indices.count == expectedIndices else {
            throw KubuqiError(.usage, "--method \(o.method.rawValue) takes \(expectedIndices) ind\(expectedIndices == 1 ? "ex" : "ices"), got \(o.indices.joined(separator: ","))")
        }
    }

    /// The inputs of a run: the index rasters of both dates on one grid, the change kernel.
    struct Setup {
        var before: [BandSelection]
        var after: [BandSelection]
        var inputs: [PixelInput]
        var grid: Grid
        var signs: [Float]
        var change: SpectralIndex.Kernel
        var inputOrder: [Int]
        /// Upper bound of the |d| histogram (from the whole inputs' ranges, the same for every tile).
        var histogramLimit: Double
    }

    /// Checks the options, computes the index rasters of scenes, opens and aligns the inputs.
    static func prepare(_ o: ChangeOptions, work: WorkFolder) throws -> Setup {
        let expectedIndices = o.method == .diff ? 1 : 2
        let (before, after) = try indexRasters(o, work: work)
        let files = InputRasters()
        let beforeBands = try before.map { try files.band($0) }
        var afterBands = try after.map { try files.band($0) }
        // Each index raster: band 1 of a multi-band file read without :BAND is
        // noted, and one written by kubuqi-monitor names its index: a different
        // --index would orient the change the wrong way (BSI rises where NDVI falls).
        let opened = zip(0..., zip(before, beforeBands)).map { (k: $0, date: "before", selection: $1.0, band: $1.1) }
            + zip(0..., zip(after, afterBands)).map { (k: $0, date: "after", selection: $1.0, band: $1.1) }
        for r in opened {
            if o.sensor == nil {
                InputRasters.noteFirstOfSeveral(r.band, selection: r.selection, as: "the \(r.date) \(o.indices[r.k]) raster")
            }
            guard let declared = r.band.dataset.metadataItem("KUBUQI_INDEX"), r.k < o.indices.count,
                  declared.lowercased() != o.indices[r.k].lowercased() else { continue }
            throw KubuqiError(.usage, "\(r.band.dataset.path): holds \(declared) (its KUBUQI_INDEX metadata) but the change is oriented for \(o.indices[r.k]) (--index, default ndvi); "
                              + "the signs of degradation and recovery depend on the index, so give --index \(declared.lowercased())")
        }
        let grid = beforeBands[0].dataset.grid
        try files.requireSameGrid(beforeBands)
        for (i, b) in afterBands.enumerated() {
            guard let diff = b.dataset.grid.difference(from: grid) else { continue }  // b's values first, as b is named first
            guard o.align else {
                throw KubuqiError(.input, "\(b.dataset.path): not on the grid of \(beforeBands[0].dataset.path): \(diff); give --align to resample it")
            }
            afterBands[i] = try IndexJob.align(b, onto: grid, method: .bilinear)
            Diagnostics.note("--align: resampled \(b.dataset.path) onto the grid of \(beforeBands[0].dataset.path) (bilinear)")
        }
        var inputs: [PixelInput] = []
        for k in 0..<expectedIndices { inputs += [try scaled(beforeBands[k], o), try scaled(afterBands[k], o)] }
        warnOutOfRange(inputs, indices: (0..<expectedIndices).flatMap { [o.indices[$0], o.indices[$0]] }, scaleGiven: o.scale != nil)
        let signs: [Float] = o.indices.map { inverted.contains($0.lowercased()) ? -1 : 1 }
        let histogramLimit = changeRange(inputs, method: o.method)
        // Quality masks of index rasters (scenes were masked when their indices were computed).
        var change = changeKernel(method: o.method, signs: signs)
        if o.sensor == nil, !o.masks.isEmpty {
            var rules: [PixelMask] = []
            for m in o.masks {
                let band = try files.band(m.selection)
                if let diff = grid.difference(from: band.dataset.grid) {
                    throw KubuqiError(.input, "\(band.dataset.path): the --mask band is not on the grid of \(beforeBands[0].dataset.path): \(diff)")
                }
                inputs.append(PixelInput(band: band, nodata: .some(nil)))
                rules.append(PixelMask(band: band, rule: m.rule.rule))
            }
            change = maskedKernel(change, masks: rules, first: inputs.count - rules.count)
        }
        return Setup(before: before, after: after, inputs: inputs, grid: grid, signs: signs,
                     change: change, inputOrder: Array(0..<inputs.count), histogramLimit: histogramLimit)
    }

    /// An index raster read with --scale/--offset when given (over its declared scaling), else its declared scaling.
    static func scaled(_ band: RasterBand, _ o: ChangeOptions) throws -> PixelInput {
        guard o.scale != nil || o.offset != nil else { return try PixelInput.declared(band) }
        let scale = o.scale ?? 1, offset = o.offset ?? 0
        if let d = band.declaredScaling, Float(d.scale) != scale || Float(d.offset) != offset {
            Diagnostics.note("\(band.dataset.path) declares scale \(d.scale) and offset \(d.offset); --scale/--offset override them (\(scale), \(offset))")
        }
        return PixelInput(band: band, scale: scale, offset: offset)
    }

    /// Warns when an input's values (as scaled) are far outside its index's range: more than
    /// `outOfRangeFactor` times the range's largest magnitude (NDVI beyond +-5), the mark of an
    /// index stored x10000 (or x100) without scale metadata, or of an undeclared nodata value.
    static func warnOutOfRange(_ inputs: [PixelInput], indices: [String], scaleGiven: Bool) {
        for (input, name) in zip(inputs, indices) {
            guard let range = IndexJob.valueRange(name), let r = try? input.band.approximateRange() else { continue }
            let lo = r.min * Double(input.scale) + Double(input.offset), hi = r.max * Double(input.scale) + Double(input.offset)
            let bound = Double(max(abs(range.lowerBound), abs(range.upperBound)))
            let largest = max(abs(lo), abs(hi))
            guard largest > outOfRangeFactor * bound else { continue }
            let hint = scaleGiven ? "check --scale/--offset" : "is it stored x\(String(format: "%.0f", pow(10, (log10(largest / bound)).rounded(.up)))) without scale metadata? give --scale \(String(format: "%g", pow(10, -(log10(largest / bound)).rounded(.up))))"
            Diagnostics.warn("\(input.band.dataset.path): \(name.uppercased()) values span \(String(format: "%g", lo))..\(String(format: "%g", hi)), far outside \(name.uppercased())'s \(String(format: "%g", range.lowerBound))..\(String(format: "%g", range.upperBound)); \(hint)")
        }
    }

    /// How far outside an index's range values must be for the warning.
    static let outOfRangeFactor = 5.0

    /// The statistics pass over the grid (or one region of it): exact moments of d and the |d| histogram;
    /// `writing` (``valueOutputs(_:setup:folder:)``, whose first output is d) are written on the way.
    static func statisticsPass(_ setup: Setup, region: Window?, histogram: Bool, writing: [PixelOutput] = [], quiet: Bool) throws -> ChangeTileFigures {
        let survey = DifferenceSurvey(limit: setup.histogramLimit, output: 0, histogram: histogram)
        let outputs = writing.isEmpty ? [PixelOutput(kernel: setup.change, inputs: setup.inputOrder, spec: nil)] : writing
        _ = try StreamedCalculation.run(inputs: setup.inputs, outputs: outputs,
                                        region: region, observer: survey, progress: ProgressBar("statistics", quiet: quiet).update)
        return survey.merged()
    }

    /// The thresholds from the region's figures; input errors when there is nothing to compare.
    /// A threshold is never 0. When the change values are constant, no pixel departs from
    /// the rest: `sigma` (any constant) and `otsu` (a change of 0: an unchanged pair) class
    /// every valid pixel as stable, with a warning; `otsu` on a uniform non-zero shift, and
    /// values that vary by less than rounding without being constant, stop with the reason.
    static func deriveThresholds(_ o: ChangeOptions, before: String, after: String, figures: ChangeTileFigures) throws -> ChangeThresholds {
        let stats = figures.difference.summary
        guard stats.count > 0 else {
            throw KubuqiError(.input, "\(before) and \(after): no pixel is valid at both dates (all nodata); nothing to compare")
        }
        let constant = constantChange(stats)
        guard let thresholds = o.threshold.thresholds(statistics: stats, absoluteHistogram: figures.absoluteHistogram) else {
            let what = constant.map { $0 == "0" ? unchangedPair : "the change is \($0) at every valid pixel" }
                ?? "the change values hardly vary (standard deviation \(String(format: "%g", stats.standardDeviation ?? 0)))"
            throw KubuqiError(.input, "\(before) and \(after): \(what), so \(o.threshold) thresholds would be 0 and class every pixel as change; "
                              + "there is no change to separate (give --threshold fixed:V to class a uniform shift)")
        }
        if thresholds.isNoChange, let value = constant {
            let what = value == "0" ? unchangedPair : "the change is \(value) at every valid pixel (a uniform shift, which \(o.threshold) measures from)"
            Diagnostics.warn("\(before) and \(after): \(what); no pixel departs from the rest, so every valid pixel is stable"
                             + (value == "0" ? "" : " (give --threshold fixed:V to class a uniform shift)"))
        }
        return thresholds
    }

    /// How an unchanged pair's change is named in messages.
    static let unchangedPair = "the change is 0 at every valid pixel (the two dates are identical there)"

    /// The constant change value as printed ("0" for an unchanged pair, -0 included), or nil when the values vary.
    static func constantChange(_ stats: SummaryStatistics) -> String? {
        guard ThresholdMethod.isConstant(stats) else { return nil }
        let value = String(format: "%g", stats.mean ?? stats.minimum)
        return value == "-0" ? "0" : value
    }

    /// The written outputs: class codes (at `classPath`), magnitude and, for CVA, direction in `folder`.
    static func classOutputs(_ o: ChangeOptions, setup: Setup, thresholds: ChangeThresholds, classPath: String, folder: OutputFolder) -> [PixelOutput] {
        [classOutput(o, setup: setup, thresholds: thresholds, classPath: classPath)] + valueOutputs(o, setup: setup, folder: folder)
    }

    /// The class codes of `setup`'s change value, written at `classPath`.
    static func classOutput(_ o: ChangeOptions, setup: Setup, thresholds: ChangeThresholds, classPath: String) -> PixelOutput {
        PixelOutput(kernel: classKernel(setup.change, thresholds), inputs: setup.inputOrder,
                    spec: spec(classPath, .classes, o, "change class", [("KUBUQI_THRESHOLDS", thresholdsMetadata(o, thresholds))]))
    }

    /// A setup whose one input is the change value d already written at `path` (the magnitude
    /// raster, Float32, NaN where d is not defined) and whose change kernel copies it: classing
    /// it gives the classes of the original inputs, value for value.
    static func valuesSetup(_ setup: Setup, path: String) throws -> Setup {
        var s = setup
        s.inputs = [PixelInput(band: try Dataset.open(path).band(1), nodata: .some(nil))]
        s.inputOrder = [0]
        s.change = { ins, _, out in _ = out.update(fromContentsOf: ins[0]) }
        return s
    }

    /// The change value's own rasters: magnitude (d) first and, for CVA, direction, in `folder`.
    static func valueOutputs(_ o: ChangeOptions, setup: Setup, folder: OutputFolder) -> [PixelOutput] {
        var outputs = [
            PixelOutput(kernel: setup.change, inputs: setup.inputOrder,
                        spec: spec(folder.file("change-magnitude.tif"), .float32, o, o.method == .diff ? "\(o.indices[0].uppercased()) difference (after - before, oriented)" : "change vector magnitude (signed)", [])),
        ]
        if o.method == .cva {
            outputs.append(PixelOutput(kernel: directionKernel(signs: setup.signs), inputs: setup.inputOrder,
                                       spec: spec(folder.file("change-direction.tif"), .float32, o, "change vector direction (degrees)", [])))
        }
        return outputs
    }

    /// The single-band index rasters of each date (computed from scenes when a sensor is given).
    static func indexRasters(_ o: ChangeOptions, work: WorkFolder) throws -> ([BandSelection], [BandSelection]) {
        guard let sensor = o.sensor else {
            let split = { (s: String) in s.split(separator: ",").map { BandSelection(parsing: String($0)) } }
            let (b, a) = (split(o.before), split(o.after))
            guard b.count == o.indices.count, a.count == o.indices.count else {
                throw KubuqiError(.usage, "--method \(o.method.rawValue) needs \(o.indices.count) raster(s) per date (comma-separated, one per index: \(o.indices.joined(separator: ",")))")
            }
            return (b, a)
        }
        var dates: [[BandSelection]] = []
        for (label, scene) in [("before", o.before), ("after", o.after)] {
            let folder = work.file(label)
            try SafeFiles.makeFolders(label, under: work.path)
            let target = o.indices.count == 1 ? (folder as NSString).appendingPathComponent("\(o.indices[0]).tif") : folder
            let mask = o.masks.isEmpty ? nil : o.masks[label == "before" ? 0 : o.masks.count - 1]
            _ = try IndexJob.run(IndexOptions(indices: o.indices, output: target, scene: (scene, sensor), mask: mask, quiet: o.quiet))
            dates.append(o.indices.map { BandSelection(path: (folder as NSString).appendingPathComponent("\($0).tif")) })
        }
        return (dates[0], dates[1])
    }

    /// The change value: oriented difference (diff) or signed change-vector magnitude (cva).
    static func changeKernel(method: ChangeOptions.Method, signs: [Float]) -> SpectralIndex.Kernel {
        switch method {
        case .diff:
            let s = signs[0]
            return { ins, _, out in
                VectorMap.binary(ins[1], nodata: nil, ins[0], nodata: nil, into: out) { after, before in (after - before) * s }
            }
        case .cva:
            return { ins, _, out in
                VectorMap.nary(ins, nodata: [nil, nil, nil, nil], into: out) { v in
                    let d1 = (v[1] - v[0]) * signs[0], d2 = (v[3] - v[2]) * signs[1]
                    let magnitude = (d1 * d1 + d2 * d2).squareRoot()
                    // Sign by the projection on the degradation-recovery axis (d1 + d2).
                    return magnitude.replacing(with: -magnitude, where: (d1 + d2) .< 0)
                }
            }
        }
    }

    /// The change value, NaN where a quality mask (inputs `first`...) excludes the pixel.
    static func maskedKernel(_ change: @escaping SpectralIndex.Kernel, masks: [PixelMask], first: Int) -> SpectralIndex.Kernel {
        { ins, nodata, out in
            change(ins, nodata, out)
            for (k, mask) in masks.enumerated() {
                let q = ins[first + k]
                for i in 0..<out.count where mask.excludes(q[i]) { out[i] = .nan }
            }
        }
    }

    /// Direction of the oriented change vector in degrees (0 = along index 1's improvement).
    static func directionKernel(signs: [Float]) -> SpectralIndex.Kernel {
        { ins, _, out in
            for i in 0..<out.count {
                let d1 = (ins[1][i] - ins[0][i]) * signs[0], d2 = (ins[3][i] - ins[2][i]) * signs[1]
                let deg = atan2(d2, d1) * 180 / .pi
                out[i] = deg.isFinite ? (deg < 0 ? deg + 360 : deg) : .nan
            }
        }
    }

    /// The class raster's KUBUQI_THRESHOLDS: the rule and its numbers, or that every pixel is stable.
    static func thresholdsMetadata(_ o: ChangeOptions, _ t: ChangeThresholds) -> String {
        t.isNoChange ? "\(o.threshold) centre \(t.centre): constant change values, every valid pixel stable"
            : "\(o.threshold) centre \(t.centre) change \(t.change) strong \(t.strong)"
    }

    static func classKernel(_ change: @escaping SpectralIndex.Kernel, _ t: ChangeThresholds) -> SpectralIndex.Kernel {
        { ins, nodata, out in
            change(ins, nodata, out)
            t.classify(UnsafeBufferPointer(out), into: out)
        }
    }

    static func spec(_ path: String, _ encoding: IndexEncoding, _ o: ChangeOptions, _ description: String,
                     _ extra: [(String, String)]) -> RasterOutputSpec {
        RasterOutputSpec(path: path, encoding: encoding, creationOptions: o.creationOptions, bandDescription: description,
                         metadata: [("KUBUQI_METHOD", o.method.rawValue), ("KUBUQI_INDICES", o.indices.joined(separator: ",")),
                                    ("KUBUQI_BEFORE", o.before), ("KUBUQI_AFTER", o.after)]
                                    + (o.masks.isEmpty ? [] : [("KUBUQI_MASK", o.masks.map(\.sceneMask.summary).joined(separator: "; "))])
                                    + (o.scale != nil || o.offset != nil ? [("KUBUQI_INPUT_SCALING", "x \(o.scale ?? 1) + \(o.offset ?? 0)")] : [])
                                    + extra,
                         storage: .stagedForCOG)
    }

    /// A bound on |change| from the inputs' approximate ranges, for the Otsu histogram.
    /// The inputs' stored ranges are scaled like their values (a band's declared scale, NDVI x 10000 -> NDVI).
    static func changeRange(_ inputs: [PixelInput], method: ChangeOptions.Method) -> Double {
        // A band with no valid pixel has no range; the statistics pass then reports the real fault.
        let ranges = inputs.compactMap { i in
            (try? i.band.approximateRange()).map { r in
                (min: min(r.min, r.max) * Double(i.scale) + Double(i.offset), max: max(r.min, r.max) * Double(i.scale) + Double(i.offset))
            }
        }.map { $0.min <= $0.max ? $0 : (min: $0.max, max: $0.min) }
        guard !ranges.isEmpty else { return 1 }
        let span = max(1e-6, (ranges.map(\.max).max()! - ranges.map(\.min).min()!))
        return method == .diff ? span : span * 2.0.squareRoot()
    }

    /// Pixels of a minimum mapping unit (hectares converted with the grid's pixel area at its centre).
    /// A usage error when the unit is larger than the whole grid (or not a finite size).
    static func pixels(for mmu: ChangeOptions.MinimumMappingUnit, grid: Grid) throws -> Int {
        let n: Double
        switch mmu {
        case .pixels(let p): n = Double(p)
        case .hectares(let ha):
            let area = GridAreas(grid: grid).centralPixelArea
            n = (ha * 10_000 / area).rounded(.up)
        }
        let total = Double(grid.width) * Double(grid.height)
        guard n.isFinite, n <= total else {
            throw KubuqiError(.usage, "--mmu \(mmu) is \(n.isFinite ? String(format: "%.0f", n) : "an unbounded number of") pixels, "
                              + "more than the whole grid (\(grid.width) x \(grid.height) = \(Int(total)) pixels)")
        }
        return Int(n)
    }

    /// Areas per class of the final class raster over the whole area and, with zones, per zone.
    /// Runs the class pass (`outputs[0]` the class codes) and counts the areas of every class,
    /// per zone of `zoning` too, in the same pass; `also` observe the same chunks (the tiles'
    /// statistics). One mechanism for the single-machine run and the tiles.
    static func classPass(_ setup: Setup, outputs: [PixelOutput], zoning: ZoneLayer?, region: Window?, also: [ChunkObserver] = [],
                          label: String, quiet: Bool) throws -> AreaCounter {
        var inputs = setup.inputs, outputs = outputs, zoneOutputs: [Int] = []
        let copy: SpectralIndex.Kernel = { ins, _, out in _ = out.update(fromContentsOf: ins[0]) }
        for raster in zoning?.rasters ?? [] {
            inputs.append(PixelInput(band: try Dataset.open(raster).band(1)))
            outputs.append(PixelOutput(kernel: copy, inputs: [inputs.count - 1], spec: nil))
            zoneOutputs.append(outputs.count - 1)
        }
        let counter = AreaCounter(grid: setup.grid, nodataCode: Int(ChangeClass.nodata), classes: 0, zones: zoneOutputs)
        _ = try StreamedCalculation.run(inputs: inputs, outputs: outputs, region: region, observer: ObserverGroup([counter] + also),
                                        progress: ProgressBar(label, quiet: quiet).update)
        return counter
    }

    /// Areas per class (and zone) read back from a class raster (after the sieve).
    static func tallyAreas(classPath: String, zones: ZoneLayer?, grid: Grid, quiet: Bool) throws -> (ClassAreaTally, ClassAreaTally?) {
        var inputs = [PixelInput(band: try Dataset.open(classPath).band(1))]
        for z in zones?.rasters ?? [] { inputs.append(PixelInput(band: try Dataset.open(z).band(1))) }
        let counter = AreaCounter(grid: grid, nodataCode: Int(ChangeClass.nodata), zones: Array(inputs.indices.dropFirst()))
        let copy: SpectralIndex.Kernel = { ins, _, out in _ = out.update(fromContentsOf: ins[0]) }
        let outputs = inputs.indices.map { PixelOutput(kernel: copy, inputs: [$0], spec: nil) }
        _ = try StreamedCalculation.run(inputs: inputs, outputs: outputs, observer: counter,
                                        progress: ProgressBar("areas", quiet: quiet).update)
        return (counter.mergedWhole(), zones == nil ? nil : counter.mergedZones())
    }
}
