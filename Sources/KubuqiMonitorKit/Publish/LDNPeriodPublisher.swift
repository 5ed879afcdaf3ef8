import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Publishes each finished `ldn` period while the next one is computed: the
/// COG copies of its class layers (``CloudOptimizedOutput/rewrite(_:userOptions:)``)
/// and, with several overlapping zone layers, the patch GeoPackage of its SDG layer
/// (``LDNPublication/patches(of:zones:work:quiet:)``; otherwise the layer pass drew it, ``PatchDrawing``),
/// on a background thread, so that they are not a serial tail after the last
/// period (docs/benchmarks.md, "ldn").
///
/// Each period's publication starts as soon as it is submitted, beside the
/// previous periods' still running (each period writes only its own files); within a
/// period the SDG layer's patches are drawn on one thread while its layers are
/// copied on another, the SDG layer's first (without
/// patches, all of the period's layers are copied side by side on every core,
/// ``ConcurrentSteps``). Right after its copy, each layer the report's
/// interactive map shows is drawn from the COG (``LDNReport/mapLayer(_:path:)``),
/// so the report does not read them again after the last period. Every file
/// is the one the serial order writes (the same copy of the same staged
/// raster; the patches drawn from the same pixels). A later period reading a
/// baseline layer while it is replaced reads either the staged raster or its
/// COG, whose pixels are the same (the copy is renamed onto the path whole).
///
/// A period's stack-pass layers (trajectory, state) are final when its stack pass ends, before the search's
/// refinements and its layer pass: ``submitStackLayers(of:files:)`` copies them then, beside the rest of the period,
/// and ``submit(_:)`` copies the others. The copies run one at a time while a period is computed and on every core
/// once ``computingEnded()`` is called (``PublishingBudget``): the passes keep the cores busy, and each copy beside
/// them adds its own working set to the run's peak memory.
///
/// A period whose layer pass drew its patches (``PatchDrawing``) hands the drawing over unfinished
/// (``LDNPeriodResult/patchDrawing``): its last rows, commit, R-tree and close run here beside the next period's
/// passes and the period's copies, and the SDG layer's Item is written after them (docs/benchmarks.md, "ldn's idle
/// core, session 15"). A run checks ``failure()`` before each period and reports ``firstError(before:)`` when a period
/// fails, so that the first failing step in the serial order is still the error.
///
/// With ``itemsFolder`` set, each layer's STAC Item is written right after its COG copy and map layer (the SDG layer's
/// after its patches, when this publisher draws them), so only the last period's layers' Items are left after it
/// (``LDNPublication/report(_:folder:inputs:maps:patches:itemsWritten:)`` writes the others): the same Item, since it
/// describes files that are final once written here.
final class LDNPeriodPublisher: @unchecked Sendable {
    private let userOptions: CreationOptions
    private let zones: ZoneLayer?
    private let work: WorkFolder
    private let quiet: Bool
    private let patches: Bool
    /// Concurrent: a period's publication starts when it is submitted, beside a previous period's still running (the
    /// patch GeoPackage of a period, polygonize, SQLite insert and R-tree, is one thread's work of several seconds: queued
    /// one period after another they were the run's tail; docs/benchmarks.md, "ldn observers and tail").
    private let queue = DispatchQueue(label: "kubuqi.ldn.publish", attributes: .concurrent)
    private let group = DispatchGroup()
    private let lock = NSLock()
    /// The errors met, by the period's place in the order submitted (the first period's is reported, whatever the timing).
    private var failures: [Int: Error] = [:]
    private var submitted = 0
    private var patchFiles: [String: String] = [:]
    private var maps: [String: [LDNPeriod.Layer: InteractiveMapLayer]] = [:]
    /// The layers already submitted by ``submitStackLayers(of:files:)``, by period name (``submit(_:)`` skips them).
    private var submittedEarly: [String: Set<LDNPeriod.Layer>] = [:]
    /// The periods' descriptions for their Items, by period name.
    private var periods: [String: PeriodDescription] = [:]
    /// The rasters whose Items are written.
    private var itemsWritten: Set<String> = []
    /// The (staged) folder whose `catalog.json` the Items link; nil: no Item is written here.
    var itemsFolder: String? = nil
    /// How many COG copies run at once: one while a period is computed, every core once the last one is.
    let budget = PublishingBudget(limit: 1)

