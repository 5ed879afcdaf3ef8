import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The layer pass: every layer of the period, tallied, with their legends.
extension LDNPeriodRun {
    /// Rows of labels the layer pass may run ahead of its patch drawing's polygonizer: 16 MiB of them (4 bytes a
    /// label), at least 16 rows. The drawing finishes beside the next period (``LDNPeriodPublisher``), so a pass that
    /// does not wait for the polygonizer lets the next period start while it catches up (a 2000-wide layer is held
    /// whole; wider ones wait at 16 MiB: bounded whatever the scene). docs/benchmarks.md, "ldn's idle core, session 15".
    static func patchLead(width: Int) -> Int { max(16, (4 << 20) / max(1, width)) }

    /// The layer pass: every layer (a split run reads the stack pass's layers and means back instead of the stack),
    /// tallied by area (``LDNTally``) and for the UNCCD tables (``UNCCDObserver``); the layers get their legends.
    func layerPass(_ plan: LDNPeriodPlan, _ kernel: LDNStackKernel, _ figures: PerformanceFigures) throws -> LDNPeriodResult {
        let c = inputs.config, layers = plan.layers
        let (passInputs, slots) = plan.split
            ? try inputs(for: .layers, values: plan.values, correction: plan.correction,
                         scratch: (plan.computedLayers.map { ($0, layerSpec($0).path) }, plan.meansPaths))
            : (plan.pixelInputs, plan.slots)
        let outputs = LDNLayerOutputs(layers: layers, computed: plan.computedLayers, layerSpec: layerSpec, zones: inputs.zones.count,
                                      climateSpecs: plan.climateSpecs, split: plan.split, slots: slots)
        let layerKernel = LDNLayerKernel(stack: kernel, slots: slots, outputs: outputs, performance: figures.performance,
                                         isBaseline: period.isBaseline, externalLPD: inputs.lpd != nil, legend: c.legend,
                                         climate: c.climate, matrix: c.transitions, gpgStatus: c.gpgLPDStatus,
                                         socTransitions: SOCTransitions(.trendsEarth, years: Double(period.landCoverEnd - period.landCoverStart)))
        let areas = GridAreas(grid: inputs.grid), layerIndex = outputs.layerIndex
        let tally = LDNTally(layers: layers, areas: areas, zoneLayers: inputs.zones.count)
        var unccdAt = UNCCDResults(startClass: layerIndex.count, endClass: layerIndex.count + 1, startStock: outputs.stockFirst,
                                   endStock: outputs.stockFirst + 1, lpd: layerIndex[.lpd])
        unccdAt.crossed = outputs.crossedBase.enumerated().compactMap { k, l in layerIndex[l].map { (l, $0, outputs.baseFirst + k) } }
        let unccd = UNCCDObserver(areas: areas, years: (period.landCoverStart, period.landCoverEnd), results: unccdAt)
        let scratches = LDNScratchPool()
        // The SDG layer's patches, drawn from the pass's chunks as they finish (docs/publishing.md, "Patches").
        var drawing: (drawing: PatchDrawing, sdg: Int, zone: Int?)? = nil
        if case .some(let zones) = patches, region == nil, let sdg = layerIndex[.sdg], PatchDrawing.applies(to: zones) {
            let gpkg = LDNPublication.patchPath(sdg: layerSpec(.sdg).path)
            drawing = (try PatchDrawing(grid: inputs.grid, legend: LDNLegend.status, wanted: LDNPublication.patchClasses, zones: zones,
                                        units: .ldnTables, to: gpkg, layer: "patches", work: work,
                                        lead: Self.patchLead(width: inputs.grid.width)),
                       sdg, zones == nil ? nil : layerIndex.count + 2)
        }
        do {
            _ = try StreamedCalculation.runJoint(inputs: passInputs, outputs: outputs.specs, kernel: { ins, outs, _, _ in
                let n = outs[0].count
                scratches.with(count: n) { layerKernel.compute(ins, outs, n, $0) }
            }, region: region, observer: LDNLayerObservers(tally: tally, unccd: unccd, patches: drawing), statistics: false,
               progress: ProgressBar("\(period.name) layers", quiet: quiet).update)
            // The stack pass's layers have theirs already (and may be published by now).
            var files = try attachLegends(layerIndex.keys.filter { !plan.computedLayers.contains($0) })
            for layer in plan.computedLayers where layerIndex[layer] != nil { files[layer] = layerSpec(layer).path }
            // The drawing is not waited for here: its last rows, commit and R-tree run beside the next period
            // (``LDNPeriodPublisher`` finishes it; docs/benchmarks.md, "ldn's idle core, session 15").
            var result = LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                                   files: files, areas: tally.areas(), zoneAreas: tally.zoneAreas(), transitions: tally.transitionTable(),
                                   performanceMaxima: figures.performance.maxima, annualProductivity: figures.annual.mapValues(\.summary),
                                   annualExact: figures.annual, performanceSurvey: figures.survey, unccd: unccd.figures(),
                                   patches: drawing?.drawing.path)
            result.patchDrawing = drawing?.drawing
            return result
        } catch {
            drawing?.drawing.cancel()
            throw error
        }
    }
}
