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
    /// Runs the job described by `options`.
    public static func run(_ options: IndexOptions, progress: ((Double) -> Void)? = nil) throws -> [IndexResult] {
        guard !options.indices.isEmpty else { throw KubuqiError(.usage, "name at least one index (see index --list)") }
        let indices = try options.indices.map { try resolve($0, options: options) }
        var scene = try options.scene.map { try $0.sensor.load($0.path, options: options.sensorOptions) }
        for (role, selection) in options.bands {
            if scene == nil { scene = Scene(sensor: "bands given by role", source: "command line", bands: [:]) }
            scene!.bands[role] = SceneBand(selection, scale: options.scale, offset: options.offset)
        }

        // The roles needed, each read once however many indices use it.
        var roles: [BandRole] = []
        for index in indices { for r in index.roles where !roles.contains(r) { roles.append(r) } }
        let sceneBands: [SceneBand] = try roles.map { role in
            let user = indices.first { $0.roles.contains(role) }!.name
            guard let scene else { throw KubuqiError(.usage, "\(user) needs the \(role) band: give --\(role) FILE[:BAND] or --scene") }
            if options.scene == nil, scene.bands[role] == nil {
                throw KubuqiError(.usage, "\(user) needs the \(role) band: give --\(role) FILE[:BAND]")
            }
            return try scene.band(role, for: user)
        }

        let files = InputRasters()
        var bands = try sceneBands.map { try files.band($0.selection) }
        let useMask = !options.noMask && scene?.mask != nil
        var maskBand = useMask ? try files.band(scene!.mask!.selection) : nil
        var notes: [(String, String)] = []
        if options.scene == nil && options.resolution == nil {
            try files.requireSameGrid(bands)
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

        let inputs = zip(bands, sceneBands).map { band, sb in
            PixelInput(band: band, scale: sb.scale, offset: sb.offset, nodata: sb.nodata.map { Optional($0) } ?? nil,
                       validMaximum: sb.validMaximum)
        }
        let mask = maskBand.map { PixelMask(band: $0, rule: scene!.mask!.rule) }

        let paths = try outputPaths(indices.map(\.name), output: options.output)
        let outputs = zip(indices, paths).map { index, path in
            var spec = RasterOutputSpec(path: path, encoding: options.encoding, creationOptions: options.creationOptions,
                                        bandDescription: index.name.uppercased())
            spec.metadata = [("KUBUQI_INDEX", index.name.uppercased()), ("KUBUQI_FORMULA", index.formula),
                             ("KUBUQI_SENSOR", scene?.sensor ?? "")]
            spec.metadata += index.roles.map { r in
                let sb = sceneBands[roles.firstIndex(of: r)!]
                return ("KUBUQI_BAND_\(r.rawValue.uppercased())", "\(sb.selection) x \(sb.scale) + \(sb.offset)")
            }
            spec.metadata.append(("KUBUQI_MASK", mask == nil ? "none" : scene!.mask!.summary))
            spec.metadata += notes
            if options.encoding == .int16 { spec.metadata.append(("KUBUQI_SCALE", "0.0001")) }
            return PixelOutput(kernel: index.kernel, inputs: index.roles.map { roles.firstIndex(of: $0)! }, spec: spec)
        }

        let bar = ProgressBar(indices.map { $0.name.uppercased() }.joined(separator: ","), quiet: options.quiet)
        let stats = try StreamedCalculation.run(inputs: inputs, mask: mask, outputs: outputs,
                                                progress: { f in bar.update(f); progress?(f) })
        let grid = bands[0].dataset.grid
        return zip(indices, zip(paths, stats)).map { index, ps in
            IndexResult(index: index.name, path: ps.0, width: grid.width, height: grid.height, statistics: ps.1)
        }
    }

    /// The catalogue entry for `name`, with the options' parameters applied.
    static func resolve(_ name: String, options: IndexOptions) throws -> SpectralIndex {
        guard let index = SpectralIndex.named(name) else {
            throw KubuqiError(.usage, "unknown index '\(name)'; valid: \(SpectralIndex.catalogue.map(\.name).joined(separator: ", "))")
        }
        return index
    }

    /// One index: the output is the file. Several: the output is a folder of `NAME.tif`.
    static func outputPaths(_ names: [String], output: String) throws -> [String] {
        if names.count == 1 { return [output] }
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: output, isDirectory: &isDir) {
            let parent = (output as NSString).deletingLastPathComponent
            guard parent.isEmpty || FileManager.default.fileExists(atPath: parent) else {
                throw KubuqiError.output(output, "the folder \(parent) does not exist")
            }
            do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false) } catch {
                throw KubuqiError.output(output, "cannot create the output folder (\(error.localizedDescription))")
            }
        } else if !isDir.boolValue {
            throw KubuqiError.output(output, "several indices need an output folder, and this is a file")
        }
        return names.map { (output as NSString).appendingPathComponent("\($0).tif") }
    }

    /// The finest grid among the bands, or the bands' extent at `resolution`.
    static func targetGrid(_ bands: [RasterBand], resolution: Double?) throws -> Grid {
        let grids = bands.map(\.dataset.grid)
        guard grids.allSatisfy({ $0.geoTransform != nil }) else {
            throw KubuqiError(.input, "\(bands[0].dataset.path): a band without georeferencing cannot be resampled")
        }
        if let resolution {
            if let match = grids.first(where: { abs(abs($0.geoTransform!.pixelWidth) - resolution) < 1e-9 * resolution }) { return match }
            let g = grids[0], t = g.geoTransform!
            let w = Int((Double(g.width) * abs(t.pixelWidth) / resolution).rounded())
            let h = Int((Double(g.height) * abs(t.pixelHeight) / resolution).rounded())
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
