import Dispatch
import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The one data path of every per-pixel command: read a window of each
/// input, run the kernel, write the window, strip after strip.
///
/// - Reading the next strip overlaps computing and writing the current one
///   (the inputs are read on their own thread; GDAL handles are never shared
///   between threads).
/// - The kernel runs on all cores, over row chunks of the strip.
/// - Memory is a few strip buffers (width x strip height x 4 bytes each) plus
///   GDAL's block cache, whatever the scene size.
/// - The output is written to a temporary file and renamed when complete.
public enum StreamedCalculation {
    /// Runs `kernel` over `inputs` (which must share a grid) into `output`.
    ///
    /// - Returns: summary statistics of the written values (before encoding).
    public static func run(
        inputs: [RasterBand], nodata: [Float?], kernel: @escaping SpectralIndex.Kernel,
        output spec: RasterOutputSpec, progress: (Double) -> Void = { _ in }
    ) throws -> SummaryStatistics {
        precondition(!inputs.isEmpty, "a calculation needs at least one input")
        let grid = inputs[0].dataset.grid
        let sink = try AtomicOutput(spec.path, inputs: inputs.map(\.dataset.path))
        let out: Dataset
        do {
            out = try Dataset.create(sink.temporary, width: grid.width, height: grid.height, bands: 1,
                                     type: spec.encoding.dataType, options: spec.effectiveCreationOptions)
        } catch let e as GDALError {
            throw KubuqiError.output(spec.path, e.messages.isEmpty ? e.context : e.messages.joined(separator: "; "))
        }
        do {
            try out.setGeoreferencing(from: grid)
            let band = try out.band(1)
            try band.setNodata(spec.encoding.nodata)
            if !spec.bandDescription.isEmpty { band.setDescription(spec.bandDescription) }
            if spec.encoding == .int16 { try band.setScale(1.0 / 10_000, offset: 0) }
            for (k, v) in spec.metadata { out.setMetadataItem(k, v) }

            let rows = stripHeight(input: inputs.map { $0.blockSize.height }.max() ?? 1,
                                   output: band.blockSize.height)
            let strips = Window.strips(width: grid.width, height: grid.height, rows: rows)
            let stats = try stream(strips: strips, width: grid.width, rows: rows, inputs: inputs, nodata: nodata,
                                   kernel: kernel, encoding: spec.encoding, band: band, progress: progress)
            try out.close()
            try sink.commit()
            return stats
        } catch let e as GDALError {
            sink.discard()
            throw KubuqiError.output(spec.path, e.description)
        } catch {
            sink.discard()
            throw error
        }
    }

    /// A strip height of whole output blocks, so each output tile is written
    /// once. Taller input blocks are read once into GDAL's block cache and
    /// served from it to the strips they span (the cache holds a block row of
    /// every input: 2 x 10980 x 512 x 2 B = 22 MB for a Sentinel-2 tile pair).
    static func stripHeight(input: Int, output: Int) -> Int {
        let out = max(output, 1)
        // Tiny output blocks (striped outputs) would mean thousands of GDAL calls: group them.
        return out >= 64 ? out : out * ((64 + out - 1) / out)
    }

