import Dispatch
import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Receives the kernel results of every chunk of every window, for passes
/// that gather scene statistics (percentiles, fits) before the written pass.
///
/// `observe` is called concurrently for different `chunk` numbers, never
/// twice at once for the same number, so an observer may keep one mergeable
/// accumulator per chunk (at most ``StreamedCalculation/maximumChunks``) and
/// merge them at the end.
public protocol ChunkObserver: AnyObject, Sendable {
    /// `results[k]` is output k's values for the chunk (NaN = nodata): rows
    /// of `width` pixels (the window's width, not always the raster's)
    /// starting at raster row `firstRow`.
    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>])
    /// The same with the grid column of the chunk's first pixel (windows,
    /// and tiles, need not start at column 0): observers that need each
    /// pixel's place (true pixel areas) implement this one.
    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>])
    /// The pass's stop hook: an error here (nil: go on) stops the pass before its next window, which throws it
    /// (a patch drawing that failed: the rest of the layer pass would be computed for nothing).
    var stopReason: Error? { get }
}

extension ChunkObserver {
    /// Observers that never stop the pass.
    public var stopReason: Error? { nil }

    /// Observers that need rows only ignore the column.
    public func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, width: width, results: results)
    }
}

/// The one data path of every per-pixel command: read a window of each
/// input, run the kernels, write the windows, window after window.
///
/// - Windows are laid out by ``WindowLayout``: whole output blocks, whole
///   input blocks where they fit, within a fixed buffer budget.
/// - Reading the next window overlaps computing and writing the current one
///   (the inputs are read on their own thread; GDAL handles are never shared
///   between threads).
/// - Kernels run on all cores, over row chunks of the window.
/// - Memory is a few window buffers (``WindowLayout/defaultBudget`` in all)
///   plus GDAL's block cache, whatever the scene size.
/// - Outputs are written to temporary files and renamed when all are complete.
public enum StreamedCalculation {
    /// The largest number of chunks a window is split into.
    public static let maximumChunks = 64

    /// Runs `outputs` over `inputs` (which must share a grid), masked by `mask`.
    ///
    /// - Returns: summary statistics of each output's values (before encoding).
    public static func run(
        inputs: [PixelInput], mask: PixelMask? = nil, outputs: [PixelOutput], region: Window? = nil,
        observer: ChunkObserver? = nil, progress: (Double) -> Void = { _ in }
    ) throws -> [SummaryStatistics] {
        let body: JointKernel = { ins, outs, _, _ in
            for (o, output) in outputs.enumerated() {
                output.kernel(output.inputs.map { ins[$0] }, output.inputs.map { _ in nil }, outs[o])
            }
        }
        return try runJoint(inputs: inputs, mask: mask, outputs: outputs.map(\.spec), kernel: body, region: region,
                            observer: observer, progress: progress)
    }

    /// A kernel that computes every output of a chunk at once from all the
    /// inputs (for indicators whose layers share expensive work): inputs and
    /// outputs are rows of `width` pixels (the window's width) from raster row `firstRow`.
    public typealias JointKernel = @Sendable (
        _ inputs: [UnsafeBufferPointer<Float>], _ outputs: [UnsafeMutableBufferPointer<Float>], _ firstRow: Int, _ width: Int
    ) -> Void

