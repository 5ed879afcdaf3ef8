import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// A chunk's land units for performance: the UNCCD class of the land-units map (the period's end map
/// or the performance window's start map, `LDNPeriod.landUnitsYear`)
/// and, with ecological units, their codes; a pixel whose ecological unit is
/// nodata has no land unit (its land cover is set to nodata), and neither has water (class 7): water is not
/// land, so it takes no part in the land units' 90th percentiles and its performance is nodata whatever its
/// productivity (docs/ldn.md, "Nodata"; a reservoir's positive NDVI made it a unit of its own, counted as land
/// in the productivity rows).
final class LandUnits {
    let landCover: Int16Scratch
    let ecological: Int32Scratch?
    init(_ ins: [UnsafeBufferPointer<Float>], slots s: LDNPeriodRun.Slots, legend: LandCoverLegend, count n: Int) {
        landCover = Int16Scratch(n)
        var unknown = UnknownCodeCounter()
        legend.reclassify(ins[s.lcUnits], nodata: nil, into: landCover.buffer, unknown: &unknown)
        let water = LandCoverClass.water.rawValue
        for i in 0..<n where landCover.buffer[i] == water { landCover.buffer[i] = DegradationStatus.nodata }
        ecological = s.eco.map { Int32Scratch(ins[$0]) }
        if let e = s.eco {
            for i in 0..<n where !ins[e][i].isFinite { landCover.buffer[i] = DegradationStatus.nodata }
        }
    }
    func free() { landCover.free(); ecological?.free() }
}
