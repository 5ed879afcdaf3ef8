import KubuqiIndicators
import KubuqiRaster

/// The layers one ldn period computes from its productivity stack, one chunk at a time: the trajectory (by
/// counting pairs for integer stacks whose edge fits, else through the Float Theil-Sen slope), the state (on the
/// climate-normalized series with `[climate] correct = "trajectory-state"`, decided exactly for stored integers),
/// `[climate]`'s fields and classes, and the performance window's means. Built once per period from its config
/// (``init(_:config:)``), then run by the stack pass of a whole run or by the one pass of a tile or an external run.
struct LDNStackKernel: Sendable {
    let geometry: StackGeometry
    let values: ProductivityValues
    /// Stored integers, compared in exact fractions.
    let integer: Bool
    /// The Float scale and offset turning stored integers into productivity (annual statistics, `[climate]`).
    let physical: (Float, Float)?
    /// `[climate]`'s Float32 layers, in output order.
    let climateLayers: [ClimateLayers]
    let trajectoryClasses: TrajectoryClass
    /// Integer stacks whose edge fits 32-bit counts: the trajectory by counting pairs (`IntegerTrajectory`).
    let countedTrajectory: IntegerTrajectory?
    let stateMetric: ProductivityState
    /// `[climate]`: the corrected trend's kernel, the state's normalization, and whether the corrected trend
    /// replaces the trajectory (RUE, RESTREND) with its classes.
    let climateKernel: ClimateTrend?
    let normalization: ClimateNormalization?
    let replacesTrajectory: Bool
    let correctedClasses: TrajectoryClass

    init(_ plan: LDNPeriodPlan, config c: LDNConfig) {
        geometry = plan.geometry
        values = plan.values
        integer = plan.integer
        physical = plan.physical
        climateLayers = plan.climateLayers
        let correction = plan.correction
        climateKernel = correction.map { ClimateTrend(years: plan.geometry.years[plan.geometry.periodLayers].map { $0 },
                                                      method: $0.method == .rue ? .rue : .restrend, significance: $0.significance) }
        normalization = correction.flatMap { $0.correctsState ? ClimateNormalization(method: $0.method == .rue ? .rue : .restrend,
                                                                                     significance: $0.significance) : nil }
        replacesTrajectory = correction.map { $0.method != .trend } ?? false
        correctedClasses = correction?.method == .rue ? TrajectoryClass() : TrajectoryClass(minimumAbsoluteSlope: c.minimumSlope)
        stateMetric = LDNPeriodRun.state(c)
        trajectoryClasses = TrajectoryClass(minimumAbsoluteSlope: c.minimumSlope)
        if case .integer(let scale, _) = plan.values {
            countedTrajectory = IntegerTrajectory(years: Array(plan.geometry.years[plan.geometry.periodLayers]),
                                                  classifier: trajectoryClasses, scale: scale)
        } else {
            countedTrajectory = nil
        }
    }

    /// The layers computed from the productivity stack (`LDNPeriodRun.stackLayers` into `scratch`, the `[climate]` fields
    /// into `climateOuts`) and the performance window's means (in `scratch`'s storage: not to be freed); `annual` counts
    /// each year's values.
    func compute(_ ins: [UnsafeBufferPointer<Float>], _ s: LDNPeriodRun.Slots, _ n: Int, _ scratch: LDNChunkScratch,
                 climateOuts: [UnsafeMutableBufferPointer<Float>], annual: AnnualStatistics? = nil) -> PeriodMeans {
        let stack = scratch.stack(geometry.years.count * n)
        geometry.pack(ins, slots: s, count: n, into: stack)
        annual?.add(stack: UnsafeBufferPointer(stack), pixelCount: n, physical: physical)
        let periodStack = UnsafeBufferPointer(rebasing: stack[(geometry.periodLayers.lowerBound * n)..<(geometry.periodLayers.upperBound * n)])
        let periodYears = Array(geometry.years[geometry.periodLayers])
        trajectory(periodStack, years: periodYears, n, into: scratch[.trajectory].buffer)
        state(UnsafeBufferPointer(stack), ins, s, n, into: scratch[.state].buffer)
        if let climateKernel {
            climate(climateKernel, periodStack, years: periodYears, ins, s, n, scratch, climateOuts: climateOuts)
        }
        let means = scratch.means(count: n, integer: integer)
        means.fill(stack: UnsafeBufferPointer(stack), layers: geometry.performanceLayers)
        return means
    }

