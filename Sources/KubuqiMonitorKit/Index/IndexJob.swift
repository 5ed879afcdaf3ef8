import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The result of an `index` run, one per index.
public struct IndexResult: Sendable {
    /// The index name.
    public var index: String
    /// The output path.
    public var path: String
    /// Size of the output grid.
    public var width: Int, height: Int
    /// Statistics of the computed index (before Int16 encoding).
    public var statistics: SummaryStatistics
}

/// `index`: spectral indices from a scene or band files, in one streamed pass.
public enum IndexJob {
    /// Runs the job described by `options`; with `region` (a tile of a plan), only that window of the grid
    /// is computed and written (FVC and DDI then need their scene figures given in the options).
    public static func run(_ options: IndexOptions, progress: ((Double) -> Void)? = nil, region: Window? = nil,
                           checkGrid: ((Grid) throws -> Void)? = nil) throws -> [IndexResult] {
        guard !options.indices.isEmpty else { throw KubuqiError(.usage, "name at least one index (see index --list)") }
        try ListValidation.checkIndexNames(options.indices, option: "--index")
        try ScaleFactor.validate(options.scale)
        guard options.offset.isFinite else { throw KubuqiError(.usage, "--offset must be a finite number, got \(options.offset)") }
        guard options.saviL.isFinite, options.saviL >= 0, options.saviL <= 1 else {
            throw KubuqiError(.usage, "--savi-l must be a soil factor L within 0...1 (0 is NDVI, 0.5 Huete's choice, 1 very low cover), got \(options.saviL)")
        }
        try options.sceneDependent.validate()
        if let b = options.sceneDependent.gradeBreaks, DesertificationGrades(thresholds: b) == nil {
            throw KubuqiError(.usage, "--grade-breaks needs four ascending DDI values, got \(b)")
        }
        let indices = try options.indices.map { try resolve($0, options: options) }
        let (loaded, roles, sceneBands) = try Self.sceneBands(options, indices: indices)
        var scene = loaded

        let files = InputRasters()
        var bands = try sceneBands.map { try files.band($0.selection) }
        if options.scene == nil {
            for (i, band) in bands.enumerated() {
                InputRasters.noteFirstOfSeveral(band, selection: sceneBands[i].selection, as: roles[i].rawValue)
            }
        }
        if let m = options.mask {
            guard !options.noMask else { throw KubuqiError(.usage, "--mask and --no-mask contradict each other") }
            scene?.mask = m.sceneMask
        } else if let s = options.scene, !options.noMask, scene?.mask == nil {
            Diagnostics.note("\(s.path): no quality band found (\(qualityBandName(s.sensor))): the cloud mask is off; give --mask FILE --mask-rule RULE to mask, or --no-mask to silence this note")
        }
        let useMask = !options.noMask && scene?.mask != nil
        var maskBand = useMask ? try files.band(scene!.mask!.selection) : nil
        var notes: [(String, String)] = []
        if options.scene == nil && options.resolution == nil {
            try files.requireSameGrid(bands + (maskBand.map { [$0] } ?? []))
        } else {
            let target = try targetGrid(bands, resolution: options.resolution)
            for (i, b) in bands.enumerated() where b.dataset.grid.difference(from: target) != nil {
                let method = options.resampling ?? defaultResampling(from: b.dataset.grid, to: target)
                bands[i] = try align(b, onto: target, method: method)
                Diagnostics.note("resampled \(b.dataset.path) onto the \(describe(target)) grid (\(method.rawValue))")
                notes.append(("KUBUQI_RESAMPLED_\(roles[i].rawValue.uppercased())", method.rawValue))
            }
            if let m = maskBand, m.dataset.grid.difference(from: target) != nil {
                maskBand = try align(m, onto: target, method: .nearest)
            }
        }

        // Reflectance outside its plausible range is nodata; the share outside is reported after the run.
        let inputs = zip(bands, sceneBands).map { band, sb in
            PixelInput(band: band, scale: sb.scale, offset: sb.offset, nodata: sb.nodata.map { Optional($0) } ?? nil,
                       validMaximum: sb.validMaximum, validRange: sb.plausible,
                       rangeCheck: RangeCheck(sb.plausible == ReflectanceRange.unscaled ? ReflectanceRange.generic : sb.plausible ?? ReflectanceRange.generic))
        }
        let mask = maskBand.map { PixelMask(band: $0, rule: scene!.mask!.rule) }
        try checkGrid?(bands[0].dataset.grid)

        // FVC and DDI need figures of the whole scene first.
        let fixed = try settleSceneDependent(indices, roles: roles, inputs: inputs, mask: mask, options: options)
        // With --ot Int16 the values are quantised as written (x 10000, rounded, clamped), so the
        // statistics describe the file, not values it cannot hold.
        let kernels = indices.map { index -> SpectralIndex.Kernel in
            let k = fixed.kernels[index.name] ?? index.kernel
            guard let encoding = options.encoding.int16Encoding else { return k }
            return { ins, nodata, out in k(ins, nodata, out); quantise(out, encoding) }
        }

        try RasterOutputSpec.checkCreationOptions(options.creationOptions, output: options.output,
                                                  encodings: [options.encoding] + (fixed.grades != nil ? [.classes] : []))
        // A tile (region) writes into its own locked staging folder; otherwise the folder's lock is taken.
        let (paths, folder) = try outputPaths(indices.map(\.name), output: options.output, lock: region == nil)
        // `-o FILE.tif` writes FILE.item.json after the raster is published: a link in its place is refused now.
        if folder == nil && region == nil { try SafeFiles.requireReplaceable(STACCatalog.itemPath(for: paths[0])) }
        // A whole run publishes its rasters through CloudOptimizedOutput (the COG copy encodes them once);
        // a tile's rasters are published by the merge, so they are written as published.
        let storage: RasterOutputSpec.Storage = region == nil ? .stagedForCOG : .published
        var outputs = zip(indices, zip(paths, kernels)).map { index, pk in
            var spec = RasterOutputSpec(path: pk.0, encoding: options.encoding, creationOptions: options.creationOptions,
                                        bandDescription: index.name.uppercased(), storage: storage)
            spec.metadata = [("KUBUQI_INDEX", index.name.uppercased()), ("KUBUQI_FORMULA", index.formula),
                             ("KUBUQI_SENSOR", scene?.sensor ?? "")]
            spec.metadata += index.roles.map { r in
                let sb = sceneBands[roles.firstIndex(of: r)!]
                let scaling = sb.scale == 1 && sb.offset == 0 ? "" : " x \(sb.scale) + \(sb.offset)"
                return ("KUBUQI_BAND_\(r.rawValue.uppercased())", "\(sb.selection)\(scaling)")
            }
            spec.metadata.append(("KUBUQI_MASK", mask == nil ? "none" : scene!.mask!.summary))
            // Only the resampling of the bands this index reads.
            let ownNotes = notes.filter { key, _ in index.roles.contains { "KUBUQI_RESAMPLED_" + $0.rawValue.uppercased() == key } }
            spec.metadata += ownNotes + (fixed.metadata[index.name] ?? [])
            if options.encoding == .int16 { spec.metadata.append(("KUBUQI_SCALE", "0.0001")) }
            return PixelOutput(kernel: pk.1, inputs: index.roles.map { roles.firstIndex(of: $0)! }, spec: spec)
        }
        var names = indices.map(\.name), allPaths = paths
        if let grades = fixed.grades, let ddi = indices.first(where: { $0.name == "ddi" }) {
            let ddiPath = paths[indices.firstIndex { $0.name == "ddi" }!]
            let path = indices.count == 1 ? ((ddiPath as NSString).deletingPathExtension + "-grades.tif")
                                          : ((options.output as NSString).appendingPathComponent("ddi-grades.tif"))
            let spec = RasterOutputSpec(path: path, encoding: .classes, creationOptions: options.creationOptions,
                                        bandDescription: "desertification grade (1 none .. 5 extreme)",
                                        metadata: [("KUBUQI_INDEX", "DDI_GRADES"),
                                                   ("KUBUQI_GRADE_THRESHOLDS", grades.thresholds.map { String($0) }.joined(separator: ","))]
                                                   + (fixed.metadata["ddi"] ?? []), storage: storage)
            outputs.append(PixelOutput(kernel: SceneDependentIndex.gradeKernel(fixed.kernels["ddi"]!, grades),
                                       inputs: ddi.roles.map { roles.firstIndex(of: $0)! }, spec: spec))
            names.append("ddi-grades")
            allPaths.append(path)
        }

        let bar = ProgressBar(indices.map { $0.name.uppercased() }.joined(separator: ","), quiet: options.quiet)
        let stats: [SummaryStatistics]
        do {
            stats = try StreamedCalculation.run(inputs: inputs, mask: mask, outputs: outputs, region: region,
                                                progress: { f in bar.update(f); progress?(f) })
        } catch {
            folder?.cleanUpAfterFailure()
            throw error
        }
        if fixed.grades != nil { try ClassLegend.attach(to: allPaths.last!, entries: SceneDependentIndex.gradeLegend) }
        if region == nil {   // a tile's rasters are merged later, as COGs then
            try IndexPublication.publish(names: names, paths: allPaths, folder: folder, options: options, sceneBands: sceneBands,
                                         classes: fixed.grades == nil ? [:] : ["ddi-grades": SceneDependentIndex.gradeLegend])
        }
        reportRanges(inputs, roles: roles, sceneBands: sceneBands, byRole: Set(options.bands.keys))
        let grid = region.map { bands[0].dataset.grid.subgrid($0) } ?? bands[0].dataset.grid
        return zip(names, zip(allPaths, stats)).map { name, ps in
            IndexResult(index: name, path: ps.0, width: grid.width, height: grid.height, statistics: ps.1)
        }
    }