    /// What the publication made besides the COGs: the patch GeoPackages and the report map's layers, by period name.
    struct Published {
        var patches: [String: String]
        var maps: [String: [LDNPeriod.Layer: InteractiveMapLayer]]
        /// The rasters whose STAC Items are written (``itemsFolder``).
        var items: Set<String> = []
    }

    /// What a period's Items say of it.
    private struct PeriodDescription {
        var years: ClosedRange<Int>
        var landCoverYears: (Int, Int)
    }

    /// A publisher of COGs with the user's `--co` options and, with `patches`, the SDG patches split by `zones`.
    init(userOptions: CreationOptions, zones: ZoneLayer?, work: WorkFolder, quiet: Bool, patches: Bool) {
        self.userOptions = userOptions
        self.zones = zones
        self.work = work
        self.quiet = quiet
        self.patches = patches
    }

    /// Queues the publication of `period`'s layers (returns at once); those given to ``submitStackLayers(of:files:)``
    /// are not copied again.
    /// A patch drawing still finishing (``LDNPeriodResult/patchDrawing``) is finished here, beside the next period, and
    /// the SDG layer's Item written after it; it is cancelled if the run has failed by then.
    func submit(_ period: LDNPeriodResult) {
        var rest = period
        lock.withLock {
            for layer in submittedEarly[period.name] ?? [] { rest.files[layer] = nil }
            periods[period.name] = PeriodDescription(years: period.years, landCoverYears: period.landCoverYears)
        }
        let drawing = period.patchDrawing
        enqueue(abandoned: { drawing?.cancel() }) { [self, rest] in try publish(rest) }
    }