    /// Runs one joint kernel producing `outputs.count` layers (a nil spec
    /// computes a layer without writing it).
    ///
    /// - Parameter region: a window of the inputs' grid to compute alone (a
    ///   tile of a plan); the outputs then cover that window only, with their
    ///   georeferencing shifted to it. Rows passed to kernels and observers stay
    ///   rows of the whole grid.
    /// - Parameter statistics: false for callers that do not use the returned summary statistics: they are
    ///   then not computed (empty statistics are returned), which saves a pass over every output's values.
    public static func runJoint(
        inputs: [PixelInput], mask: PixelMask? = nil, outputs specs: [RasterOutputSpec?], kernel: @escaping JointKernel,
        region: Window? = nil, observer: ChunkObserver? = nil, statistics: Bool = true, progress: (Double) -> Void = { _ in }
    ) throws -> [SummaryStatistics] {
        precondition(!inputs.isEmpty, "a calculation needs at least one input")
        let full = inputs[0].band.dataset.grid
        let area = region ?? Window(column: 0, row: 0, width: full.width, height: full.height)
        precondition(area.column >= 0 && area.row >= 0 && area.column + area.width <= full.width && area.row + area.height <= full.height,
                     "region outside the grid")
        let grid = full.subgrid(area)
        let inputPaths = inputs.map(\.band.dataset.path) + (mask.map { [$0.band.dataset.path] } ?? [])
        var sinks: [AtomicOutput?] = []
        var bands: [RasterBand?] = []
        var datasets: [Dataset] = []
        // The outputs whose published tiles are compressed as they are written (TileSpools), by output.
        var spools: [TileSpools.Spooled?] = []
        var spoolsHandedOver = false
        defer { if !spoolsHandedOver { spools.forEach { $0?.discard() } } }
        defer { sinks.forEach { $0?.discard() } }
        // After a failure the outputs not yet closed are thrown away quietly, before their folder goes
        // (closed ones are untouched): only the first failure is reported, naming the output.
        defer { datasets.forEach { $0.discard() } }
        for spec in specs { sinks.append(try spec.map { try AtomicOutput($0.path, inputs: inputPaths) }) }
        // The pass's staged outputs weighed together, after what the run staged before (StagingLedger), before any is created.
        let specs = try weighed(specs, at: sinks.map { $0?.temporary }, grid: grid)
        for (spec, sink) in zip(specs, sinks) {
            guard let spec, let sink else { bands.append(nil); spools.append(nil); continue }
            let ds = try create(spec, at: sink.temporary, grid: grid)
            datasets.append(ds)
            bands.append(try ds.band(1))
            spools.append(try TileSpools.start(for: spec, width: grid.width, height: grid.height,
                                               writing: spec.writingCreationOptions(width: grid.width, height: grid.height, at: sink.temporary)))
        }
        do {
            let outBlock = bands.compactMap { $0?.blockSize }.first ?? (width: 256, height: 256)
            let readCount = inputs.count + (mask == nil ? 0 : 1)
            let encodes = specs.contains { $0?.encoding.int16Encoding != nil }
            // Inputs twice (the next window is read while this one is computed), results, Int16 encodings.
            let bytesPerPixel = 4 * (2 * readCount + specs.count) + (encodes ? 2 : 0)
            let layout = WindowLayout(width: grid.width, height: grid.height, outputBlock: outBlock,
                                      inputBlocks: inputs.map(\.band.blockSize) + (mask.map { [$0.band.blockSize] } ?? []),
                                      bytesPerPixel: bytesPerPixel)
            let stats = try stream(windows: layout.windows(origin: (area.column, area.row)), origin: area,
                                   capacity: layout.capacity, inputs: inputs, mask: mask, specs: specs, kernel: kernel,
                                   bands: bands, spools: spools.map { $0?.spool }, observer: observer, statistics: statistics, progress: progress)
            for ds in datasets { try ds.close() }
            for sink in sinks { try sink?.commit() }
            spoolsHandedOver = true
            for (o, spooled) in spools.enumerated() { if let spooled { TileSpools.finish(spooled, for: specs[o]!.path) } }
            return stats
        } catch let e as GDALError {
            // Name the output the user asked for, said to be being written (not its temporary file), and each GDAL message once.
            var messages: [String] = []
            for m in e.messages where !messages.contains(m) { messages.append(m) }
            var text = e.context + (messages.isEmpty ? "" : " (" + messages.joined(separator: "; ") + ")")
            for sink in sinks.compactMap({ $0 }) { text = StagedNames.writing(text, temporary: sink.temporary, as: sink.target) }
            throw KubuqiError(.output, text)
        }
    }

    /// `specs` with the staging of those staged for a COG decided (``RasterOutputSpec/stagingDecided``) at their
    /// temporaries `paths`, the scratch ones weighed too (uncompressed whatever is decided): by the open ``RunStagingLedger`` covering each, else by one ledger of the pass per output
    /// folder (opened now: the pass's outputs weighed together), all of a ledger's weighed in one plan.
    static func weighed(_ specs: [RasterOutputSpec?], at paths: [String?], grid: Grid) throws -> [RasterOutputSpec?] {
        var decided = specs
        var ledgers: [(ledger: RunStagingLedger, outputs: [Int])] = []
        for (o, spec) in specs.enumerated() {
            guard let spec, let path = paths[o], spec.storage != .published, spec.stagingDecided == nil else { continue }
            let folder = RunStagingLedger.named(PathNames.parent(spec.path))
            let ledger = RunStagingLedger.covering(path) ?? ledgers.first { $0.ledger.covers.isEmpty && $0.ledger.ledger.folder == folder }?.ledger
                ?? RunStagingLedger(folder: folder, covering: [])
            if let k = ledgers.firstIndex(where: { $0.ledger === ledger }) { ledgers[k].outputs.append(o) } else { ledgers.append((ledger, [o])) }
        }
        for (ledger, outputs) in ledgers {
            let entries = outputs.map { o in
                StagingLedger.Entry(name: (specs[o]!.path as NSString).lastPathComponent, spec: specs[o]!, width: grid.width, height: grid.height, bands: 1)
            }
            for (o, keep) in zip(outputs, try ledger.plan(entries)) { decided[o]!.stagingDecided = keep }
        }
        return decided
    }

