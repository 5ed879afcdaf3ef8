import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Publishes each finished `ldn` period while the next one is computed: the
/// COG copies of its class layers (``CloudOptimizedOutput/rewrite(_:userOptions:)``)
/// and the patch GeoPackage of its SDG layer (``LDNPublication/patches(of:zones:work:quiet:)``),
/// on a background thread, so that they are not a serial tail after the last
/// period (docs/benchmarks.md, "ldn").
///
/// Periods are published one at a time, in the order submitted; within a
/// period the SDG layer is copied first and its patches are then drawn from
/// it on one thread while the other layers are copied on another (without
/// patches, the layers are copied on two threads). Every file
/// is the one the serial order writes (the same copy of the same staged
/// raster; the patches drawn from the same pixels). A later period reading a
/// baseline layer while it is replaced reads either the staged raster or its
/// COG, whose pixels are the same (the copy is renamed onto the path whole).
final class LDNPeriodPublisher: @unchecked Sendable {
    private let userOptions: CreationOptions
    private let zones: ZoneLayer?
    private let work: WorkFolder
    private let quiet: Bool
    private let patches: Bool
    private let queue = DispatchQueue(label: "kubuqi.ldn.publish")
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var failure: Error?
    private var patchFiles: [String: String] = [:]

    /// A publisher of COGs with the user's `--co` options and, with `patches`, the SDG patches split by `zones`.
    init(userOptions: CreationOptions, zones: ZoneLayer?, work: WorkFolder, quiet: Bool, patches: Bool) {
        self.userOptions = userOptions
        self.zones = zones
        self.work = work
        self.quiet = quiet
        self.patches = patches
    }

    /// Queues the publication of `period`'s layers (returns at once).
    func submit(_ period: LDNPeriodResult) {
        queue.async(group: group) { [self] in
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try publish(period)
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// Waits for every period submitted; the first error met, else the patch GeoPackages by period name.
    func finish() throws -> [String: String] {
        group.wait()
        return try lock.withLock {
            if let failure { throw failure }
            return patchFiles
        }
    }

    /// Waits for the background work without reporting it (a run that failed elsewhere).
    func drain() { group.wait() }

    private func publish(_ p: LDNPeriodResult) throws {
        let layers = LDNPeriod.Layer.allCases.compactMap { p.files[$0] }
        guard patches, let sdg = p.files[.sdg] else {
            try copy(layers, threads: 2)
            return
        }
        try CloudOptimizedOutput.rewrite(sdg, userOptions: userOptions)
        let others = layers.filter { $0 != sdg }
        // Two threads: the patches of the SDG layer, and the copies of the other layers.
        let outcome = try ConcurrentSteps.results([
            { [self] in try LDNPublication.patches(of: p, zones: zones, work: work, quiet: quiet) },
            { [self] in try copy(others, threads: 1); return nil },
        ])
        if let gpkg = outcome[0] { lock.withLock { patchFiles[p.name] = gpkg } }
    }

    /// Copies `paths` to COGs, on `threads` threads (each copy is one file, the same whichever thread makes it).
    private func copy(_ paths: [String], threads: Int) throws {
        guard threads > 1, paths.count > 1 else {
            for path in paths { try CloudOptimizedOutput.rewrite(path, userOptions: userOptions) }
            return
        }
        let options = userOptions
        try ConcurrentSteps.run(paths.map { path in { try CloudOptimizedOutput.rewrite(path, userOptions: options) } }, threads: threads)
    }
}