    /// The scene (or the bands given by role), the band roles the indices need, each
    /// once, and their bands (metadata only, no pixel read).
    static func sceneBands(_ options: IndexOptions, indices: [SpectralIndex]) throws -> (Scene?, [BandRole], [SceneBand]) {
        var scene = try options.scene.map { try $0.sensor.load($0.path, options: options.sensorOptions) }
        for (role, selection) in options.bands {
            if scene == nil { scene = Scene(sensor: "bands given by role", source: "command line", bands: [:]) }
            let scaled = options.scale != 1 || options.offset != 0
            scene!.bands[role] = SceneBand(selection, scale: options.scale, offset: options.offset,
                                           plausible: scaled ? ReflectanceRange.generic : ReflectanceRange.unscaled)
        }
        // The roles needed, each read once however many indices use it.
        var roles: [BandRole] = []
        for index in indices { for r in index.roles where !roles.contains(r) { roles.append(r) } }
        let bands: [SceneBand] = try roles.map { role in
            let user = indices.first { $0.roles.contains(role) }!.name
            guard let scene else { throw KubuqiError(.usage, "\(user) needs the \(role) band: give --\(role) FILE[:BAND] or --scene") }
            if options.scene == nil, scene.bands[role] == nil {
                throw KubuqiError(.usage, "\(user) needs the \(role) band: give --\(role) FILE[:BAND]")
            }
            return try scene.band(role, for: user)
        }
        return (scene, roles, bands)
    }

