import Foundation

/// What an `ldn` output folder holds after a run: exactly that run's outputs.
///
/// A run writes everything into a staging folder and publishes it; then the
/// files of an earlier run that this run did not write (a period folder of
/// periods no longer configured, its tables) are removed, and the lock file
/// is emptied, so that two runs with the same inputs leave folders that
/// `diff -r` finds equal. Only `ldn`'s own families of files are touched:
/// `baseline/`, `reporting-*/`, `tables/`, `report-assets/` (Leaflet), `report.json|md|html`,
/// `unccd-reporting.json` and `catalog.json`; other
/// files (an input kept in the folder, a user's notes) are left alone.
enum LDNOutputFolder {
    /// Whether a path relative to the output folder is one `ldn` writes.
    static func isLDNOutput(_ relative: String) -> Bool {
        let first = relative.split(separator: "/").first.map(String.init) ?? relative
        if relative.contains("/") {
            return first == "baseline" || first.hasPrefix("reporting-") || first == "tables" || first == "report-assets"
        }
        return ["report.json", "report.md", "report.html", "unccd-reporting.json", "catalog.json"].contains(relative)
    }

    /// The staged files, relative to the staging folder.
    static func written(_ stage: OutputFolder) throws -> Set<String> {
        Set(try SceneFiles.list(stage.path).map { String($0.dropFirst(stage.path.count + 1)) })
    }

    /// Removes the `ldn` outputs of earlier runs that this run did not write, never an input,
    /// then the folders left empty, and empties the lock file.
    static func prune(_ out: OutputFolder, keeping written: Set<String>, inputs: [String]) throws {
        let protected = Set(inputs.map(AtomicOutput.resolved))
        let fm = FileManager.default
        for file in try SceneFiles.list(out.path) {
            let relative = String(file.dropFirst(out.path.count + 1))
            guard !relative.hasPrefix("."), isLDNOutput(relative), !written.contains(relative),
                  !protected.contains(AtomicOutput.resolved(file)) else { continue }
            do { try fm.removeItem(atPath: file) } catch {
                throw KubuqiError.output(file, "cannot remove this output of an earlier run (\(error.localizedDescription))")
            }
        }
        let folders = (try? fm.contentsOfDirectory(atPath: out.path)) ?? []
        for name in folders where isLDNOutput(name + "/x") {
            let path = out.file(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
            if (try SceneFiles.list(path)).isEmpty { try? fm.removeItem(atPath: path) }
        }
        // The lock file names the running process while a run holds it; emptied afterwards, it does not
        // differ between two runs.
        _ = truncate(out.file(".kubuqi.lock"), 0)
    }
}
