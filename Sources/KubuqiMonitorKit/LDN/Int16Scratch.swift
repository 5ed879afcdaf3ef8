import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A chunk's Int16 layer. ``reset(count:)`` reuses it for another chunk (``LDNChunkScratch``): its storage grows to the
/// largest chunk it served and is never given back before ``free()``.
final class Int16Scratch {
    private var storage: UnsafeMutableBufferPointer<Int16>
    /// The chunk's codes.
    private(set) var buffer: UnsafeMutableBufferPointer<Int16>
    init(_ n: Int) {
        storage = .allocate(capacity: max(1, n))
        buffer = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        buffer.initialize(repeating: DegradationStatus.nodata)
    }
    /// Int16 codes from Float values (NaN -> nodata).
    convenience init(from values: UnsafeBufferPointer<Float>) {
        self.init(values.count)
        for i in 0..<values.count where values[i].isFinite { buffer[i] = Int16(saturating: values[i]) }
    }
    /// Makes the layer `n` nodata codes, as `init(_:)` does, in the storage it has when it is large enough.
    func reset(count n: Int) {
        if n > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: n)
        }
        buffer = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        buffer.update(repeating: DegradationStatus.nodata)
    }
    /// Makes the layer the codes of `values` (NaN -> nodata), as `init(from:)` does, in the storage it has when it is
    /// large enough.
    func reset(count n: Int, from values: UnsafeBufferPointer<Float>) {
        if n > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: n)
        }
        buffer = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        load(from: values)
    }
    /// Reads the codes back from Float values (NaN -> nodata), as `init(from:)` does.
    func load(from values: UnsafeBufferPointer<Float>) {
        for i in 0..<buffer.count { buffer[i] = values[i].isFinite ? Int16(saturating: values[i]) : DegradationStatus.nodata }
    }
    /// Writes the codes as Float (nodata -> NaN) for the pipeline.
    func store(into out: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<out.count { out[i] = buffer[i] == DegradationStatus.nodata ? .nan : Float(buffer[i]) }
    }
    func free() { storage.deallocate() }
}
