import KubuqiIndicators
import KubuqiRaster

/// Where the layer pass puts its outputs (`LDNLayerKernel`): the written layers first, in output order, then the
/// land-cover classes at the start and end and one output per zone layer (tallied, not written), `[climate]`'s
/// Float32 fields, the SOC stock at the start and end and the baseline's status layers (the UNCCD tables' figures).
struct LDNLayerOutputs: Sendable {
    /// Output index of each written layer.
    let layerIndex: [LDNPeriod.Layer: Int]
    /// The first of `[climate]`'s fields, of the two SOC stocks, of the baseline's crossed status layers.
    let climateFirst: Int, stockFirst: Int, baseFirst: Int
    /// The baseline's status layers crossed with this period's (their slots are in the pass's slots).
    let crossedBase: [LDNPeriod.Layer]
    /// Every output's spec (nil: computed, not written).
    let specs: [RasterOutputSpec?]

    /// The outputs of a pass writing `layers` through `layerSpec` but `computed` (written by the stack pass), with
    /// `zones` zone layers and `climateSpecs` written here unless the stack pass wrote them (`split`).
    init(layers: [LDNPeriod.Layer], computed: [LDNPeriod.Layer], layerSpec: (LDNPeriod.Layer) -> RasterOutputSpec, zones: Int,
         climateSpecs: [RasterOutputSpec], split: Bool, slots: LDNPeriodRun.Slots) {
        var specs: [RasterOutputSpec?] = layers.map { computed.contains($0) ? nil : layerSpec($0) }
        specs += [nil, nil]   // land-cover classes at start and end (for the tables)
        specs += Array(repeating: nil, count: zones)   // zone ids, one output per zone layer
        // `[climate]`: the fit and the corrected trend (Float32), after every tallied output (a split run wrote them in the stack pass).
        climateFirst = specs.count
        specs += climateSpecs.map { split ? nil : $0 }
        // The UNCCD tables' figures (not written): the SOC stock at the start and end, the baseline's status layers.
        stockFirst = specs.count
        specs += [nil, nil]
        baseFirst = specs.count
        crossedBase = UNCCDFigures.crossedLayers.filter { slots.baselineStatus[$0] != nil }
        specs += crossedBase.map { _ in nil }
        self.specs = specs
        layerIndex = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
    }
}

/// The layer pass of one ldn period over one chunk: performance, LPD, the productivity, land-cover and SOC
/// sub-indicators, SDG 15.3.1 one-out-all-out and the status against the baseline, from the stack pass's layers
/// and means read back (a split run) or from the stack itself (`stack`, a tile or one pass), or from an external LPD.
struct LDNLayerKernel: Sendable {
    let stack: LDNStackKernel
    let slots: LDNPeriodRun.Slots
    let outputs: LDNLayerOutputs
    /// The land-unit maxima of performance.
    let performance: ProductivityPerformance
    let isBaseline: Bool
    let externalLPD: Bool
    let legend: LandCoverLegend
    let climate: SOCClimateZone
    let matrix: TransitionMatrix
    /// The GPG's productivity status instead of Trends.Earth's LPD status.
    let gpgStatus: Bool
    /// Trends.Earth's SOC transitions over the years between the land-cover maps, worked out once for the pass.
    let socTransitions: SOCTransitions

    /// Computes every output of a chunk of `n` pixels into `outs`, the layers in `scratch` (nodata codes on entry).
    func compute(_ ins: [UnsafeBufferPointer<Float>], _ outs: [UnsafeMutableBufferPointer<Float>], _ n: Int, _ scratch: LDNChunkScratch) {
        let s = slots, o = outputs
        var unknown = UnknownCodeCounter()
        legend.reclassify(ins[s.lcStart], nodata: nil, into: scratch.lcStart.buffer, unknown: &unknown)
        legend.reclassify(ins[s.lcEnd], nodata: nil, into: scratch.lcEnd.buffer, unknown: &unknown)
        if externalLPD {
            LPDCombination.acceptExternal(ins[s.lpd!], into: scratch[.lpd].buffer)
        } else {
            lpd(ins, outs, n, scratch)
        }
        productivityStatus(n, scratch)
        matrix.status(initial: UnsafeBufferPointer(scratch.lcStart.buffer), final: UnsafeBufferPointer(scratch.lcEnd.buffer),
                      into: scratch[.landCover].buffer)
        soc(ins, outs, n, scratch)
        for (k, l) in o.crossedBase.enumerated() { _ = outs[o.baseFirst + k].update(fromContentsOf: ins[s.baselineStatus[l]!]) }
        OneOutAllOut.combine(UnsafeBufferPointer(scratch[.productivity].buffer), UnsafeBufferPointer(scratch[.landCover].buffer),
                             UnsafeBufferPointer(scratch[.soc].buffer), into: scratch[.sdg].buffer)
        if !isBaseline, let b = s.baseline {
            let base = scratch.baseline
            base.reset(count: n, from: ins[b])
            StatusComparison.gpgAddendum.run(baseline: UnsafeBufferPointer(base.buffer), reporting: UnsafeBufferPointer(scratch[.sdg].buffer),
                                             expanded: scratch[.comparison].buffer, status: nil)
        }
        for (layer, index) in o.layerIndex { scratch[layer].store(into: outs[index]) }
        scratch.lcStart.store(into: outs[o.layerIndex.count])
        scratch.lcEnd.store(into: outs[o.layerIndex.count + 1])
        for (k, zi) in s.zones.enumerated() { _ = outs[o.layerIndex.count + 2 + k].update(fromContentsOf: ins[zi]) }
    }

