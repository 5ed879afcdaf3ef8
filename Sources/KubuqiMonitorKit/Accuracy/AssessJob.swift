import Foundation
import KubuqiGDAL
import KubuqiIndicators

/// `assess`: accuracy and area with confidence intervals from a labelled stratified sample
/// (Olofsson et al. 2014).
///
/// Steps: read the design -> read and check the labelled points -> count the error matrix ->
/// estimate -> write `assessment.json`, the CSV tables and `assessment.html`.
public enum AssessJob {
    /// What a run estimated.
    public struct Result: Sendable {
        /// The design assessed.
        public var design: SampleDesign
        /// The estimates (areas in km2).
        public var estimate: StratifiedEstimate
        /// Points read, used, and left out by reason.
        public var pointsRead: Int
        /// Points used.
        public var pointsUsed: Int
        /// Points left out, by reason (in words), with up to three ids each.
        public var excluded: [(reason: String, count: Int, examples: [String])]
        /// Caveats about the estimates (strata whose points all agree, strata of one point).
        public var notes: [String]
    }

    /// Runs `assess`.
    public static func run(_ o: AssessOptions) throws -> Result {
        let design = try SampleDesign.read(o.design)
        let sample = try LabelledSample.read(o.points, design: design, referenceField: o.referenceField)
        let result = try estimate(design, sample: sample, points: o.points)
        for note in result.notes { Diagnostics.note(note) }
        let mapReport = try o.mapReport.map { path -> String in
            guard let text = String(data: try InputFile.read(path), encoding: .utf8) else { throw KubuqiError.input(path, "is not UTF-8 text (an HTML report was expected)") }
            return text
        }
        let folder = try OutputFolder(o.outputFolder)
        try folder.runStaged { _, stage in
            try AccuracyReport.write(result, pointsPath: o.points, designPath: o.design, mapReport: mapReport, to: stage, finalFolder: o.outputFolder)
            return ((), [o.design, o.points] + (o.mapReport.map { [$0] } ?? []))
        }
        return result
    }

    /// Counts the error matrix and estimates; an input error naming a stratum without points.
    static func estimate(_ design: SampleDesign, sample: LabelledSample, points: String) throws -> Result {
        let k = design.strata.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for p in sample.pairs { counts[p.stratum][p.reference] += 1 }
        let empty = design.strata.indices.filter { design.strata[$0].areaKm2 > 0 && counts[$0].reduce(0, +) == 0 }
        if !empty.isEmpty {
            let names = empty.map { i -> String in
                let s = design.strata[i]
                return s.name.map { "\(s.code) (\($0))" } ?? String(s.code)
            }
            throw KubuqiError.input(points, "no labelled point in stratum \(names.joined(separator: ", ")): every stratum needs labelled points (at least two for a standard error)")
        }
        let estimate: StratifiedEstimate
        do {
            estimate = try StratifiedEstimate(classes: design.strata.map(\.code), mappedArea: design.strata.map(\.areaKm2), counts: counts)
        } catch let f as StratifiedEstimate.Failure {
            throw KubuqiError.input(points, f.description)
        }
        let excluded = LabelledSample.Exclusion.allCases.compactMap { why -> (String, Int, [String])? in
            guard let n = sample.excluded[why], n > 0 else { return nil }
            return (why.rawValue, n, sample.examples[why] ?? [])
        }
        return Result(design: design, estimate: estimate, pointsRead: sample.read, pointsUsed: sample.pairs.count,
                      excluded: excluded, notes: caveats(design, counts: counts))
    }

    /// Strata whose sample cannot show their errors: a single point (no standard error), or
    /// every point of one reference class (a standard error of 0, whatever errors the stratum
    /// holds below about 1 in n).
    static func caveats(_ design: SampleDesign, counts: [[Int]]) -> [String] {
        design.strata.indices.compactMap { i in
            let s = design.strata[i], n = counts[i].reduce(0, +)
            let label = s.name.map { "\(s.code) (\($0))" } ?? String(s.code)
            if n == 1 { return "stratum \(label) has one labelled point: no standard error can be given for the estimates it enters" }
            if n >= 2, let j = counts[i].firstIndex(of: n) {
                let ref = design.strata[j].code
                return "stratum \(label): all \(n) points are class \(ref), so it adds nothing to the standard errors; errors rarer than about 1 in \(n) pixels of it are not seen (add points to narrow this)"
            }
            return nil
        }
    }
}