    private static func create(_ spec: RasterOutputSpec, at path: String, grid: Grid) throws -> Dataset {
        do {
            let ds = try spec.createDataset(at: path, grid: grid)
            let band = try ds.band(1)
            try band.setNodata(spec.encoding.nodata)
            if !spec.bandDescription.isEmpty { band.setDescription(spec.bandDescription) }
            if spec.encoding == .int16 { try band.setScale(1.0 / 10_000, offset: 0) }
            for (k, v) in spec.metadata { ds.setMetadataItem(k, v) }
            return ds
        } catch let e as GDALError {
            throw KubuqiError.output(spec.path, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
        }
    }

    private static func stream(
        windows: [Window], origin: Window, capacity: Int, inputs: [PixelInput], mask: PixelMask?, specs: [RasterOutputSpec?],
        kernel: JointKernel, bands: [RasterBand?], spools: [CompressedTileSpool?], observer: ChunkObserver?, statistics: Bool,
        progress: (Double) -> Void
    ) throws -> [SummaryStatistics] {
        let buffers = inputs.count + (mask == nil ? 0 : 1)
        // Three input slots: window k is computed while windows k+1 and k+2 are read.
        let slots = (0..<3).map { _ in WindowBuffers(count: buffers, capacity: capacity) }
        // Two result slots: window k is computed while window k-1 is written.
        let results = (0..<2).map { _ in WindowBuffers(count: specs.count, capacity: capacity) }
        let encodes = specs.contains { $0?.encoding.int16Encoding != nil }
        let encoded = (0..<2).map { _ in Int16Buffer(capacity: encodes ? capacity : 0) }
        let readers = WindowReaders(inputs: inputs, mask: mask, windows: windows)
        let readDone = (0..<3).map { _ in DispatchGroup() }
        let failures = ReadFailures()
        // Every read and write has ended before the buffers and handles go, also after an error.
        defer { readDone.forEach { $0.wait() } }

        func read(_ k: Int) {
            let slot = slots[k % 3], group = readDone[k % 3]
            let n = windows[k].pixelCount
            for reader in readers.readers(forWindow: k) {
                group.enter()
                reader.queue.async {
                    defer { group.leave() }
                    do {
                        if let direct = reader.direct,
                           try readDirect(direct, windows[k], bands: reader.sources.map(\.band.index),
                                          into: reader.sources.map { slot.buffer($0.buffer, count: n) }) { return }
                        for s in reader.sources { try readInput(s.band, windows[k], into: slot.buffer(s.buffer, count: n)) }
                    } catch { failures.record(error) }
                }
            }
        }

        // One writer thread: the output handles are used from it alone, window after window, in order.
        let writer = DispatchQueue(label: "kubuqi.writer")
        let written = (0..<2).map { _ in DispatchGroup() }
        let writeFailures = ReadFailures()
        defer { written.forEach { $0.wait() } }
        func write(_ k: Int) {
            let w = windows[k], values = results[k % 2], encoding = encoded[k % 2]
            let local = Window(column: w.column - origin.column, row: w.row - origin.row, width: w.width, height: w.height)
            written[k % 2].enter()
            writer.async {
                defer { written[k % 2].leave() }
                guard writeFailures.first == nil else { return }
                do {
                    for (o, band) in bands.enumerated() {
                        guard let band, let spec = specs[o] else { continue }
                        let v = values.buffer(o, count: w.pixelCount)
                        if let encoder = spec.encoding.int16Encoding {
                            let out = encoding.buffer(count: w.pixelCount)
                            parallelChunks(w) { _, range in
                                encoder.encode(UnsafeBufferPointer(rebasing: v[range]), into: UnsafeMutableBufferPointer(rebasing: out[range]))
                            }
                            try band.write(local, from: UnsafeBufferPointer(out))
                            // The published tiles of this window, compressed on every core beside the next window's computation.
                            try spools[o]?.add(local, values: UnsafeBufferPointer(out))
                        } else {
                            try band.write(local, from: UnsafeBufferPointer(v))
                        }
                    }
                } catch { writeFailures.record(error) }
            }
        }

        var totals = Array(repeating: SummaryStatistics(), count: specs.count)
        read(0)
        if windows.count > 1 { read(1) }
        for k in windows.indices {
            if let e = observer?.stopReason { throw e }   // the stop hook (ChunkObserver.stopReason)
            readDone[k % 3].wait()
            if let e = failures.first { throw e }
            if let e = writeFailures.first { throw e }
            if k + 2 < windows.count { read(k + 2) }   // into the slot window k-1 used (computed already)
            written[k % 2].wait()                       // window k-2's results are written: their slot is free
            let stats = compute(slots[k % 3], results: results[k % 2], window: windows[k], inputs: inputs, mask: mask,
                                outputs: specs.count, kernel: kernel, observer: observer, statistics: statistics)
            for o in specs.indices { totals[o].merge(stats[o]) }
            write(k)
            progress(Double(k + 1) / Double(windows.count))
        }
        written.forEach { $0.wait() }
        if let e = writeFailures.first { throw e }
        return totals
    }

    /// Reads a window of an input; a failure (a truncated or corrupt file) is an input error naming the file.
    private static func readInput(_ band: RasterBand, _ w: Window, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        do { try band.read(w, into: buffer) } catch let e as GDALError {
            throw KubuqiError.input(band.dataset.path, "cannot read rows \(w.row)-\(w.row + w.height - 1) of band \(band.index) (\(e.messages.joined(separator: "; ")))")
        }
    }

    /// Reads a window of several bands of one pixel-interleaved file through ``DirectTileReader`` (false: read them
    /// through GDAL); a failure is an input error naming the file, as ``readInput(_:_:into:)``'s.
    private static func readDirect(_ direct: DirectTileReader, _ w: Window, bands: [Int], into buffers: [UnsafeMutableBufferPointer<Float>]) throws -> Bool {
        do { return try direct.read(w, bands: bands, into: buffers) } catch let e as GDALError {
            throw KubuqiError.input(direct.path, "cannot read rows \(w.row)-\(w.row + w.height - 1) (\(e.messages.joined(separator: "; ")))")
        }
    }

    /// Splits a window into row chunks run on all cores.
    static func parallelChunks(_ w: Window, _ body: (Int, Range<Int>) -> Void) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = min(w.height, cores * 4, maximumChunks)
        let rowsPerChunk = (w.height + chunks - 1) / chunks
        // Chunks touch disjoint ranges of the window buffers: no data is shared between them.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let startRow = c * rowsPerChunk
            let endRow = min(w.height, startRow + rowsPerChunk)
            guard startRow < endRow else { return }
            body(c, (startRow * w.width)..<(endRow * w.width))
        }
    }

    /// Prepares the inputs, applies the mask and runs every kernel over one window.
    private static func compute(
        _ slot: WindowBuffers, results: WindowBuffers, window w: Window, inputs: [PixelInput], mask: PixelMask?,
        outputs: Int, kernel: JointKernel, observer: ChunkObserver?, statistics: Bool
    ) -> [SummaryStatistics] {
        let partial = PerChunk([SummaryStatistics](repeating: SummaryStatistics(), count: outputs))
        let n = w.pixelCount
        parallelChunks(w) { c, range in
            let ins = (0..<inputs.count).map { UnsafeMutableBufferPointer(rebasing: slot.buffer($0, count: n)[range]) }
            for (i, input) in inputs.enumerated() { input.prepare(ins[i]) }
            if let mask {
                let q = slot.buffer(inputs.count, count: n)
                for p in range where mask.excludes(q[p]) {
                    for b in ins { b[p - range.lowerBound] = .nan }
                }
            }
            let firstRow = w.row + range.lowerBound / w.width
            let outs = (0..<outputs).map { UnsafeMutableBufferPointer(rebasing: results.buffer($0, count: n)[range]) }
            kernel(ins.map { UnsafeBufferPointer($0) }, outs, firstRow, w.width)
            if statistics { partial.update(c) { stats in
                for (o, out) in outs.enumerated() {
                    var s = SummaryStatistics()
                    s.add(UnsafeBufferPointer(out))
                    stats[o] = s
                }
            } }
            observer?.observe(chunk: c, firstRow: firstRow, firstColumn: w.column, width: w.width, results: outs.map { UnsafeBufferPointer($0) })
        }
        return (0..<outputs).map { o in partial.values.reduce(into: SummaryStatistics()) { $0.merge($1[o]) } }
    }
}

