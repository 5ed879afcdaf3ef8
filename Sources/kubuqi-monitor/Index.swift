import ArgumentParser
import Foundation
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `index NAME`: a spectral index computed from band files.
    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute a spectral index (e.g. NDVI) from band rasters, streamed block by block.",
            discussion: """
            Bands are given by role as FILE[:BAND] (band 1 by default); all must share one grid. \
            A pixel is nodata in the output when any input is nodata or not finite, or the formula's \
            denominator is zero.

            Example:
              kubuqi-monitor index ndvi --red B04.tif --nir B08.tif -o ndvi.tif
              kubuqi-monitor index ndvi --red scene.tif:3 --nir scene.tif:4 --ot Int16 -o ndvi.tif
            """)

        @Argument(help: ArgumentHelp("The index to compute (see --list).", valueName: "NAME"))
        var name: String?

        @Flag(help: "List the indices with their formulas and bands, then exit.")
        var list = false

        @Option(help: ArgumentHelp("Blue band.", valueName: "FILE[:BAND]")) var blue: String?
        @Option(help: ArgumentHelp("Green band.", valueName: "FILE[:BAND]")) var green: String?
        @Option(help: ArgumentHelp("Red band.", valueName: "FILE[:BAND]")) var red: String?
        @Option(help: ArgumentHelp("Near-infrared band.", valueName: "FILE[:BAND]")) var nir: String?
        @Option(help: ArgumentHelp("Shortwave infrared band near 1.6 um.", valueName: "FILE[:BAND]")) var swir1: String?
        @Option(help: ArgumentHelp("Shortwave infrared band near 2.2 um.", valueName: "FILE[:BAND]")) var swir2: String?

        @OptionGroup var output: RasterOutputOptions
        @OptionGroup var global: GlobalOptions

        /// The `--list` text.
        static func listing() -> String {
            SpectralIndex.catalogue.map { i in
                "\(i.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(i.title)\n"
                + "         \(i.formula)   bands: \(i.roles.map(\.rawValue).joined(separator: ", "))"
            }.joined(separator: "\n")
        }

        func run() throws {
            try global.apply()
            if list { print(Self.listing()); return }
            guard let name else { throw ValidationError("name an index (see kubuqi-monitor index --list)") }
            guard let index = SpectralIndex.named(name) else {
                throw ValidationError("unknown index '\(name)'; valid: \(SpectralIndex.catalogue.map(\.name).joined(separator: ", "))")
            }
            let given: [(BandRole, String?)] = [(.blue, blue), (.green, green), (.red, red), (.nir, nir), (.swir1, swir1), (.swir2, swir2)]
            var bands: [BandRole: BandSelection] = [:]
            for case let (role, text?) in given { bands[role] = BandSelection(parsing: text) }
            let options = IndexOptions(index: index, bands: bands, output: try output.spec(), quiet: global.quiet)
            let result = try IndexJob.run(options)
            let s = result.statistics
            let mean = s.mean.map { String(format: "%.4f", $0) } ?? "n/a"
            let range = s.count > 0 ? String(format: "%.4f..%.4f", s.minimum, s.maximum) : "n/a"
            print("\(index.name.uppercased()) written to \(result.path): \(result.width)x\(result.height), "
                  + "\(s.count) valid pixels, \(s.nodataCount) nodata, mean \(mean), range \(range)")
        }
    }
}