    /// The quality band a sensor preset looks for, for the "mask is off" note.
    static func qualityBandName(_ sensor: SensorPreset) -> String {
        switch sensor {
        case .sentinel2: return "looked for SCL"
        case .landsat: return "looked for *_QA_PIXEL.TIF"
        case .modis13: return "looked for VI_Quality"
        case .modis09: return "the MOD09 preset reads no state band"
        }
    }

    /// Values as an Int16 x 10000 file holds them (rounded, clamped to +-3.2767; NaN stays NaN).
    static func quantise(_ out: UnsafeMutableBufferPointer<Float>, _ encoding: ScaledInt16) {
        let lo: Float = -32767, hi: Float = 32767
        for i in 0..<out.count where !out[i].isNaN {
            out[i] = min(max((out[i] * encoding.scale).rounded(.toNearestOrAwayFromZero), lo), hi) / encoding.scale
        }
    }

    /// Says when a large share of a band's values was outside its plausible reflectance
    /// (more than ``ReflectanceRange/reportedShare``), and notes any smaller share made nodata.
    static func reportRanges(_ inputs: [PixelInput], roles: [BandRole], sceneBands: [SceneBand], byRole: Set<BandRole>) {
        for (i, input) in inputs.enumerated() {
            guard let check = input.rangeCheck, check.result.outside > 0 else { continue }
            let sb = sceneBands[i], role = roles[i].rawValue, path = input.band.dataset.path
            let percent = String(format: "%.1f %%", 100 * check.share)
            let range = "\(String(format: "%g", check.range.lowerBound))..\(String(format: "%g", check.range.upperBound))"
            let unscaled = sb.plausible == ReflectanceRange.unscaled
            if check.share > ReflectanceRange.reportedShare {
                if unscaled {
                    Diagnostics.warn("\(path): \(percent) of the \(role) band's values are outside the plausible reflectance \(range): did you forget --scale 0.0001? "
                                     + "(values are used as given; normalized differences such as NDVI survive a common scale, EVI, SAVI, MSAVI2, EVI2, albedo and DDI do not)")
                } else {
                    let scaling = "x \(String(format: "%g", sb.scale)) + \(String(format: "%g", sb.offset))"
                    let hint = byRole.contains(roles[i]) ? (sb.scale == 1 ? "did you forget --scale 0.0001?" : "check --scale/--offset") : "is this the product --sensor names?"
                    Diagnostics.warn("\(path): \(percent) of the \(role) band's valid values are outside the plausible reflectance \(range) after scaling (\(scaling)) and are nodata: \(hint)")
                }
            } else if !unscaled || check.range != ReflectanceRange.generic {
                Diagnostics.note("\(path): \(percent) of the \(role) band's valid values are outside the plausible reflectance \(range) after scaling and are nodata")
            }
        }
    }