/// The reader threads of a calculation: one serial queue per distinct input dataset, so different files
/// decode in parallel and no GDAL handle is ever used from two threads. A dataset that supplies several
/// bands (a multi-band stack, decoded block by block for all its bands) also gets a second read-only handle
/// on its own queue when it can be opened again (``Dataset/reopenedForReading()``): even windows are read
/// through the first handle and odd windows through the second, so two windows of it decode at once. Such a
/// dataset's bands are decoded by us (``DirectTileReader``, one per handle) when it is a plain pixel-interleaved
/// tiled 16-bit GeoTIFF: each tile once for all the bands read (GDAL's cache would split it into a block per band).
final class WindowReaders: @unchecked Sendable {
    struct Reader {
        let queue: DispatchQueue
        let sources: [(band: RasterBand, buffer: Int)]
        /// The sources' file decoded by us (several bands of a multi-band file; nil: GDAL reads them).
        var direct: DirectTileReader? = nil
    }
    private let even: [Reader], odd: [Reader]

    init(inputs: [PixelInput], mask: PixelMask?, windows: [Window]) {
        var sources: [(band: RasterBand, buffer: Int)] = inputs.enumerated().map { ($0.element.band, $0.offset) }
        if let mask { sources.append((mask.band, inputs.count)) }
        var order: [ObjectIdentifier] = []
        var groups: [ObjectIdentifier: [(band: RasterBand, buffer: Int)]] = [:]
        for s in sources {
            let id = ObjectIdentifier(s.band.dataset)
            if groups[id] == nil { order.append(id) }
            groups[id, default: []].append(s)
        }
        var even: [Reader] = [], odd: [Reader] = []
        for (i, id) in order.enumerated() {
            let group = groups[id]!
            let stack = group.count > 1 && group[0].band.dataset.bandCount > 1
            let first = Reader(queue: DispatchQueue(label: "kubuqi.reader.\(i)"), sources: group,
                               direct: stack ? DirectTileReader(stack: group[0].band.dataset) : nil)
            even.append(first)
            guard group.count > 1, windows.count > 1, Self.aligned(windows, group[0].band), let again = group[0].band.dataset.reopenedForReading(),
                  let bands = try? group.map({ (band: try again.band($0.band.index), buffer: $0.buffer) }) else {
                odd.append(first)
                continue
            }
            odd.append(Reader(queue: DispatchQueue(label: "kubuqi.reader.\(i).b"), sources: bands,
                              direct: first.direct == nil ? nil : DirectTileReader(stack: again)))
        }
        self.even = even
        self.odd = odd
    }

