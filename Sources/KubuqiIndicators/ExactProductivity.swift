/// The exact-arithmetic pass over a window of an integer productivity stack
/// (`ProductivityValues.integer`): it re-decides, in fractions of the stored
/// integers, the comparisons that floating point could put on the wrong side
/// of an edge (docs/ldn-method.md, "Exact comparisons").
public enum ExactProductivity {
    /// Re-classifies the significant pixels (class ≠ 0, not nodata) of
    /// `classes` with the exact Theil-Sen slope of their valid stored
    /// integers: a slope of exactly the minimum is "no trend".
    ///
    /// `slope` is the floating-point Theil-Sen slope of the same stack and
    /// years (`TrendBatch`, stored integers per year). A pixel whose slope is
    /// farther from the class edge than the slope's rounding bound
    /// (`slopeRoundingBound`) keeps the class floating point gives it: the
    /// exact slope lies on the same side of the edge. Only the others are
    /// decided in integers (`TheilSen.exactSlopeExceeds`), and so every class
    /// equals `trajectoryFullyExact`'s (ExactTrajectoryFilterTests).
    public static func trajectory(
        stack: UnsafeBufferPointer<Float>, pixelCount n: Int, years: [Double], slope: UnsafeBufferPointer<Float>,
        z: UnsafeBufferPointer<Float>, classifier: TrajectoryClass, scale: Rational, classes: UnsafeMutableBufferPointer<Int16>
    ) {
        // The edge: direction × slope > T, T = max(0, minimum / scale) in stored units per year.
        guard scale.signum > 0 else {
            return trajectoryFullyExact(stack: stack, pixelCount: n, years: years, z: z, classifier: classifier,
                                        scale: scale, classes: classes)
        }
        let minimum = Rational(decimal: classifier.minimumAbsoluteSlope) ?? Rational(0)
        let edge = minimum.signum > 0 ? minimum / scale : Rational(0)
        let edgeValue = edge.doubleValue
        var x: [Int] = [], y: [Int] = []
        for p in 0..<n where classes[p] != 0 && classes[p] != DegradationStatus.nodata {
            guard z[p].isFinite else { classes[p] = DegradationStatus.nodata; continue }
            let direction: Double = z[p] > 0 ? 1 : -1
            let s = Double(slope[p])
            if s.isFinite {
                let distance = direction * s - edgeValue
                if abs(distance) > slopeRoundingBound(slope: s, edge: edgeValue) {
                    classes[p] = distance > 0 ? classifier.signedLevel(z: z[p]) : 0
                    continue
                }
            }
            x.removeAll(keepingCapacity: true)
            y.removeAll(keepingCapacity: true)
            for (l, year) in years.enumerated() {
                if let v = ProductivityValues.storedInteger(stack[l * n + p]) { x.append(Int(year)); y.append(direction > 0 ? v : -v) }
            }
            guard let agrees = TheilSen.exactSlopeExceeds(x: x, y: y, numerator: edge.numerator, denominator: edge.denominator) else {
                classes[p] = DegradationStatus.nodata
                continue
            }
            classes[p] = agrees ? classifier.signedLevel(z: z[p]) : 0
        }
    }

    /// A bound on |slope − exact slope| + the rounding of the edge's Double, for a
    /// Float Theil-Sen slope of stored integers (|value| ≤ 2^24, so every
    /// pairwise slope |dy/dx| ≤ 2^25) computed in Double and rounded to Float:
    /// each pairwise slope dy·fl(1/dx) or fl(dy/dx) is within 2u|dy/dx| of its
    /// exact value (u = 2^-53), an order statistic moves by at most the largest
    /// of these (≤ 2^-27), the mean of the middle two adds u of their sum
    /// (≤ 2^-27), rounding to Float 2^-24 of the slope, the edge's Double u of
    /// the edge: ≤ 2^-24 (1 + 2^-24)|slope| + 2^-26 + 2^-53|edge|. The bound
    /// returned is twice that or more.
    @inlinable
    public static func slopeRoundingBound(slope: Double, edge: Double) -> Double {
        0x1p-22 * (abs(slope) + abs(edge)) + 0x1p-25
    }

    /// The reference path: every significant pixel of `classes` re-classified
    /// with its exact Theil-Sen slope (`TheilSen.exactSlope`, reduced
    /// fractions), a slope of exactly the minimum being "no trend". Slower than
    /// `trajectory`, which gives the same classes.
    public static func trajectoryFullyExact(
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

    /// Evaluates the percentile-class state of every pixel exactly, in
    /// integers (`IntegerStateEvaluator`, the status of
    /// `ProductivityState.evaluateExact`); z-score state is left as computed.
    /// For percentile classes `status` needs no floating-point pass before.
    public static func state(
        stack: UnsafeBufferPointer<Float>, pixelCount n: Int, baselineLayers: Range<Int>, recentLayers: Range<Int>,
        metric: ProductivityState, scale: Rational, status: UnsafeMutableBufferPointer<Int16>
    ) {
        guard metric.method == .percentileClasses else { return }
        guard let evaluator = IntegerStateEvaluator(metric: metric, scale: scale) else {
            return stateByFractions(stack: stack, pixelCount: n, baselineLayers: baselineLayers, recentLayers: recentLayers,
                                    metric: metric, scale: scale, status: status)
        }
        if evaluator.extendsOutward {
            // Eight pixels at a time through a sorting network (the same status as `status(sortingBaseline:...)`).
            return IntegerStateBatch(evaluator: evaluator).run(stack: stack, pixelCount: n, baselineLayers: baselineLayers,
                                                                recentLayers: recentLayers, status: status)
        }
        let b = UnsafeMutablePointer<Int>.allocate(capacity: max(1, baselineLayers.count))
        let r = UnsafeMutablePointer<Int>.allocate(capacity: max(1, recentLayers.count))
        let scratch = UnsafeMutablePointer<Int128>.allocate(capacity: baselineLayers.count + 2)
        defer { b.deallocate(); r.deallocate(); scratch.deallocate() }
        for p in 0..<n {
            var nb = 0, nr = 0
            for l in baselineLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { b[nb] = v; nb += 1 } }
            for l in recentLayers { if let v = ProductivityValues.storedInteger(stack[l * n + p]) { r[nr] = v; nr += 1 } }
            status[p] = evaluator.status(baseline: b, baselineCount: nb, recent: r, recentCount: nr, scratch: scratch)
        }
    }

    /// The reference path of `state`: every pixel through
    /// `ProductivityState.evaluateExact` (reduced fractions).
    public static func stateByFractions(
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
