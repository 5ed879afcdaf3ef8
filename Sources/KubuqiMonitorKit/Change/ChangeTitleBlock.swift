import Foundation
import KubuqiGDAL

/// The title block of a `change` run (change-stats.json and the quicklook): area, dates, producer,
/// report date, sources, grid with its unit, and every parameter.
struct ChangeTitleBlock: Codable, Sendable {
    var area: String?
    var period: String
    var producer: String?
    var date: String
    var sources: [String]
    var crs: String
    var pixel: String
    var parameters: [[String]]

    init(report r: ChangeReport) {
        let o = r.options, s = o.titleBlock, (b, a) = r.dates
        area = s.area
        period = "before \(b.text), after \(a.text)"
        producer = s.producer
        date = s.effectiveDate
        sources = (s.sources.map { [$0] } ?? []) + ["inputs: " + [o.before, o.after].map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")]
        crs = r.grid.crsName
        pixel = r.grid.pixelSizeText
        var p: [[String]] = [["method", o.method.rawValue], ["indices", o.indices.joined(separator: ", ")], ["d", r.units],
                             ["threshold", o.threshold.description], ["threshold meaning", r.thresholdMeaning]]
        if let sensor = o.sensor { p.append(["sensor preset", "\(sensor)"]) }
        if let m = o.mmu { p.append(["minimum mapping unit", m.description]) }
        if let sc = o.scale { p.append(["scale", "stored values x \(sc)"]) }
        if let off = o.offset { p.append(["offset", "added after scaling: \(off)"]) }
        if !o.masks.isEmpty { p.append(["masks", "\(o.masks.count) mask file(s)"]) }
        if o.align { p.append(["alignment", "after warped onto before's grid"]) }
        if let z = o.zones { p.append(["zones", z + (o.zoneField.map { " (field \($0))" } ?? "")]) }
        parameters = p
    }

    /// One line for the quicklook: area, producer, date.
    var line: String {
        [area ?? "(no area name: --area)", producer ?? "(no producer: --producer)", date].joined(separator: " | ")
    }
}
