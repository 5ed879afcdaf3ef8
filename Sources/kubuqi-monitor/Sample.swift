import ArgumentParser
import Foundation
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster

extension KubuqiMonitor {
    /// `sample`: a stratified random sample of a class map, ready to label.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a stratified random sample of a class map for an accuracy assessment.",
            discussion: """
            Strata are the map's classes (nodata left out). The sample size comes from Cochran's \
            formula for a target standard error of the overall accuracy (default 0.01; Olofsson et \
            al. 2014, eq. 13) or of one class's area proportion, or is given with --size. It is \
            shared between strata by area with at least --min-per-class points each (default 50), \
            or in proportion to area, or equally. The same --seed gives the same points.

            Outputs in OUTDIR: points.gpkg (layer 'points', in the map's CRS) and points.csv with \
            id, stratum, class_name, map_class, col, row, x, y (pixel centre), lon, lat (WGS 84) and \
            an empty 'reference' column to fill in (in QGIS or Collect Earth); design.json (strata \
            sizes in pixels and km2, weights, allocation, inclusion probabilities, seed). Label the \
            points, then run 'kubuqi-monitor assess'. See docs/accuracy.md.

            Examples:
              kubuqi-monitor sample change/change-class.tif -o sample/
              kubuqi-monitor sample ldn/reporting-2019-2024/sdg-15-3-1.tif \\
                --target-se 0.02 --expected-accuracy -1=0.6 --seed 7 -o sample/
              kubuqi-monitor sample map.tif --size 600 --allocation proportional -o sample/
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("The class map (integer codes), FILE[:BAND].", valueName: "MAP"))
        var map: String
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder (created if its parent exists).", valueName: "OUTDIR"))
        var output: String
        @Option(help: ArgumentHelp("The number of points (instead of a target standard error).", valueName: "N"))
        var size: Int?
        @Option(help: ArgumentHelp("Target standard error of the overall accuracy (default 0.01).", valueName: "SE"))
        var targetSE: Double?
        @Option(help: ArgumentHelp("Target standard error of one class's area proportion instead.", valueName: "CODE=SE"))
        var targetClassSE: String?
        @Option(help: ArgumentHelp("Expected user's accuracy of a class, for the size (repeatable; default 0.7 for classes under 10 % of the map, 0.9 for others).", valueName: "CODE=U"))
        var expectedAccuracy: [String] = []
        @Option(help: ArgumentHelp("compromise, proportional or equal.", valueName: "RULE"))
        var allocation: String = "compromise"
        @Option(help: ArgumentHelp("With compromise: the fewest points per class.", valueName: "N"))
        var minPerClass: Int = 50
        @Option(help: ArgumentHelp("Random seed: the same seed gives the same points.", valueName: "N"))
        var seed: UInt64 = 1
        @Option(help: ArgumentHelp("The most pixels the map may declare (default 2^34 = 17179869184); a larger map is refused before any is read.", valueName: "N"))
        var maxPixels: Int = SampleOptions.defaultMaximumPixels
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            var o = SampleOptions(map: BandSelection(parsing: map), outputFolder: output)
            o.quiet = global.quiet
            o.seed = seed
            o.maximumPixels = maxPixels
            let rules = [size != nil, targetSE != nil, targetClassSE != nil].filter { $0 }.count
            guard rules <= 1 else { throw ValidationError("give at most one of --size, --target-se and --target-class-se") }
            if let size { o.size = .fixed(size) }
            if let targetSE { o.size = .overallAccuracySE(targetSE) }
            if let targetClassSE {
                guard let (code, se) = Self.pair(targetClassSE) else { throw ValidationError("--target-class-se expects CODE=SE, e.g. -1=0.005; got '\(targetClassSE)'") }
                o.size = .classAreaSE(code: code, se: se)
            }
            for item in expectedAccuracy {
                guard let (code, u) = Self.pair(item) else { throw ValidationError("--expected-accuracy expects CODE=U, e.g. -1=0.7; got '\(item)'") }
                guard o.expectedUsersAccuracy.updateValue(u, forKey: code) == nil else { throw ValidationError("--expected-accuracy names class \(code) twice") }
            }
            o.allocation = try EnumeratedValue.parse(allocation, option: "--allocation", choices: [
                ("compromise", .compromise(minimum: minPerClass)), ("proportional", SampleAllocation.proportional), ("equal", .equal)])
            let result = try SampleJob.run(o)
            let d = result.design
            print("Drew \(d.sampleSize) points in \(d.strata.count) strata of \(map) (\(d.sizeRule); \(d.allocation); seed \(d.seed)):")
            for s in d.strata {
                let name = s.name.map { " \($0)" } ?? ""
                print(String(format: "  class %d%@: %d pixels, %.4f km2 (%.1f %%), %d points", s.code, name, s.pixels, s.areaKm2, s.weight * 100, s.sampleSize))
            }
            print("Outputs in \(output): points.gpkg, points.csv, design.json. Fill in 'reference', then run 'kubuqi-monitor assess'.")
        }

        /// `CODE=VALUE` with an integer code (negative allowed) and a finite number.
        static func pair(_ text: String) -> (Int, Double)? {
            guard let eq = text.lastIndex(of: "="), let code = Int(text[..<eq]), let v = Double(text[text.index(after: eq)...]), v.isFinite else { return nil }
            return (code, v)
        }
    }

    /// `assess`: accuracy and areas with confidence intervals from a labelled sample.
    struct Assess: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accuracy and area estimates with 95 % confidence intervals from a labelled sample.",
            discussion: """
            Reads the design that 'sample' wrote and the points with their 'reference' column \
            filled in (points.csv, points.gpkg or any table OGR reads, with id, stratum, x, y or a \
            point geometry). Points without a reference class, with a class the map does not have, \
            outside the map or duplicated are left out and counted; a stratum without any labelled \
            point is an error. Estimates follow Olofsson et al. (2014): the error matrix in counts \
            and in area proportions, overall, user's and producer's accuracy with standard errors, \
            and each class's area with its 95 % confidence interval.