    /// Whether every window covers whole blocks of `band` (else two handles would decode a block that two
    /// windows share twice, where one handle keeps it in GDAL's cache).
    static func aligned(_ windows: [Window], _ band: RasterBand) -> Bool {
        let b = band.blockSize, width = band.dataset.width, height = band.dataset.height
        guard b.width > 0, b.height > 0 else { return false }
        return windows.allSatisfy { w in
            w.column % b.width == 0 && w.row % b.height == 0
                && (w.width % b.width == 0 || w.column + w.width == width) && (w.height % b.height == 0 || w.row + w.height == height)
        }
    }

    /// The readers of window `k`.
    func readers(forWindow k: Int) -> [Reader] { k % 2 == 0 ? even : odd }
}

/// The first read error of any reader thread.
final class ReadFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func record(_ e: Error) { lock.withLock { if error == nil { error = e } } }
    var first: Error? { lock.withLock { error } }
}

/// Float buffers for one window (inputs, or results), reused window after window.
final class WindowBuffers: @unchecked Sendable {
    private let buffers: [UnsafeMutableBufferPointer<Float>]

    init(count: Int, capacity: Int) {
        buffers = (0..<count).map { _ in .allocate(capacity: capacity) }
    }

    func buffer(_ i: Int, count: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: buffers[i][0..<count])
    }

    deinit { buffers.forEach { $0.deallocate() } }
}

/// The Int16 encoding of one output window.
final class Int16Buffer: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Int16>
    init(capacity: Int) { storage = .allocate(capacity: capacity) }
    func buffer(count: Int) -> UnsafeMutableBufferPointer<Int16> { UnsafeMutableBufferPointer(rebasing: storage[0..<count]) }
    deinit { storage.deallocate() }
}

