import ArgumentParser
import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `fixtures OUTDIR`: writes the deterministic synthetic study area with its planted truth.
    struct Fixtures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the synthetic Kubuqi study area with planted truth (Landsat scenes, NDVI stack, land cover, SOC).",
            discussion: """
            Writes a 256 x 256 grid of 30 m pixels in EPSG:32649 (upper-left corner \
            296040, 4463820, near 40.30 N 108.60 E on the Kubuqi's northern edge):
              landsat/LC08_L2SP_*/  Landsat 8 C2 Level-2 scene of 2013-08-15
                                    (SR_B2..SR_B7, QA_PIXEL, MTL)
              landsat/LC09_L2SP_*/  Landsat 9 scene of 2023-08-19, with one cloud,
                                    its shadow and a little edge fill
              ndvi/                 annual NDVI 2000-2024, Int16 NDVI x 10000
              landcover/            ESA CCI LCCS land cover, 2000 and 2024
              soc/                  soil organic carbon baseline, t/ha, 0-30 cm
              truth/                masks of the planted degradation, restoration
                                    and stressed patches, patch ids, patches.csv,
                                    truth.json
              README.md             the files, the patch table, and what a correct
                                    analysis finds

            The same seed always writes byte-identical files; the default seed is \
            the one of the repository's Fixtures/ folder. Same-named files in \
            OUTDIR are replaced; give --force to write into a folder that is not empty.

            Examples:
              kubuqi-monitor fixtures /tmp/kubuqi-fixtures
              kubuqi-monitor fixtures -o /tmp/kubuqi-fixtures    # the same
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("Folder to write into (created if missing); or give it with -o.", valueName: "OUTDIR"))
        var folder: String?

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The folder to write into, as other commands' -o (instead of OUTDIR).",
                                                                     valueName: "OUTDIR"))
        var output: String?

        @Option(help: ArgumentHelp("Seed of the layout and the noise.", valueName: "N"))
        var seed: UInt64 = FixtureGenerator.defaultSeed

        @Flag(help: "Write into a folder that already holds files (same-named files are replaced, others kept).")
        var force = false

        @OptionGroup var global: GlobalOptions

        /// The folder given as OUTDIR or -o (one of them, or both the same).
        var outdir: String { folder ?? output ?? "" }

        func validate() throws {
            switch (folder, output) {
            case (nil, nil): throw ValidationError("missing the output folder: give OUTDIR or -o OUTDIR")
            case let (a?, b?) where a != b: throw ValidationError("two output folders, '\(a)' and -o '\(b)': give one")
            default: break
            }
        }

        func run() throws {
            try global.apply()
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: outdir, isDirectory: &isFolder) {
                guard isFolder.boolValue else { throw KubuqiError.output(outdir, "exists and is not a folder") }
                let contents = ((try? FileManager.default.contentsOfDirectory(atPath: outdir)) ?? []).filter { $0 != ".kubuqi.lock" }
                if !contents.isEmpty && !force {
                    throw KubuqiError.output(outdir, "folder is not empty (give --force to write into it anyway)")
                }
            }
            do {
                try FileManager.default.createDirectory(atPath: outdir, withIntermediateDirectories: true)
            } catch {
                throw KubuqiError.output(outdir, "cannot create the folder (\(error.localizedDescription))")
            }
            // Like every command writing into a folder, hold its lock.
            try OutputFolder(outdir).lock()
            let written: [String]
            do {
                written = try FixtureGenerator(seed: seed).generate(into: outdir)
            } catch let error as GDALError {
                throw KubuqiError.output(outdir, error.description)
            } catch let error as KubuqiError {
                throw error
            } catch {
                throw KubuqiError.output(outdir, error.localizedDescription)
            }
            if !global.quiet {
                print("fixtures of seed \(seed) written to \(outdir): \(written.count) files (see \((outdir as NSString).appendingPathComponent("README.md")))")
            }
        }
    }
}