            Outputs in OUTDIR: assessment.json, accuracy.csv, error-matrix-counts.csv, \
            error-matrix-proportions.csv, assessment.html; with --report, report.html: the map's \
            report with the assessment as its last section.

            Examples:
              kubuqi-monitor assess --design sample/design.json \\
                --points labelled.csv -o accuracy/
              kubuqi-monitor assess --design sample/design.json --points labelled.csv \\
                --report ldn/report.html -o accuracy/
            """ + ExitCodesHelp.section)

        @Option(help: ArgumentHelp("The design written by 'sample'.", valueName: "design.json"))
        var design: String
        @Option(help: ArgumentHelp("The labelled points.", valueName: "FILE"))
        var points: String
        @Option(help: ArgumentHelp("The column with the reference class.", valueName: "NAME"))
        var referenceField: String = "reference"
        @Option(help: ArgumentHelp("The map's HTML report (e.g. ldn's report.html): written again as OUTDIR/report.html with the assessment as a section; the original is not touched.", valueName: "FILE"))
        var report: String?
        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output folder (created if its parent exists).", valueName: "OUTDIR"))
        var output: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            var o = AssessOptions(design: design, points: points, outputFolder: output)
            o.referenceField = referenceField
            o.mapReport = report
            o.quiet = global.quiet
            let r = try AssessJob.run(o)
            let e = r.estimate
            func ci(_ x: StratifiedEstimate.Estimate, _ format: String) -> String {
                String(format: format, x.value) + (x.halfWidth95.map { " ± " + String(format: format, $0) } ?? " (no standard error: a stratum has one point)")
            }
            print("\(r.pointsUsed) of \(r.pointsRead) points used" + (r.excluded.isEmpty ? "." : "; left out: " + r.excluded.map { "\($0.count) \($0.reason)" }.joined(separator: ", ") + "."))
            print("Overall accuracy \(ci(StratifiedEstimate.Estimate(value: e.overallAccuracy.value * 100, standardError: e.overallAccuracy.standardError.map { $0 * 100 }), "%.1f")) % (95 % CI)")
            for (i, s) in r.design.strata.enumerated() {
                let name = s.name.map { " \($0)" } ?? ""
                print("  class \(s.code)\(name): mapped \(String(format: "%.4f", s.areaKm2)) km2, estimated \(ci(e.area[i], "%.4f")) km2")
            }
            print("Outputs in \(output): assessment.json, accuracy.csv, error-matrix-counts.csv, error-matrix-proportions.csv, assessment.html"
                  + (report == nil ? "" : ", report.html (the map's report with the assessment)"))
        }
    }
}
