import ArgumentParser
import Foundation
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `change`: two-date change detection.
    struct Change: TiledCommand {
        static let configuration = CommandConfiguration(
            abstract: "Two-date change detection: degradation and recovery maps, area tables and a quicklook.",
            discussion: """
            BEFORE and AFTER are single-band index rasters (FILE[:BAND]; for --method cva two per date, \
            comma-separated) or, with --sensor, scenes from which the indices are computed. Changes are \
            oriented so that negative means degradation (differences of BSI, albedo and TGSI are negated).

            Outputs in OUTDIR: change-class.tif (Int16: -2 strong degradation, -1 degradation, 0 stable, \
            1 improvement, 2 strong improvement, -32768 nodata; legend in .aux.xml and .qml), \
            change-magnitude.tif (Float32), change-direction.tif (cva), quicklook.png, change-stats.json, \
            change-stats.csv, change-patches.gpkg (unless --no-patches), catalog.json and an .item.json per \
            raster (STAC, docs/publishing.md); a one-paragraph summary on stdout.

            Examples:
              kubuqi-monitor change --before ndvi2013.tif --after ndvi2023.tif \\
                --threshold otsu --mmu 0.5ha -o out/
              kubuqi-monitor change --before LC08_..._2013/ --after LC09_..._2023/ \\
                --sensor landsat-c2l2 -o out/
              kubuqi-monitor change --method cva --before ndvi1.tif,bsi1.tif \\
                --after ndvi2.tif,bsi2.tif -o out/
            """ + ExitCodesHelp.section)

        @Option(help: ArgumentHelp("The earlier date: index raster(s) or a scene.", valueName: "A"))
        var before: String
        @Option(help: ArgumentHelp("The later date.", valueName: "B"))
        var after: String
        @Option(help: ArgumentHelp("The scenes' sensor (then --before/--after are scenes).", valueName: "NAME"))
        var sensor: String?
        @Option(help: ArgumentHelp("diff (one index) or cva (change vector over two indices).", valueName: "METHOD"))
        var method: String = "diff"
        @Option(name: .customLong("index"), help: ArgumentHelp("The index (diff, default ndvi) or two, comma-separated (cva, default ndvi,bsi).", valueName: "NAME[,NAME]"))
        var indices: String?
        @Option(help: ArgumentHelp("fixed:V[,S], sigma:K (K standard deviations around the mean; strong at 2K) or otsu.", valueName: "RULE"))
        var threshold: String = "sigma:1"
        @Option(help: ArgumentHelp("Minimum mapping unit: pixels (12) or hectares (0.5ha); smaller patches are merged (8-connected).", valueName: "SIZE"))
        var mmu: String?
        @Flag(help: "Resample AFTER onto BEFORE's grid (bilinear) when they differ, instead of stopping.")
        var align = false
        @Flag(name: .customLong("no-patches"), help: "Do not write the degradation and improvement patches as polygons (change-patches.gpkg).")
        var noPatches = false
        @Option(help: ArgumentHelp("Zones for the area table: a class raster on the same grid, or a vector file.", valueName: "FILE"))
        var zones: String?
        @Option(help: ArgumentHelp("The attribute naming each zone of a vector zone file.", valueName: "FIELD"))
        var zoneField: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Scale of the index rasters: index = value x scale + offset (e.g. 0.0001 for NDVI x 10000), over their declared scale.", valueName: "S"))
        var scale: Float?
        @Option(parsing: .unconditional, help: ArgumentHelp("Offset of the index rasters (may be negative, e.g. --offset -0.2).", valueName: "O"))
        var offset: Float?
        @Option(help: ArgumentHelp("Quality band(s) masking pixels: one for both dates or BEFORE,AFTER; needs --mask-rule. With --sensor, over the scenes' own masks.", valueName: "FILE[:BAND][,FILE[:BAND]]"))
        var mask: String?
        @Option(help: ArgumentHelp("How --mask's values exclude pixels: landsat-qa-pixel, s2-scl, fmask or values:A,B,...", valueName: "RULE"))
        var maskRule: String?
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder (created if its parent exists).", valueName: "OUTDIR"))
        var output: String
        @Option(name: .customLong("co"), help: ArgumentHelp("A GDAL creation option for the rasters (repeatable).", valueName: "KEY=VALUE"))
        var creationOptions: [String] = []
        @OptionGroup var title: ReportTitleOptions
        @OptionGroup var tiles: TileOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let options = try changeOptions()
            if let request = try tiles.request() {
                print(try ChangeJob.runTile(options, request: request).line)
                return
            }
            let result = try ChangeJob.run(options)
            print(result.summary)
            print("Outputs in \(output): " + ["class", "magnitude", "direction", "quicklook", "json", "csv", "patches"]
                .compactMap { result.files[$0].map { ($0 as NSString).lastPathComponent } }.joined(separator: ", "))
        }

        /// Assembles the tiles of a plan into the single-machine outputs (`tiles merge`).
        func mergeTiles(plan: TilePlan, outdir: String) throws {
            let result = try ChangeJob.mergeTiles(try changeOptions(), plan: plan, outdir: outdir)
            print(result.summary)
            print("Outputs in \(outdir): " + ["class", "magnitude", "direction", "quicklook", "json", "csv", "patches"]
                .compactMap { result.files[$0].map { ($0 as NSString).lastPathComponent } }.joined(separator: ", "))
        }

        func changeOptions() throws -> ChangeOptions {
            let m = try EnumeratedValue.parse(method, option: "--method", choices: ChangeOptions.Method.allCases.map { ($0.rawValue, $0) })
            guard let rule = ThresholdMethod(parsing: threshold) else {
                let parsed = ThresholdMethod(parsingSyntax: threshold)
                throw ValidationError(parsed?.problem.map { "--threshold \(threshold): \($0)" }
                                      ?? "--threshold must be fixed:V, fixed:V,S, sigma:K or otsu (V, S, K above 0); got '\(threshold)'")
            }
            let unit = try mmu.map { text -> ChangeOptions.MinimumMappingUnit in
                guard let u = ChangeOptions.MinimumMappingUnit(parsing: text) else { throw ValidationError("--mmu must be pixels (12) or hectares (0.5ha); got '\(text)'") }
                return u
            }
            var masks: [MaskOption] = []
            if let mask {
                let files = mask.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard (1...2).contains(files.count), !files.contains(where: \.isEmpty) else {
                    throw ValidationError("--mask takes FILE[:BAND] for both dates or BEFORE,AFTER; got '\(mask)'")
                }
                masks = try files.map { try MaskOptions.parse(mask: $0, rule: maskRule, maskWater: false, noMask: false)! }
            } else if maskRule != nil {
                throw ValidationError("--mask-rule needs --mask FILE[:BAND]")
            }
            var options = ChangeOptions(
                before: before, after: after, outputFolder: output, sensor: try sensor.map { try SensorPreset(name: $0) },
                method: m, indices: try indices.map { list in
                    let names = list.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces).lowercased() }
                    do { try ListValidation.checkIndexNames(names, option: "--index") } catch let e as KubuqiError { throw ValidationError(e.message) }
                    return names
                },
                threshold: rule, mmu: unit, align: align, zones: zones, zoneField: zoneField, scale: scale, offset: offset, masks: masks,
                creationOptions: try RasterOutputOptions.parseCreationOptions(creationOptions), quiet: global.quiet)
            options.titleBlock = try title.settings()
            options.patches = !noPatches
            return options
        }
    }
}
