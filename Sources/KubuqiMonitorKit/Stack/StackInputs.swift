import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A collection's observation readers, opened on demand.
///
/// The window pass opens the observations of one period (a group of at most
/// ``StackJob/openAtOnce`` at a time when the period has more), reads them and closes them
/// again, so the number of datasets open at once is bounded by a constant, not by the number of
/// dates: each open GDAL dataset keeps its own state and decode buffers, which used to make the
/// peak memory grow with the length of the collection (docs/benchmarks.md "Stack (issue 16)").
final class StackInputs {
    /// The run's options (scaling, sensor preset, target grid).
    let options: StackOptions
    /// The distinct block sizes of the inputs' bands, in observation order.
    private(set) var blocks: [(width: Int, height: Int)] = []
    /// The grid of the inputs' bands (one grid, checked; with a target grid, that grid).
    var grid: Grid { grids[0].grid }
    /// Every band's dataset path and grid, sorted by path.
    private var grids: [(path: String, grid: Grid)] = []
    /// Each plain 16-bit observation's conversion (``StackReader/sixteenBitScaling``), learnt when it is first opened.
    private var scalings: [StackObservation: SixteenBitScaling] = [:]
    /// Scenes already read (a preset's metadata is parsed, and warned about, once).
    private var scenes: [String: Scene] = [:]

    /// Opens every observation once, `batch` at a time, to check that their bands
    /// lie on one grid and to learn their block sizes.
    /// - Throws: the first unreadable input, in observation order.
    init(_ observations: [StackObservation], _ o: StackOptions, batch: Int = StackJob.openAtOnce) throws {
        options = o
        var grids: [(path: String, grid: Grid)] = []
        for start in stride(from: 0, to: observations.count, by: batch) {
            let part = Array(observations[start..<min(start + batch, observations.count)])
            let readers = try open(part)
            for ob in part {
                let r = readers[ob]!
                for b in r.allBands { grids.append((b.dataset.path, b.dataset.grid)) }
                if !blocks.contains(where: { $0 == r.band.blockSize }) { blocks.append(r.band.blockSize) }
                if let s = r.sixteenBitScaling { scalings[ob] = s }
            }
        }
        self.grids = grids.sorted { $0.path < $1.path }
    }

    /// The exact integer sums `observations` (a period's) can share for `reducer` (``StoredSums``), nil when they cannot.
    func storedSums(_ observations: [StackObservation], reducer: SeriesReducer) -> StoredSums? {
        StoredSums(observations.map { scalings[$0] }, reducer: reducer)
    }

    /// Checks that every band lies on the grid of the first (paths sorted, as
    /// ``InputRasters/requireSameGrid(_:)`` names them).
    func requireOneGrid() throws {
        for g in grids.dropFirst() {
            if let diff = g.grid.difference(from: grids[0].grid) {  // g's values first, as g is named first
                throw KubuqiError(.input, "\(g.path): not on the grid of \(grids[0].path): \(diff)")
            }
        }
    }

    /// The readers of `observations`, their datasets freshly opened; they close when the readers go.
    ///
    /// Opened without GDAL listing each file's folder (`GDAL_DISABLE_READDIR_ON_OPEN=TRUE`, unless the
    /// user set it: side-car files are then found by probing their names): every file is opened twice
    /// (setup, then its period), and listing a folder of N dated files at each open costs O(N) each.
    ///
    /// Without a sensor preset, the observations are opened on every core, a contiguous share each (GDAL opening a
    /// file, reading its header and CRS, is most of a period's serial start); the first unreadable one in observation
    /// order is the error, as when opened one by one. Scene folders are opened on this thread (their descriptions are
    /// read once, into ``scenes``).
    func open(_ observations: [StackObservation]) throws -> [StackObservation: StackReader] {
        let options = options
        let openShare: @Sendable ([StackObservation]) throws -> [StackObservation: StackReader] = { share in
            try GDALEnvironment.withThreadConfig("GDAL_DISABLE_READDIR_ON_OPEN", "TRUE") {
                try StackJob.pixelInputs(share, rasters: InputRasters(), options)
            }
        }
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, observations.count / Self.perThread)
        guard options.sensor == nil, threads > 1 else {
            return try GDALEnvironment.withThreadConfig("GDAL_DISABLE_READDIR_ON_OPEN", "TRUE") {
                try StackJob.pixelInputs(observations, rasters: InputRasters(), options, scene: scene)
            }
        }
        let size = (observations.count + threads - 1) / threads
        let shares = stride(from: 0, to: observations.count, by: size).map { Array(observations[$0..<min($0 + size, observations.count)]) }
        let opened = try ConcurrentSteps.results(shares.map { share in { try openShare(share) } })
        return opened.reduce(into: [:]) { all, part in all.merge(part) { a, _ in a } }
    }

    /// The fewest observations a thread opens when ``open(_:)`` shares them out.
    static let perThread = 4

    /// A scene folder's description, read once.
    private func scene(_ path: String, _ sensor: SensorPreset) throws -> Scene {
        if let s = scenes[path] { return s }
        let s = try sensor.load(path)
        scenes[path] = s
        return s
    }
}