    /// Kernels, metadata and grades of FVC and DDI once the scene's figures are known.
    struct SettledIndices {
        var kernels: [String: SpectralIndex.Kernel] = [:]
        var metadata: [String: [(String, String)]] = [:]
        var grades: DesertificationGrades?
    }

    /// Derives what FVC and DDI need from the scene (statistics passes) or from the options.
    static func settleSceneDependent(_ indices: [SpectralIndex], roles: [BandRole], inputs: [PixelInput], mask: PixelMask?,
                                     options: IndexOptions) throws -> SettledIndices {
        var settled = SettledIndices()
        let o = options.sceneDependent
        let wantsFVC = indices.contains { $0.name == "fvc" }, wantsDDI = indices.contains { $0.name == "ddi" }
        guard wantsFVC || wantsDDI else { return settled }
        let at = { (r: BandRole) in roles.firstIndex(of: r)! }
        var ends: FractionalVegetationCover.EndMembers?
        if wantsFVC, let s = o.fvcSoil, let v = o.fvcVegetation {
            guard let e = FractionalVegetationCover.EndMembers(soil: s, vegetation: v) else {
                throw KubuqiError(.usage, "--fvc-soil (\(s)) must be below --fvc-vegetation (\(v))")
            }
            ends = e
        }
        var k = o.ddiK
        let surveyFVC = wantsFVC && ends == nil, surveyDDI = wantsDDI && k == nil
        if surveyFVC || surveyDDI {
            let survey = SceneDependentIndex.Survey(histogram: surveyFVC, fit: surveyDDI)
            var outs = [PixelOutput(kernel: SceneDependentIndex.ndviKernel, inputs: [at(.nir), at(.red)], spec: nil)]
            if surveyDDI { outs.append(PixelOutput(kernel: SpectralIndex.albedo.kernel, inputs: SpectralIndex.albedo.roles.map(at), spec: nil)) }
            _ = try StreamedCalculation.run(inputs: inputs, mask: mask, outputs: outs, observer: survey,
                                            progress: ProgressBar("scene statistics", quiet: options.quiet).update)
            if surveyFVC {
                var h = survey.ndviHistogram.values[0]
                for p in survey.ndviHistogram.values.dropFirst() { h.merge(p) }
                guard let e = FractionalVegetationCover.endMembers(from: h) else {
                    throw KubuqiError(.input, "\(inputs[0].band.dataset.path): cannot derive the FVC end-members (the scene's NDVI 5th and 95th percentiles are equal or there is no valid pixel); give --fvc-soil and --fvc-vegetation")
                }
                if o.fvcSoil == nil && o.fvcVegetation == nil {
                    try SceneFitLimits.checkEndMembers(e, source: inputs[0].band.dataset.path)
                    ends = e
                } else {
                    // One end-member given: it replaces the scene's, the other is the scene's.
                    ends = try o.fvcEndMembers(completing: e, source: inputs[0].band.dataset.path)
                }
            }
            if surveyDDI {
                let acc = survey.fit.values.reduce(into: LinearFitAccumulator()) { $0.merge($1) }
                guard let fit = DesertificationDifferenceIndex.fit(acc) else {
                    throw KubuqiError(.input, "\(inputs[0].band.dataset.path): the scene's albedo does not fall as NDVI rises (slope \(acc.slope.map { String($0) } ?? "undefined")), so DDI's k cannot be fitted; give --ddi-k")
                }
                if let weak = SceneFitLimits.checkFit(fit, source: inputs[0].band.dataset.path) {
                    settled.metadata["ddi", default: []] += [("KUBUQI_DDI_FIT_WARNING", weak)]
                }
                k = fit.k
                settled.metadata["ddi", default: []] += [("KUBUQI_DDI_FIT", "albedo = \(fit.slope) NDVI + \(fit.intercept), r = \(fit.correlation.map { String($0) } ?? "n/a"), n = \(acc.count)")]
            }
        }
        if let ends {
            settled.kernels["fvc"] = { ins, _, out in
                NDVI.apply(nir: ins[0], nirNodata: nil, red: ins[1], redNodata: nil, into: out)
                FractionalVegetationCover.apply(ndvi: UnsafeBufferPointer(out), ndviNodata: nil, endMembers: ends, into: out)
            }
            settled.metadata["fvc"] = [("KUBUQI_FVC_NDVI_SOIL", String(ends.soil)), ("KUBUQI_FVC_NDVI_VEGETATION", String(ends.vegetation)),
                                       ("KUBUQI_FVC_SOURCE", !surveyFVC ? "given"
                                            : o.fvcSoil != nil ? "soil given, vegetation the scene's 95th percentile"
                                            : o.fvcVegetation != nil ? "vegetation given, soil the scene's 5th percentile"
                                            : "scene 5th/95th percentiles")]
        }
        if let k {
            let kernel = SceneDependentIndex.ddiKernel(k: k)
            settled.kernels["ddi"] = kernel
            settled.metadata["ddi", default: []] += [("KUBUQI_DDI_K", String(k)), ("KUBUQI_DDI_K_SOURCE", surveyDDI ? "fitted on the scene" : "given")]
            if o.grades {
                if let b = o.gradeBreaks {
                    guard let g = DesertificationGrades(thresholds: b) else {
                        throw KubuqiError(.usage, "--grade-breaks needs four ascending DDI values, got \(b)")
                    }
                    settled.grades = g
                } else {
                    let bound = Double(abs(k)) + 1
                    let histogram = SceneDependentIndex.DDIHistogram(range: -bound...bound)
                    _ = try StreamedCalculation.run(inputs: inputs, mask: mask,
                                                    outputs: [PixelOutput(kernel: kernel, inputs: SceneDependentIndex.roles("ddi").map(at), spec: nil)],
                                                    observer: histogram, progress: ProgressBar("DDI breaks", quiet: options.quiet).update)
                    guard let g = DesertificationGrades.naturalBreaks(from: histogram.merged()) else {
                        throw KubuqiError(.input, "\(inputs[0].band.dataset.path): too few distinct DDI values for five natural-break grades; give --grade-breaks")
                    }
                    settled.grades = g
                }
            }
        }
        return settled
    }

