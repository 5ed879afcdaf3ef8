import Dispatch
import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The tiles of an averaged COG (``CloudOptimizedOutput/write(_:to:userOptions:averagingRows:)``) encoded while its
/// staged raster is still being written (docs/publishing.md, "COG from the workers' tiles"; `stack`'s OUT.tif and
/// OUT.count.tif, docs/benchmarks.md, "Session 12").
///
/// The writer of the staged raster says which rows are final in every band (``rowsComplete(upTo:)``: `stack`'s
/// band-interleaved file, once the last period's strip is written); those rows are read back through the writer's
/// own handle, a row of tiles at a time, pixel-interleaved, by a background thread (while the writer goes on with its
/// next rows, and waits for the read, ``awaitReads()``, before it writes to the dataset again: one thread at a time),
/// which hands them to ``AveragedTileRows`` to average and encode on every core. ``finish()`` has the feed read its
/// rows left on its own thread, waits, and closes the dataset (``finish(_:)``: several feeds side by side; `stack`
/// finishes each output's feed in that output's own chain of the tail, ``StackJob``); ``handOver(for:)`` leaves the
/// spool in ``TileSpools`` for the staged file once it is in place, where the COG copy takes it instead of encoding
/// every tile from the staged rows (the same tiles, the same COG byte for byte). The rows are read straight into the open row of tiles
/// (``AveragedTileRows/openRows(_:)``) once the background thread is idle, so memory is
/// ``AveragedTileRows/stripBytes(_:bytesPerPixel:)``, nothing read ahead.
/// All calls but the background work come from the thread writing the dataset.
final class StagedAveragingFeed: @unchecked Sendable {
    /// The spool and its private folder.
    let spooled: TileSpools.Spooled
    /// The staged raster's path.
    var staged: String { dataset.path }
    private let dataset: Dataset
    private let rows: AveragedTileRows
    private let float: Bool
    private let tile: Int, height: Int
    private let queue = DispatchQueue(label: "kubuqi.staged-averaging-feed")
    private let busy = DispatchGroup()
    /// The rows handed to the background thread not yet read from the dataset (``awaitReads()``).
    private let reads = DispatchGroup()
    /// Rows read and handed to the background thread; rows final in every band.
    private(set) var fed = 0
    private var complete = 0
    /// The background thread's error, read after `busy` is waited for.
    private var failure: Error?
    private var finished = false, handedOver = false

    /// A feed for the staged raster `dataset` (open for writing, its bands and nodata set) published with the user's
    /// `userOptions`, when ``CloudOptimizedOutput`` would lay its COG out with averaged overviews
    /// (``CloudOptimizedOutput/averagedLevel(_:options:)``); nil otherwise (GDAL's driver makes it, after the pass).
    /// The spool goes in a private folder beside `output` (the published file's path).
    init?(_ dataset: Dataset, userOptions: CreationOptions, output: String) throws {
        guard try CloudOptimizedOutput.isRequested(userOptions) else { return nil }
        let encoding = CloudOptimizedOutput.encoding(of: try dataset.band(1))
        let options = CloudOptimizedOutput.geoTIFFOptions(userOptions).over(RasterOutputSpec.defaultCreationOptions(for: encoding))
        guard let plan = try CloudOptimizedOutput.averagedLevel(dataset, options: options) else { return nil }
        let format = try CloudOptimizedOutput.averagedFormat(dataset)
        let parent = PathNames.parent(output)
        let folder = try SafeFiles.privateFolder(in: parent.isEmpty ? "." : parent, blame: output)
        let spool: CompressedTileSpool
        do {
            spool = try CompressedTileSpool(path: folder + "/tiles.spool", width: dataset.width, height: dataset.height,
                                            level: plan.level, format: format)
        } catch {
            SafeFiles.removeTree(folder)
            throw error
        }
        spooled = TileSpools.Spooled(spool: spool, folder: folder)
        spooled.averagedNodata = .some(plan.nodata)
        self.dataset = dataset
        rows = AveragedTileRows(spool, nodata: plan.nodata)
        float = format.type == .float32
        tile = spool.levels.tile
        height = dataset.height
    }