    /// Queues the COG copies of the layers `files` of `period`, final before the period ends (its stack pass's layers
    /// with their legends attached; returns at once).
    func submitStackLayers(of period: LDNPeriod, files: [LDNPeriod.Layer: String]) {
        guard !files.isEmpty else { return }
        let name = period.name
        lock.withLock {
            submittedEarly[name, default: []].formUnion(files.keys)
            periods[name] = PeriodDescription(years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd))
        }
        enqueue { [self] in try copy(LDNPeriod.Layer.allCases.filter { files[$0] != nil }, named: name, files: files, threads: nil) }
    }

    /// No period is computed any more: the copies left run side by side on every core.
    func computingEnded() { budget.setLimit(ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `work` on the queue, its error kept by the order submitted; `abandoned` instead when the run has failed by then.
    private func enqueue(abandoned: @escaping @Sendable () -> Void = {}, _ work: @escaping @Sendable () throws -> Void) {
        let index = lock.withLock { submitted += 1; return submitted }
        queue.async(group: group) { [self] in
            guard lock.withLock({ failures.isEmpty }) else { abandoned(); return }   // the run fails: publish nothing more
            do {
                try work()
            } catch {
                lock.withLock { failures[index] = error }
            }
        }
    }

    /// Waits for every period submitted; the error of the first period (in the order submitted) that failed, else the patch GeoPackages and map layers by period name.
    func finish() throws -> Published {
        group.wait()
        return try lock.withLock {
            if let first = failures.keys.min() { throw failures[first]! }
            return Published(patches: patchFiles, maps: maps, items: itemsWritten)
        }
    }

    /// Waits for the background work without reporting it (a run that failed elsewhere).
    func drain() { group.wait() }

    /// The error of the first period submitted whose publication has failed so far, without waiting (nil: none yet).
    /// A period's patches finish beside the next period: a run checks this before each period, so that a failed
    /// drawing stops it as the serial order would.
    func failure() -> Error? {
        lock.withLock { failures.keys.min().map { failures[$0]! } }
    }

    /// The error a run reports when computing a period failed with `error`: the first failed publication of a period
    /// submitted before it, once every submitted period is done (it came first in the serial order), else `error`.
    func firstError(before error: Error) -> Error {
        group.wait()
        return failure() ?? error
    }

    private func publish(_ p: LDNPeriodResult) throws {
        let layers = LDNPeriod.Layer.allCases.filter { p.files[$0] != nil }
        // Patches drawn during the period's layer pass and still finishing: finished beside the copies (the SDG layer's
        // first), then its Item.
        if let drawing = p.patchDrawing {
            let copies = layers.contains(.sdg) ? [.sdg] + layers.filter { $0 != .sdg } : layers
            try ConcurrentSteps.run([
                { try drawing.finish() },
                { [self] in try copy(copies, named: p.name, files: p.files, threads: nil, itemsAfter: [.sdg]) },
            ])
            lock.withLock { patchFiles[p.name] = drawing.path }
            if let sdg = p.files[.sdg] { try writeItem(.sdg, path: sdg, period: p.name, patches: drawing.path) }
            return
        }
        // Patches drawn and finished during the period's layer pass (``PatchDrawing``): only recorded here.
        if let gpkg = p.patches { lock.withLock { patchFiles[p.name] = gpkg } }
        guard patches, p.files[.sdg] != nil, p.patches == nil else {
            try copy(layers, named: p.name, files: p.files, threads: nil)
            return
        }
        let copies = [.sdg] + layers.filter { $0 != .sdg }
        // Two threads: the patches of the SDG layer, drawn at once (from the staged raster or, once its copy
        // is renamed onto it, the COG: the same pixels), and the copies of the layers, the SDG layer's first.
        let outcome = try ConcurrentSteps.results([
            { [self] in try LDNPublication.patches(of: p, zones: zones, work: work, quiet: quiet) },
            { [self] in try copy(copies, named: p.name, files: p.files, threads: 1, itemsAfter: [.sdg]); return nil },
        ])
        if let gpkg = outcome[0] { lock.withLock { patchFiles[p.name] = gpkg } }
        try writeItem(.sdg, path: p.files[.sdg]!, period: p.name, patches: outcome[0])
    }

    /// Copies `layers` of the period `name` (paths in `files`) to COGs, each within the ``budget``, on at most `threads`
    /// threads (nil: side by side on every core; each copy is one file, the same whichever thread makes it), and draws
    /// the report map's layers from the copies, then their Items (``itemsFolder``; but those of `itemsAfter`, written
    /// by the caller once their other files are final).
    private func copy(_ layers: [LDNPeriod.Layer], named name: String, files: [LDNPeriod.Layer: String], threads: Int?,
                      itemsAfter: Set<LDNPeriod.Layer> = []) throws {
        let options = userOptions, budget = budget
        let drawn = try ConcurrentSteps.results(layers.map { layer in { [self] in
            let path = files[layer]!
            try budget.run { try CloudOptimizedOutput.rewrite(path, userOptions: options) }
            let map = try LDNReport.mapLayer(layer, path: path)
            if !itemsAfter.contains(layer) {
                // The SDG layer's patches, when drawn, were drawn during the layer pass and are final.
                try writeItem(layer, path: path, period: name, patches: layer == .sdg ? lock.withLock { patchFiles[name] } : nil)
            }
            return map
        } }, threads: threads)
        lock.withLock {
            for (layer, map) in zip(layers, drawn) { if let map { maps[name, default: [:]][layer] = map } }
        }
    }

    /// Writes the STAC Item of `layer` of the period `name` at `path` into ``itemsFolder`` (none when unset), with the
    /// SDG layer's `patches`: the product ``LDNPublication/products(_:patches:)`` makes of it after the run.
    private func writeItem(_ layer: LDNPeriod.Layer, path: String, period name: String, patches: String?) throws {
        guard let folder = itemsFolder, let period = lock.withLock({ periods[name] }) else { return }
        let product = LDNPublication.product(layer, path: path, period: name, years: period.years,
                                             landCoverYears: period.landCoverYears, patches: patches)
        try STACCatalog.writeItem(product, folder: folder)
        lock.withLock { _ = itemsWritten.insert(path) }
    }
}
