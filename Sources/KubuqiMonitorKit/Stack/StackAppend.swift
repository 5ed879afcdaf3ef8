import Foundation
import KubuqiGDAL

/// `--append`: the bands of an existing stack that a rebuild would compute
/// again unchanged, copied instead of recomputed.
///
/// A period is reused when the existing `OUT.json` records it as kept with
/// exactly the same observations (file, band, date, SHA-256), under the same
/// period scheme, reducer, smoothing, input scale, encoding, completeness
/// rule (including the collection's step, which new dates may change) and
/// size, and `OUT.tif` and `OUT.count.tif` still have the SHA-256 the
/// manifest recorded. Everything else is computed; the files are then
/// written by the same pass in the same order as a full rebuild, so the
/// result is byte-identical to one.
struct StackReuse {
    /// The existing stack and counts.
    let stack: Dataset, counts: Dataset
    /// Kept period index (in this run) -> its band in the existing files and the pixels that met the rule.
    let bands: [Int: (band: Int, met: Int)]

    /// The reusable bands, nil when there is no existing stack (a note says it is built whole).
    static func load(_ o: StackOptions, manifest fresh: StackManifest, kept: [StackPlan.Period],
                     paths: (stack: String, counts: String, manifest: String)) throws -> StackReuse? {
        guard FileManager.default.fileExists(atPath: paths.manifest) else {
            Diagnostics.note("--append: no \(paths.manifest) yet; building the stack whole")
            return nil
        }
        let old: StackManifest
        do { old = try JSONDecoder().decode(StackManifest.self, from: Data(contentsOf: URL(fileURLWithPath: paths.manifest))) } catch {
            throw KubuqiError.input(paths.manifest, "not the record of a stack (\(error.localizedDescription)); remove it or build without --append")
        }
        for (path, digest) in [(paths.stack, old.stackSHA256), (paths.counts, old.countsSHA256)] {
            guard let digest, FileManager.default.fileExists(atPath: path), try SHA256.file(path) == digest else {
                throw KubuqiError.input(path, "missing, or changed since \(paths.manifest) recorded it; build without --append")
            }
        }
        let same = old.periodScheme == fresh.periodScheme && old.reducer == fresh.reducer && old.smoothing == fresh.smoothing
            && old.inputScale == fresh.inputScale && old.encoding == fresh.encoding && old.width == fresh.width && old.height == fresh.height
            && old.completeness.minimumObservations == fresh.completeness.minimumObservations
            && old.completeness.minimumCoverage == fresh.completeness.minimumCoverage && old.completeness.stepDays == fresh.completeness.stepDays
        var bands: [Int: (band: Int, met: Int)] = [:]
        if same {
            let fresher = Dictionary(fresh.periods.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
            for (k, p) in kept.enumerated() {
                guard let was = old.periods.first(where: { $0.label == p.period.label }), let band = was.band, let met = was.pixelsMeetingRule,
                      let now = fresher[p.period.label], Self.key(was.observations) == Self.key(now.observations) else { continue }
                bands[k] = (band, met)
            }
        } else {
            Diagnostics.note("--append: the existing stack was built with other settings or another step between dates; every period is computed")
        }
        do {
            return StackReuse(stack: try Dataset.open(paths.stack), counts: try Dataset.open(paths.counts), bands: bands)
        } catch let e as GDALError {
            throw KubuqiError.input(paths.stack, "cannot be read (\(e.messages.last ?? e.context))")
        }
    }

    private static func key(_ obs: [StackManifest.Observation]) -> [String] {
        obs.map { "\($0.file)|\($0.band)|\($0.date)|\($0.sha256)" }
    }
}
