import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A whole run's performance figures: the stack pass and the performance search's refinements (or a tile's merged survey).
extension LDNPeriodRun {
    /// What the layer pass takes from before it: performance's land-unit maxima, the annual statistics, and a tile's
    /// survey (kept for its tile file; nil in a whole run).
    struct PerformanceFigures {
        var performance = ProductivityPerformance(maxima: [:])
        var annual: [Int: ExactStatistics] = [:]
        var survey: PerformanceAccumulator?
    }

    /// Performance's land-unit maxima: given (a tile's final pass), none (an external LPD), or found by the stack pass
    /// and the search's refinements (a split run).
    func performanceFigures(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel) throws -> PerformanceFigures {
        var figures = PerformanceFigures()
        if let surveyed {
            figures.survey = surveyed.performance
            figures.annual = surveyed.annual
            if let s = figures.survey { figures.performance = ProductivityPerformance(accumulator: s, values: plan.values) }
        } else if plan.split {
            let first = try stackPass(plan, kernel)
            let stackLayers = try attachLegends(plan.computedLayers)   // whether or not anyone is told
            stackLayersDone?(stackLayers)
            figures.annual = plan.annual.merged()
            figures.performance = try refinedPerformance(plan, first: first)
        }
        // A whole run drops the survey here: only the maxima are used from here on (tiles take theirs from their stats pass).
        if region == nil { figures.survey = nil }
        return figures
    }

    /// The stack pass of a split run: the stack's layers (staged as published), the `[climate]` fields, and each pixel's
    /// sum and count of the performance window (two or four Float32 scratch bands, exact: `PeriodMeans.encode(into:)`) for the layer pass; returns the
    /// performance search's first digits.
    private func stackPass(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel) throws -> PerformancePercentileSearch.Counts {
        let computedLayers = plan.computedLayers
        let specs: [RasterOutputSpec?] = computedLayers.map { layerSpec($0) } + plan.climateSpecs
            + plan.meansPaths.map { RasterOutputSpec(path: $0, encoding: .float32, storage: .scratch) }
        let first = SearchPass(PerformancePercentileSearch(integer: plan.integer).nextPass())
        let s = plan.slots, climateFirst = computedLayers.count, meansFirst = computedLayers.count + plan.climateSpecs.count
        let meansBands = plan.meansPaths.count
        let annual = plan.annual, legend = inputs.config.legend, scratches = LDNScratchPool()
        _ = try StreamedCalculation.runJoint(inputs: plan.pixelInputs, outputs: specs, kernel: { ins, outs, _, _ in
            let n = outs[0].count
            scratches.with(count: n) { scratch in
                let means = kernel.compute(ins, s, n, scratch, climateOuts: Array(outs[climateFirst..<meansFirst]), annual: annual)
                for (k, layer) in computedLayers.enumerated() { scratch[layer].store(into: outs[k]) }
                means.encode(into: Array(outs[meansFirst..<(meansFirst + meansBands)]))
                let units = LandUnits(ins, slots: s, legend: legend, count: n)
                defer { units.free() }
                first.add(means: means, units: units)
            }
        }, region: region, statistics: false, progress: ProgressBar("\(period.name) trends", quiet: quiet).update)
        return first.merged()
    }

    /// The search's refinements over the means scratch and the land units only, until every unit's two ranks are
    /// values: the exact 90th percentile of the mean per land unit (docs/ldn-method.md §1.4).
    private func refinedPerformance(_ plan: LDNPeriodPlan, first: PerformancePercentileSearch.Counts) throws -> ProductivityPerformance {
        let integer = plan.integer, legend = inputs.config.legend, scratches = LDNScratchPool()
        var search = PerformancePercentileSearch(integer: integer)
        search.advance(with: first)
        while !search.isComplete {
            let pass = SearchPass(search.nextPass())
            let (ins, rs) = try inputs(for: .refine, values: plan.values, correction: nil, scratch: ([], plan.meansPaths))
            _ = try StreamedCalculation.runJoint(inputs: ins, outputs: [nil], kernel: { ins, outs, _, _ in
                let n = outs[0].count
                scratches.with(count: n, resetLayers: false) { scratch in
                    let means = scratch.means(count: n, integer: integer)
                    means.decode(rs.means.map { ins[$0] })
                    let units = LandUnits(ins, slots: rs, legend: legend, count: n)
                    defer { units.free() }
                    pass.add(means: means, units: units)
                }
            }, statistics: false, progress: ProgressBar("\(period.name) performance", quiet: quiet).update)
            search.advance(with: pass.merged())
        }
        return ProductivityPerformance(percentiles: search.percentiles(), values: plan.values)
    }
}