    /// Trajectory and state (the stack pass's, read back, or computed here), performance and their LPD class.
    private func lpd(_ ins: [UnsafeBufferPointer<Float>], _ outs: [UnsafeMutableBufferPointer<Float>], _ n: Int, _ scratch: LDNChunkScratch) {
        let s = slots
        let means: PeriodMeans
        if s.means.isEmpty {
            means = stack.compute(ins, s, n, scratch, climateOuts: Array(outs[outputs.climateFirst..<outputs.stockFirst]))
        } else {
            // The stack pass's layers and means, as it computed them.
            for (layer, k) in s.stackLayers { scratch[layer].load(from: ins[k]) }
            means = scratch.means(count: n, integer: stack.integer)
            means.decode(s.means.map { ins[$0] })
        }
        TrajectoryClass.status(ofClasses: UnsafeBufferPointer(scratch[.trajectory].buffer), into: scratch.trajectoryStatus.buffer)
        let units = LandUnits(ins, slots: s, legend: legend, count: n)
        defer { units.free() }
        performance.run(means: means, landCover: UnsafeBufferPointer(units.landCover.buffer),
                        ecologicalUnit: units.ecological.map { UnsafeBufferPointer($0.buffer) }, status: scratch[.performance].buffer)
        LPDCombination.trendsEarth.lpdClass(trajectory: UnsafeBufferPointer(scratch.trajectoryStatus.buffer),
                                            state: UnsafeBufferPointer(scratch[.state].buffer),
                                            performance: UnsafeBufferPointer(scratch[.performance].buffer),
                                            into: scratch[.lpd].buffer)
    }

    /// The productivity sub-indicator: Trends.Earth's status of the LPD class, or the GPG's from its three metrics.
    private func productivityStatus(_ n: Int, _ scratch: LDNChunkScratch) {
        LPDCombination.trendsEarth.status(lpdClasses: UnsafeBufferPointer(scratch[.lpd].buffer), into: scratch[.productivity].buffer)
        guard gpgStatus && !externalLPD else { return }
        let t = scratch[.trajectory].buffer, st = scratch[.state].buffer, pf = scratch[.performance].buffer
        let out = scratch[.productivity].buffer
        for i in 0..<n {
            out[i] = LPDCombination.gpgStatus(trajectory: TrajectoryClass.status(ofClass: t[i]), state: st[i], performance: pf[i])
        }
    }

    /// The SOC sub-indicator and the stocks at the start and end (NaN at the start where the end does not count).
    private func soc(_ ins: [UnsafeBufferPointer<Float>], _ outs: [UnsafeMutableBufferPointer<Float>], _ n: Int, _ scratch: LDNChunkScratch) {
        let s = slots, stockFirst = outputs.stockFirst
        let zones = s.climate.map { Int16Scratch(from: ins[$0]) }
        defer { zones?.free() }
        socTransitions.run(initialStock: ins[s.soc], initialLandCover: UnsafeBufferPointer(scratch.lcStart.buffer),
                           finalLandCover: UnsafeBufferPointer(scratch.lcEnd.buffer), climate: climate,
                           climateZoneCodes: zones.map { UnsafeBufferPointer($0.buffer) },
                           finalStock: outs[stockFirst + 1], status: scratch[.soc].buffer)
        for i in 0..<n { outs[stockFirst][i] = outs[stockFirst + 1][i].isFinite ? ins[s.soc][i] : .nan }
    }
}
