import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

extension LDNPeriodRun {
    /// The trajectory classes through the Float Theil-Sen slope (`TrendBatch`): a floating-point stack
    /// classified in Double; an integer stack whose edge `IntegerTrajectory` refuses classified by Z and
    /// sign here, its significant pixels then re-decided near the edge in exact fractions.
    static func floatTrajectory(periodStack: UnsafeBufferPointer<Float>, years: [Double], pixelCount n: Int, values: ProductivityValues,
                                classifier: TrajectoryClass, classes: UnsafeMutableBufferPointer<Int16>) {
        let slope = UnsafeMutableBufferPointer<Float>.allocate(capacity: n), z = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        defer { slope.deallocate(); z.deallocate() }
        TrendBatch(years: years).run(stack: periodStack, pixelCount: n, pixels: 0..<n, slope: slope, z: z)
        guard case .integer(let scale, _) = values else {
            return classifier.classify(slope: UnsafeBufferPointer(slope), z: UnsafeBufferPointer(z), into: classes)
        }
        TrajectoryClass().classify(slope: UnsafeBufferPointer(slope), z: UnsafeBufferPointer(z), into: classes)
        ExactProductivity.trajectory(stack: periodStack, pixelCount: n, years: years, slope: UnsafeBufferPointer(slope),
                                     z: UnsafeBufferPointer(z), classifier: classifier, scale: scale, classes: classes)
    }
}