    /// The catalogue entry for `name`, with the options' parameters applied.
    static func resolve(_ name: String, options: IndexOptions) throws -> SpectralIndex {
        let lower = name.lowercased()
        if lower == "savi" { return SpectralIndex.savi(l: options.saviL) }
        if SceneDependentIndex.names.contains(lower) {
            let (title, formula) = SceneDependentIndex.title(lower)
            return SpectralIndex(name: lower, title: title, formula: formula, roles: SceneDependentIndex.roles(lower),
                                 validRange: lower == "fvc" ? 0...1 : -3...3, citation: "", kernel: { _, _, _ in })
        }
        guard let index = SpectralIndex.named(lower) else {
            throw KubuqiError(.usage, "index: " + EnumeratedValue.refusal(name, choices: allNames))
        }
        return index
    }

    /// The range an index's values are expected in (nil for an unknown name): the
    /// catalogue's, FVC 0..1, DDI -3..3.
    public static func valueRange(_ name: String) -> ClosedRange<Float>? {
        let lower = name.lowercased()
        if lower == "fvc" { return 0...1 }
        if lower == "ddi" { return -3...3 }
        return SpectralIndex.named(lower)?.validRange
    }

    /// Every index name `index` accepts.
    public static var allNames: [String] { SpectralIndex.catalogue.map(\.name) + ["fvc", "ddi"] }