    private static func stream(
        strips: [Window], width: Int, rows: Int, inputs: [RasterBand], nodata: [Float?],
        kernel: @escaping SpectralIndex.Kernel, encoding: IndexEncoding, band: RasterBand,
        progress: (Double) -> Void
    ) throws -> SummaryStatistics {
        let capacity = width * rows
        let slots = [StripBuffers(inputs: inputs.count, capacity: capacity),
                     StripBuffers(inputs: inputs.count, capacity: capacity)]
        let result = StripBuffers(inputs: 0, capacity: capacity)
        let reader = DispatchQueue(label: "kubuqi.reader")
        let readDone = DispatchGroup()

        func read(_ k: Int) {
            let slot = slots[k % 2]
            readDone.enter()
            reader.async {
                defer { readDone.leave() }
                do {
                    for (i, b) in inputs.enumerated() {
                        try b.read(strips[k], into: slot.input(i, count: strips[k].pixelCount))
                    }
                    slot.error = nil
                } catch { slot.error = error }
            }
        }

        var total = SummaryStatistics()
        read(0)
        for k in strips.indices {
            readDone.wait()
            let slot = slots[k % 2]
            if let e = slot.error { throw e }
            if k + 1 < strips.count { read(k + 1) }
            let w = strips[k]
            total.merge(compute(slot, into: result, window: w, nodata: nodata, kernel: kernel, encoding: encoding))
            switch encoding {
            case .float32: try band.write(w, from: UnsafeBufferPointer(result.output(count: w.pixelCount)))
            case .int16: try band.write(w, from: UnsafeBufferPointer(result.encoded(count: w.pixelCount)))
            }
            progress(Double(k + 1) / Double(strips.count))
        }
        return total
    }

    /// Runs the kernel over row chunks on all cores; merges the chunks' statistics.
    private static func compute(
        _ slot: StripBuffers, into result: StripBuffers, window w: Window, nodata: [Float?],
        kernel: SpectralIndex.Kernel, encoding: IndexEncoding
    ) -> SummaryStatistics {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = min(w.height, cores * 4)
        let rowsPerChunk = (w.height + chunks - 1) / chunks
        let partial = ChunkStatistics(count: chunks)
        let encoder = ScaledInt16()
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let startRow = c * rowsPerChunk
            let endRow = min(w.height, startRow + rowsPerChunk)
            guard startRow < endRow else { return }
            let range = (startRow * w.width)..<(endRow * w.width)
            let ins = (0..<slot.inputCount).map { UnsafeBufferPointer(rebasing: slot.input($0, count: w.pixelCount)[range]) }
            let out = UnsafeMutableBufferPointer(rebasing: result.output(count: w.pixelCount)[range])
            kernel(ins, nodata, out)
            var s = SummaryStatistics()
            s.add(UnsafeBufferPointer(out))
            if encoding == .int16 {
                encoder.encode(UnsafeBufferPointer(out),
                               into: UnsafeMutableBufferPointer(rebasing: result.encoded(count: w.pixelCount)[range]))
            }
            partial.set(c, s)
        }
        return partial.merged()
    }
}

/// Buffers for one strip: each input band, the float result and its Int16 encoding.
final class StripBuffers: @unchecked Sendable {
    let inputCount: Int
    private let inputs: [UnsafeMutableBufferPointer<Float>]
    private let result: UnsafeMutableBufferPointer<Float>
    private let int16: UnsafeMutableBufferPointer<Int16>
    var error: Error?

    init(inputs: Int, capacity: Int) {
        inputCount = inputs
        self.inputs = (0..<inputs).map { _ in .allocate(capacity: capacity) }
        result = inputs == 0 ? .allocate(capacity: capacity) : .allocate(capacity: 0)
        int16 = inputs == 0 ? .allocate(capacity: capacity) : .allocate(capacity: 0)
    }

    func input(_ i: Int, count: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: inputs[i][0..<count])
    }
    func output(count: Int) -> UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: result[0..<count]) }
    func encoded(count: Int) -> UnsafeMutableBufferPointer<Int16> { UnsafeMutableBufferPointer(rebasing: int16[0..<count]) }

    deinit {
        inputs.forEach { $0.deallocate() }
        result.deallocate()
        int16.deallocate()
    }
}

/// One statistics slot per chunk, written by concurrent chunks (each its own slot).
final class ChunkStatistics: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<SummaryStatistics>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: SummaryStatistics())
    }
    func set(_ i: Int, _ s: SummaryStatistics) { slots[i] = s }
    func merged() -> SummaryStatistics { slots.reduce(into: SummaryStatistics()) { $0.merge($1) } }
    deinit { slots.deinitialize(); slots.deallocate() }
}
