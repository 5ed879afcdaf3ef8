import ArgumentParser
import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `index`: spectral indices from a scene or from band files.
    struct Index: TiledCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute spectral indices (NDVI, SAVI, BSI, albedo...) from a scene or band files, streamed block by block.",
            discussion: """
            Bands come from a scene (--scene PATH --sensor NAME: scaling to reflectance and the cloud mask \
            are read from the product) or one by one as ROLE=FILE[:BAND] (band 1 by default), which \
            override the scene's. Bands given one by one must share a grid; a scene's bands are resampled \
            onto the finest grid used (or --resolution). A pixel is nodata in the output when any input is \
            nodata, masked, or not finite, or the formula's result is not finite.

            Examples:
              kubuqi-monitor index ndvi --red B04.tif --nir B08.tif -o ndvi.tif
              kubuqi-monitor index ndvi --band red=stack.tif:3 --band nir=stack.tif:4 \\
                --ot Int16 -o ndvi.tif
              kubuqi-monitor index --index ndvi,bsi,albedo --scene LC08_L2SP_.../ \\
                --sensor landsat-c2l2 -o out/
              kubuqi-monitor index savi --scene S2A_..._L2A.json --sensor sentinel2-l2a \\
                --resolution 20 -o savi.tif
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("The index to compute (see --list); or use --index for several.", valueName: "NAME"))
        var name: String?

        @Option(name: .customLong("index"), help: ArgumentHelp("Several indices in one pass, comma-separated; -o is then a folder.", valueName: "a,b,c"))
        var indexList: String?

        @Flag(help: "List the indices with their formulas and bands, then exit.")
        var list = false

        @Option(help: ArgumentHelp("A scene: a folder (Landsat C2 L2, Sentinel-2 SAFE or band files, MODIS layers) or a STAC item JSON.", valueName: "PATH"))
        var scene: String?

        @Option(help: ArgumentHelp("The scene's sensor: \(SensorPreset.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "NAME"))
        var sensor: String?

        @Option(name: .customLong("band"), help: ArgumentHelp("A band by role (blue, green, red, nir, swir1, swir2), repeatable.", valueName: "ROLE=FILE[:BAND]"))
        var bandItems: [String] = []

        @Option(help: ArgumentHelp("Blue band (same as --band blue=...).", valueName: "FILE[:BAND]")) var blue: String?
        @Option(help: ArgumentHelp("Green band.", valueName: "FILE[:BAND]")) var green: String?
        @Option(help: ArgumentHelp("Red band.", valueName: "FILE[:BAND]")) var red: String?
        @Option(help: ArgumentHelp("Near-infrared band.", valueName: "FILE[:BAND]")) var nir: String?
        @Option(help: ArgumentHelp("Shortwave infrared band near 1.6 um.", valueName: "FILE[:BAND]")) var swir1: String?
        @Option(help: ArgumentHelp("Shortwave infrared band near 2.2 um.", valueName: "FILE[:BAND]")) var swir2: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("Scale of bands given by role: reflectance = value x scale + offset (e.g. 0.0001).", valueName: "S"))
        var scale: Float = 1
        @Option(parsing: .unconditional, help: ArgumentHelp("Offset of bands given by role (may be negative, e.g. --offset -0.2).", valueName: "O"))
        var offset: Float = 0

        @Flag(help: "Keep pixels the scene's quality mask (SCL, QA_PIXEL, VI Quality) would exclude.")
        var noMask = false
        @Flag(help: "Also mask water (SCL class 6, QA_PIXEL bit 7, Fmask class 1).")
        var maskWater = false
        @Option(help: ArgumentHelp("A quality band masking pixels (over the scene's own); needs --mask-rule.", valueName: "FILE[:BAND]"))
        var mask: String?
        @Option(help: ArgumentHelp("How --mask's values exclude pixels: landsat-qa-pixel, s2-scl, fmask or values:A,B,...", valueName: "RULE"))
        var maskRule: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Sentinel-2 BOA_ADD_OFFSET in DN when the metadata does not give it (-1000 from baseline 04.00).", valueName: "DN"))
        var boaOffset: Float?
        @Option(name: [.customLong("resolution"), .customLong("res")],
                help: ArgumentHelp("Output pixel size in CRS units (e.g. 20 for Sentinel-2's 20 m grid); default the finest band.", valueName: "METRES"))
        var resolution: Double?
        @Option(help: ArgumentHelp("Resampling of a scene's bands onto the output grid: \(Resampling.allCases.map(\.rawValue).joined(separator: ", ")); default bilinear when refining, average when coarsening.", valueName: "METHOD"))
        var resampling: String?
        @Option(name: .customLong("savi-l"), parsing: .unconditional, help: ArgumentHelp("SAVI's soil adjustment factor L.", valueName: "L"))
        var saviL: Float = 0.5

        @Option(name: .customLong("fvc-soil"), parsing: .unconditional, help: ArgumentHelp("FVC: NDVI of bare soil (default: the scene's 5th percentile).", valueName: "NDVI"))
        var fvcSoil: Float?
        @Option(name: .customLong("fvc-vegetation"), parsing: .unconditional, help: ArgumentHelp("FVC: NDVI of full cover (default: the scene's 95th percentile).", valueName: "NDVI"))
        var fvcVegetation: Float?
        @Option(name: .customLong("ddi-k"), parsing: .unconditional, help: ArgumentHelp("DDI: k in k NDVI - Albedo (default: -1 / the scene's Albedo-NDVI slope).", valueName: "K"))
        var ddiK: Float?
        @Flag(help: "DDI: also write the five desertification grades (1 none, 2 light, 3 moderate, 4 severe, 5 extreme).")
        var grades = false
        @Option(name: .customLong("grade-breaks"), parsing: .unconditional, help: ArgumentHelp("DDI grades: four ascending DDI thresholds (default: natural breaks of the scene).", valueName: "a,b,c,d"))
        var gradeBreaks: String?

        @OptionGroup var output: RasterOutputOptions
        @OptionGroup var tiles: TileOptions
        @OptionGroup var global: GlobalOptions

        /// The `--list` text.
        static func listing() -> String {
            let rows = SpectralIndex.catalogue.map { ($0.name, $0.title, $0.formula, $0.roles) }
                + [("fvc", "Fractional vegetation cover (dimidiate pixel model)",
                    "clamp((NDVI - NDVIsoil) / (NDVIveg - NDVIsoil), 0, 1); end-members from the scene's 5th/95th NDVI percentiles or given",
                    [BandRole.nir, .red]),
                   ("ddi", "Desertification difference index (Albedo-NDVI, Zeng et al. 2006)",
                    "k NDVI - Albedo; k = -1 / slope of Albedo on NDVI fitted on the scene or given; --grades for five grades",
                    [BandRole.blue, .red, .nir, .swir1, .swir2])]
            return rows.map { r in
                "\(r.0.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.1)\n"
                + "         \(r.2)\n         bands: \(r.3.map(\.rawValue).joined(separator: ", "))"
            }.joined(separator: "\n")
        }

        func run() throws {
            try global.apply()
            if list { print(Self.listing()); return }
            let options = try indexOptions()
            if let request = try tiles.request() {
                print(try IndexJob.runTile(options, request: request).line)
                return
            }
            for r in try IndexJob.run(options) { print(Self.line(r)) }
        }

        /// Assembles the tiles of a plan into one raster per index (`tiles merge`).
        func mergeTiles(plan: TilePlan, outdir: String) throws {
            for r in try IndexJob.mergeTiles(try indexOptions(), plan: plan, outdir: outdir) { print(Self.line(r)) }
        }

        static func line(_ r: IndexResult) -> String {
            let s = r.statistics
            let head = "\(r.index.uppercased()) written to \(r.path): \(r.width)x\(r.height), \(s.count) valid pixels, \(s.nodataCount) nodata"
            if r.index.hasSuffix("-grades") {
                // Class codes: a mean says nothing.
                return head + (s.count > 0 ? ", grades \(Int(s.minimum))..\(Int(s.maximum))" : "")
            }
            let mean = s.mean.map { String(format: "%.4f", $0) } ?? "n/a"
            let range = s.count > 0 ? String(format: "%.4f..%.4f", s.minimum, s.maximum) : "n/a"
            return head + ", mean \(mean), range \(range)"
        }

        func indexOptions() throws -> IndexOptions {
            var names = indexList.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            if let name { names.insert(name, at: 0) }
            guard !names.isEmpty else { throw ValidationError("name an index, or several with --index a,b,c (see --list)") }
            do { try ListValidation.checkIndexNames(names, option: name != nil && indexList != nil ? "NAME and --index" : "--index") } catch let e as KubuqiError {
                throw ValidationError(e.message)
            }
            var bands: [BandRole: BandSelection] = [:]
            for item in bandItems {
                guard let eq = item.firstIndex(of: "=") else {
                    throw ValidationError("--band expects ROLE=FILE[:BAND] with ROLE one of \(BandRole.allCases.map(\.rawValue).joined(separator: ", ")); got '\(item)'")
                }
                let role = try EnumeratedValue.parse(String(item[..<eq]), option: "--band ROLE", choices: BandRole.allCases.map { ($0.rawValue, $0) })
                guard bands[role] == nil else { throw ValidationError("the \(role.rawValue) band is given twice (--band \(item))") }
                bands[role] = BandSelection(parsing: String(item[item.index(after: eq)...]))
            }
            let given: [(BandRole, String?)] = [(.blue, blue), (.green, green), (.red, red), (.nir, nir), (.swir1, swir1), (.swir2, swir2)]
            for case let (role, text?) in given {
                guard bands[role] == nil else { throw ValidationError("the \(role.rawValue) band is given twice (--\(role.rawValue) and --band \(role.rawValue)=...)") }
                bands[role] = BandSelection(parsing: text)
            }
            var sceneSpec: (String, SensorPreset)?
            if let scene {
                guard let sensor else { throw ValidationError("--scene needs --sensor (\(SensorPreset.allCases.map(\.rawValue).joined(separator: ", ")))") }
                sceneSpec = (scene, try SensorPreset(name: sensor))
            } else if sensor != nil {
                throw ValidationError("--sensor needs --scene PATH")
            }
            var method: Resampling?
            if let resampling {
                let m = try EnumeratedValue.parse(resampling, option: "--resampling", choices: Resampling.allCases.map { ($0.rawValue, $0) })
                method = m
            }
            var breaks: [Float]?
            if let gradeBreaks {
                switch ListValidation.ascendingNumbers(gradeBreaks, count: 4) {
                case .success(let values): breaks = values
                case .failure(let e): throw ValidationError("--grade-breaks \(e.message)")
                }
            }
            let maskOption = try MaskOptions.parse(mask: mask, rule: maskRule, maskWater: maskWater, noMask: noMask)
            let spec = try output.spec()
            let options = IndexOptions(
                indices: names, bands: bands, output: spec.path, scene: sceneSpec,
                sensorOptions: .init(boaOffset: boaOffset, maskWater: maskWater), scale: scale, offset: offset,
                noMask: noMask, mask: maskOption, resolution: resolution, resampling: method, saviL: saviL,
                sceneDependent: .init(fvcSoil: fvcSoil, fvcVegetation: fvcVegetation, ddiK: ddiK, grades: grades, gradeBreaks: breaks),
                encoding: spec.encoding,
                creationOptions: spec.creationOptions, quiet: global.quiet)
            return options
        }
    }
}