    /// One index: the output is the file. Several: the output is a folder of
    /// `NAME.tif` (created when its parent exists), returned with the paths.
    /// With `lock`, the folder's lock is taken (two runs never write one folder).
    static func outputPaths(_ names: [String], output: String, lock: Bool = true) throws -> (paths: [String], folder: OutputFolder?) {
        if names.count == 1 { return ([output], nil) }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir), !isDir.boolValue {
            throw KubuqiError.output(output, "several indices need an output folder, and this is a file")
        }
        let folder = try OutputFolder(output)
        if lock {
            do { try folder.lock() } catch {
                folder.cleanUpAfterFailure(keepLock: true)
                throw error
            }
        }
        return (names.map { folder.file("\($0).tif") }, folder)
    }

    /// The finest grid among the bands, or the bands' extent at `resolution`.
    static func targetGrid(_ bands: [RasterBand], resolution: Double?) throws -> Grid {
        let grids = bands.map(\.dataset.grid)
        guard grids.allSatisfy({ $0.geoTransform != nil }) else {
            throw KubuqiError(.input, "\(bands[0].dataset.path): a band without georeferencing cannot be resampled")
        }
        if let resolution {
            guard resolution.isFinite, resolution > 0 else {
                throw KubuqiError(.usage, "--resolution must be a positive finite size, not \(resolution)")
            }
            // Finer than a hundredth of the finest input pixel is no resampling anyone needs,
            // only a grid too large to stream: refused with the sizes named.
            let finest = grids.map { min(abs($0.geoTransform!.pixelWidth), abs($0.geoTransform!.pixelHeight)) }.min()!
            guard resolution >= finest / 100 else {
                throw KubuqiError(.usage, "--resolution \(resolution) is more than 100 times finer than the finest input pixel (\(finest)); "
                                  + "give a size of at least \(finest / 100)")
            }
            if let match = grids.first(where: { abs(abs($0.geoTransform!.pixelWidth) - resolution) < 1e-9 * resolution }) { return match }
            let g = grids[0], t = g.geoTransform!
            let columns = (Double(g.width) * abs(t.pixelWidth) / resolution).rounded()
            let rows = (Double(g.height) * abs(t.pixelHeight) / resolution).rounded()
            guard columns.isFinite, rows.isFinite, columns >= 1, rows >= 1, columns <= Double(Int32.max), rows <= Double(Int32.max) else {
                throw KubuqiError(.usage, "--resolution \(resolution) makes a grid of \(String(format: "%.3g", columns)) x \(String(format: "%.3g", rows)) pixels "
                                  + "over \(Quoted.name(bands[0].dataset.path)); it must give 1 to \(Int32.max) pixels per side")
            }
            let w = Int(columns), h = Int(rows)
            return Grid(width: w, height: h,
                        geoTransform: GeoTransform([t.originX, resolution, 0, t.originY, 0, -resolution]), crsWKT: g.crsWKT)
        }
        return grids.min { abs($0.geoTransform!.pixelWidth) < abs($1.geoTransform!.pixelWidth) }!
    }

    static func defaultResampling(from source: Grid, to target: Grid) -> Resampling {
        abs(source.geoTransform!.pixelWidth) > abs(target.geoTransform!.pixelWidth) ? .bilinear : .average
    }

    static func align(_ band: RasterBand, onto grid: Grid, method: Resampling) throws -> RasterBand {
        do {
            return try band.dataset.warped(onto: grid, resampling: method).band(band.index)
        } catch let e as GDALError {
            throw KubuqiError(.input, "\(band.dataset.path): \(e.description)")
        }
    }

    static func describe(_ grid: Grid) -> String {
        guard let t = grid.geoTransform else { return "\(grid.width)x\(grid.height)" }
        return "\(grid.width)x\(grid.height) at \(abs(t.pixelWidth))"
    }
}
