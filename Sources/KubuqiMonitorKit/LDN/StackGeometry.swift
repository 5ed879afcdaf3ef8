import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Which stack layers are the period, its recent years and the baseline years.
struct StackGeometry: Sendable {
    let years: [Double]
    let periodLayers: Range<Int>
    let recentLayers: Range<Int>
    let baselineLayers: Range<Int>
    /// The performance window's layers (the trajectory's, `periodLayers`, unless set).
    var performanceLayers: Range<Int> = 0..<0
    /// Valid observations a pixel needs for a year's value (`YearCompleteness`).
    var requiredObservations = 1

    /// A layer-major copy of the productivity inputs for one chunk, one layer
    /// per year: the mean of that year's valid values, NaN when fewer than
    /// `requiredObservations` are valid (caller deallocates).
    func pack(_ ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, count n: Int) -> UnsafeMutableBufferPointer<Float> {
        let stack = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, years.count * n))
        pack(ins, slots: slots, count: n, into: stack)
        return stack
    }

    /// The same copy into `stack` (at least `years.count × n` values; every one of them is written).
    func pack(_ ins: [UnsafeBufferPointer<Float>], slots: LDNPeriodRun.Slots, count n: Int, into stack: UnsafeMutableBufferPointer<Float>) {
        precondition(stack.count >= years.count * n, "the stack buffer is shorter than years x pixels")
        for (layer, year) in years.enumerated() {
            let sources = slots.productivity[Int(year)]!
            let dst = UnsafeMutableBufferPointer(rebasing: stack[(layer * n)..<((layer + 1) * n)])
            if sources.count < requiredObservations { dst.update(repeating: .nan); continue }
            if sources.count == 1 { _ = dst.update(fromContentsOf: ins[sources[0]]); continue }
            for i in 0..<n {
                var sum = 0.0, count = 0
                for k in sources where ins[k][i].isFinite { sum += Double(ins[k][i]); count += 1 }
                dst[i] = count >= max(1, requiredObservations) ? Float(sum / Double(count)) : .nan
            }
        }
    }
}
