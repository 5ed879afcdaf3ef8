import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A chunk's Int32 codes (ecological units), nodata as -1.
final class Int32Scratch {
    let buffer: UnsafeMutableBufferPointer<Int32>
    init(_ values: UnsafeBufferPointer<Float>) {
        buffer = .allocate(capacity: values.count)
        for i in 0..<values.count { buffer[i] = values[i].isFinite ? Int32(saturating: values[i]) : 0 }
    }
    func free() { buffer.deallocate() }
}
