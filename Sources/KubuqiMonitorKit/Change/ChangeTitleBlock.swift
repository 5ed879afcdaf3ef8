import Foundation
import KubuqiGDAL

/// The title block of a `change` run (change-stats.json and the quicklook): area, dates, producer,
/// report date, sources, grid with its unit, and every parameter.
extension ReportTitleBlock {
    init(change r: ChangeReport) {
        let o = r.options, (b, a) = r.dates
        var p: [[String]] = [["method", o.method.rawValue], ["indices", o.indices.joined(separator: ", ")], ["d", r.units],
                             ["threshold", o.threshold.description], ["threshold meaning", r.thresholdMeaning]]
        if let sensor = o.sensor { p.append(["sensor preset", "\(sensor)"]) }
        if let m = o.mmu { p.append(["minimum mapping unit", m.description]) }
        if let sc = o.scale { p.append(["scale", "stored values x \(sc)"]) }
        if let off = o.offset { p.append(["offset", "added after scaling: \(off)"]) }
        if !o.masks.isEmpty { p.append(["masks", "\(o.masks.count) mask file(s)"]) }
        if o.align { p.append(["alignment", "after warped onto before's grid"]) }
        if let z = o.zones { p.append(["zones", z + (o.zoneField.map { " (field \($0))" } ?? "")]) }
        self.init(settings: o.titleBlock, period: "before \(b.text), after \(a.text)", inputs: [o.before, o.after], grid: r.grid, parameters: p)
    }
}