    deinit { busy.wait() }

    /// Rows `0..<row` are final in every band of the dataset (written through its handle): hands the rows of tiles
    /// now complete to the background thread, as far as it is free (the rest wait for the next call or ``finish()``),
    /// which reads them from the dataset; the writer calls ``awaitReads()`` before it writes to the dataset again.
    func rowsComplete(upTo row: Int) throws {
        complete = max(complete, min(row, height))
        try pump()
    }

    /// Every row is final: reads the rows left (on the background thread, ``readRest()``), waits for their tiles, then
    /// closes the dataset (the writer's; nothing reads it any more); throws the first error of the encoding, or the close's.
    func finish() throws {
        guard !finished else { return }
        if fed < height { readRest() }
        busy.wait()
        finished = true
        if let failure { throw failure }
        try dataset.close()
    }

    /// Finishes `feeds` side by side, then as ``finish()``. Every row is final and nothing writes the datasets any
    /// more, so each feed reads its rows left on its own background thread (``readRest()``): the feeds' reads, averages
    /// and encodings then run beside each other's, where the writer's thread used to read every feed's rows in turn
    /// while the feeds waited for them (docs/benchmarks.md, "Stack (issue 16)", session 16).
    static func finish(_ feeds: [StagedAveragingFeed]) throws {
        for f in feeds where !f.finished && f.fed < f.height { f.readRest() }
        for f in feeds { try f.finish() }
    }

    /// Every row is final and the writer is done with the dataset: the rows left are read and committed on the
    /// background thread (after the work queued there), a row of tiles at a time, until all are fed or one fails.
    /// The caller then waits in ``finish()``, which finds nothing left to read.
    private func readRest() {
        complete = height
        let rest = (from: fed, to: complete)
        fed = complete   // read below, on the queue: the caller's view once `busy` is waited for
        busy.enter()
        queue.async { [self] in
            defer { busy.leave() }
            var row = rest.from
            while row < rest.to, failure == nil {
                let count = min(tile - row % tile, rest.to - row)
                do {
                    let w = Window(column: 0, row: row, width: dataset.width, height: count)
                    try dataset.readInterleaved(w, float: float, into: rows.openRows(count))
                    try rows.commitRows(count)
                } catch { failure = error }
                row += count
            }
        }
    }

    /// After ``finish()``: leaves the spool for the staged file now at `path` (``TileSpools/finish(_:for:)``), which
    /// the COG copy of `path` takes.
    func handOver(for path: String) {
        precondition(finished, "the feed is not finished")
        handedOver = true
        TileSpools.finish(spooled, for: path)
    }

    /// Deletes the spool unless it was handed over (a failed or abandoned pass), after the background work ends.
    func discard() {
        busy.wait()
        if !handedOver { spooled.discard() }
    }

    /// Hands the next rows (up to the end of their row of tiles) to the background thread while it is free, until no
    /// complete row is left or it is busy (the rest wait for the next call): the thread reads them straight into its
    /// open row of tiles, then averages and encodes them, while the writer goes on with its next rows; the writer waits
    /// for the read (``awaitReads()``) before it writes to the dataset again.
    private func pump() throws {
        while true {
            let count = min(tile - fed % tile, complete - fed)
            guard count > 0 else { return }
            if busy.wait(timeout: .now()) == .timedOut { return }
            if let failure { throw failure }
            let w = Window(column: 0, row: fed, width: dataset.width, height: count)
            fed += count
            busy.enter()
            reads.enter()
            queue.async { [self] in
                defer { busy.leave() }
                let read = Result { try dataset.readInterleaved(w, float: float, into: rows.openRows(count)) }
                reads.leave()
                do {
                    try read.get()
                    try rows.commitRows(count)
                } catch { failure = error }
            }
        }
    }

    /// Waits until the rows handed to the background thread are read from the dataset: the writer calls it before it
    /// writes to the dataset again (a dataset is used by one thread at a time; the averaging and encoding go on).
    func awaitReads() {
        reads.wait()
    }
}
