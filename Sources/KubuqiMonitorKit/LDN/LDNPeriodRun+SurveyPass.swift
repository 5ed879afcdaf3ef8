import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A tile's stats pass (``LDNPeriodRun/run()`` with `surveyOnly`).
extension LDNPeriodRun {
    /// A tile's stats pass: the whole distinct-value survey (its tile file), merged over the tiles by `tiles merge`;
    /// the result holds its figures and no layer.
    func surveyPass(_ plan: LDNPeriodPlan) throws -> LDNPeriodResult {
        var survey: PerformanceAccumulator?
        var annualFigures: [Int: ExactStatistics] = [:]
        if inputs.lpd == nil {
            let surveyor = PerformanceSurvey()
            let s = plan.slots, geometry = plan.geometry, annual = plan.annual, physical = plan.physical
            let integer = plan.integer, legend = inputs.config.legend
            _ = try StreamedCalculation.runJoint(inputs: plan.pixelInputs, outputs: [nil], kernel: { ins, outs, _, _ in
                let n = outs[0].count
                let stack = geometry.pack(ins, slots: s, count: n)
                defer { stack.deallocate() }
                annual.add(stack: UnsafeBufferPointer(stack), pixelCount: n, physical: physical)
                let means = PeriodMeans(stack: UnsafeBufferPointer(stack), pixelCount: n, layers: geometry.performanceLayers, integer: integer)
                defer { means.free() }
                let units = LandUnits(ins, slots: s, legend: legend, count: n)
                defer { units.free() }
                surveyor.add { part in
                    part.add(means: means, landCover: UnsafeBufferPointer(units.landCover.buffer),
                             ecologicalUnit: units.ecological.map { UnsafeBufferPointer($0.buffer) })
                }
            }, region: region, statistics: false, progress: ProgressBar("\(period.name) performance", quiet: quiet).update)
            survey = surveyor.merged()
            annualFigures = plan.annual.merged()
        }
        let maxima = survey.map { ProductivityPerformance(accumulator: $0, values: plan.values).maxima } ?? [:]
        return LDNPeriodResult(name: period.name, years: period.years, landCoverYears: (period.landCoverStart, period.landCoverEnd),
                               files: [:], areas: [:], transitions: TransitionTable(), performanceMaxima: maxima,
                               annualProductivity: annualFigures.mapValues(\.summary), annualExact: annualFigures, performanceSurvey: survey)
    }
}
