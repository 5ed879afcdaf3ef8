/// The exact-arithmetic pass over a window of an integer productivity stack
/// (`ProductivityValues.integer`): it re-decides, in fractions of the stored
/// integers, the comparisons that floating point could put on the wrong side
/// of an edge (docs/ldn-method.md, "Exact comparisons").
public enum ExactProductivity {
    /// Re-classifies the significant pixels (class ≠ 0, not nodata) of
    /// `classes` with the exact Theil-Sen slope of their valid stored
    /// integers: a slope of exactly the minimum is "no trend".
    public static func trajectory(
        stack: UnsafeBufferPointer<Float>, pixelCount n: Int, years: [Double], z: UnsafeBufferPointer<Float>,
        classifier: TrajectoryClass, scale: Rational, classes: UnsafeMutableBufferPointer<Int16>
    ) {
        var x: [Int] = [], y: [Int] = []
        for p in 0..<n where classes[p] != 0 && classes[p] != DegradationStatus.nodata {
            x.removeAll(keepingCapacity: true)
            y.removeAll(keepingCapacity: true)
            for (l, year) in years.enumerated() {
                if let v = ProductivityValues.storedInteger(stack[l * n + p]) { x.append(Int(year)); y.append(v) }
            }
            guard let slope = TheilSen.exactSlope(x: x, y: y) else { classes[p] = DegradationStatus.nodata; continue }
            classes[p] = classifier.classify(exactSlope: slope, z: z[p], scale: scale)
        }
    }

    /// Re-evaluates the percentile-class state of every pixel exactly
    /// (`ProductivityState.evaluateExact`); z-score state is left as computed.
    public static func state(
        stack: UnsafeBufferPointer<Float>, pixelCount n: Int, baselineLayers: Range<Int>, recentLayers: Range<Int>,
        metric: ProductivityState, scale: Rational, status: UnsafeMutableBufferPointer<Int16>
    ) {
        guard metric.method == .percentileClasses else { return }
        let parameters = metric.exactParameters
        var b: [Int] = [], r: [Int] = []
        for p in 0..<n {
            b.removeAll(keepingCapacity: true)
            r.removeAll(keepingCapacity: true)
            for l in baselineLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { b.append(v) } }
            for l in recentLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { r.append(v) } }
            status[p] = metric.evaluateExact(baseline: b, recent: r, scale: scale, parameters: parameters).status
        }
    }
}