    /// The trajectory classes of the period's layers.
    private func trajectory(_ periodStack: UnsafeBufferPointer<Float>, years: [Double], _ n: Int, into classes: UnsafeMutableBufferPointer<Int16>) {
        if let countedTrajectory {
            // Integer stacks: every class by counting pairs in integers (no slope is published).
            countedTrajectory.run(stack: periodStack, pixelCount: n, pixels: 0..<n, classes: classes)
        } else {
            LDNPeriodRun.floatTrajectory(periodStack: periodStack, years: years, pixelCount: n, values: values,
                                         classifier: trajectoryClasses, classes: classes)
        }
    }

    /// The state of every pixel.
    private func state(_ stack: UnsafeBufferPointer<Float>, _ ins: [UnsafeBufferPointer<Float>], _ s: LDNPeriodRun.Slots, _ n: Int,
                       into state: UnsafeMutableBufferPointer<Int16>) {
        if let normalization {
            // `[climate] correct = "trajectory-state"`: state on the climate-normalized series (docs/climate.md).
            let normal = ClimateFields.normalized(normalization, stack: stack, physical: physical,
                                                  ins: ins, slots: s, years: geometry.years.map { Int($0) },
                                                  fitLayers: geometry.periodLayers, pixelCount: n)
            defer { normal.deallocate() }
            stateMetric.run(stack: UnsafeBufferPointer(normal), pixelCount: n, pixels: 0..<n,
                            baselineLayers: geometry.baselineLayers, recentLayers: geometry.recentLayers, status: state)
        } else if !integer || stateMetric.method != .percentileClasses {
            // Integer stacks with percentile classes: the exact pass below decides every pixel's state alone.
            stateMetric.run(stack: stack, pixelCount: n, pixels: 0..<n,
                            baselineLayers: geometry.baselineLayers, recentLayers: geometry.recentLayers, status: state)
        }
        if case .integer(let scale, _) = values, normalization == nil {
            ExactProductivity.state(stack: stack, pixelCount: n, baselineLayers: geometry.baselineLayers,
                                    recentLayers: geometry.recentLayers, metric: stateMetric, scale: scale, status: state)
        }
    }

    /// `[climate]`: the uncorrected trajectory, the decline explained by rainfall, RESTREND's fallback flag, the
    /// corrected trajectory (RUE, RESTREND) and the Float32 fields into `climateOuts`.
    private func climate(_ kernel: ClimateTrend, _ periodStack: UnsafeBufferPointer<Float>, years periodYears: [Double],
                         _ ins: [UnsafeBufferPointer<Float>], _ s: LDNPeriodRun.Slots, _ n: Int, _ scratch: LDNChunkScratch,
                         climateOuts: [UnsafeMutableBufferPointer<Float>]) {
        let fields = ClimateFields(n)
        defer { fields.free() }
        ClimateFields.compute(kernel, stack: periodStack, physical: physical, ins: ins, slots: s,
                              years: periodYears.map { Int($0) }, pixelCount: n, into: fields)
        let corrected = Int16Scratch(n)
        defer { corrected.free() }
        correctedClasses.classify(slope: UnsafeBufferPointer(fields.slope), z: UnsafeBufferPointer(fields.z), into: corrected.buffer)
        let plain = scratch[.trajectory].buffer
        _ = scratch[.plainTrajectory].buffer.update(fromContentsOf: plain)
        let explained = scratch[.rainfallExplained].buffer
        for i in 0..<n {
            let a = TrajectoryClass.status(ofClass: plain[i]), b = TrajectoryClass.status(ofClass: corrected.buffer[i])
            explained[i] = a == DegradationStatus.nodata || b == DegradationStatus.nodata ? DegradationStatus.nodata
                : (a == DegradationStatus.degraded.rawValue && b != DegradationStatus.degraded.rawValue ? 1 : 0)
        }
        _ = scratch[.climateFallback].buffer.update(fromContentsOf: fields.flag)
        if replacesTrajectory { _ = scratch[.trajectory].buffer.update(fromContentsOf: corrected.buffer) }
        for (k, l) in climateLayers.enumerated() { fields.store(l, into: climateOuts[k]) }
    }
}
