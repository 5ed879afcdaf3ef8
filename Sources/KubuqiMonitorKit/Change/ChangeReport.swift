import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The tables, quicklook and summary of a `change` run.
struct ChangeReport {
    let options: ChangeOptions
    let grid: Grid
    let before: [BandSelection]
    let after: [BandSelection]
    let thresholds: ChangeThresholds
    let difference: SummaryStatistics
    /// Areas per class over the whole area.
    let tally: ClassAreaTally
    /// Areas per (zone, class), each zone with its full area (nil without zones).
    let zoneTally: ClassAreaTally?
    let zoneNames: [Int: String]
    let mmuPixels: Int

    struct ClassRow: Codable {
        var code: Int
        var name: String
        var pixels: Int
        var hectares: Double
        var percent: Double?
    }

    struct ZoneTable: Codable {
        var id: Int
        var name: String
        var classes: [ClassRow]
        /// True for a named zone that covers no pixel of the grid (off it, empty, or between pixel centres):
        /// its rows are 0 because there is nothing to count, not because nothing changed. Absent otherwise.
        var coversNoPixel: Bool? = nil
    }

    struct InputIdentity: Codable {
        var role: String
        var path: String
        var size: [Int]
        var crs: String
        var sha256: String
    }

    /// The thresholds, as numbers in the change's units, and what they mean. When the change
    /// values are constant and every valid pixel is stable, the thresholds and bounds are null.
    struct ThresholdDocument: Codable {
        var method: String
        var centre: Double
        var change: Double?
        var strong: Double?
        /// `change` and `strong` as bounds on d: degradation at or below, improvement at or above.
        var degradationAtOrBelow: Double?
        var improvementAtOrAbove: Double?
        var strongDegradationAtOrBelow: Double?
        var strongImprovementAtOrAbove: Double?
        /// The rule in words, in the change's units.
        var meaning: String

        init(method: String, thresholds t: ChangeThresholds, meaning: String) {
            func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
            self.method = method
            centre = t.centre
            change = finite(t.change)
            strong = finite(t.strong)
            degradationAtOrBelow = finite(t.centre - t.change)
            improvementAtOrAbove = finite(t.centre + t.change)
            strongDegradationAtOrBelow = finite(t.centre - t.strong)
            strongImprovementAtOrAbove = finite(t.centre + t.strong)
            self.meaning = meaning
        }

        /// Every key written, null included (a reader sees the same keys in every report).
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(method, forKey: .method)
            try c.encode(centre, forKey: .centre)
            try c.encode(change, forKey: .change)
            try c.encode(strong, forKey: .strong)
            try c.encode(degradationAtOrBelow, forKey: .degradationAtOrBelow)
            try c.encode(improvementAtOrAbove, forKey: .improvementAtOrAbove)
            try c.encode(strongDegradationAtOrBelow, forKey: .strongDegradationAtOrBelow)
            try c.encode(strongImprovementAtOrAbove, forKey: .strongImprovementAtOrAbove)
            try c.encode(meaning, forKey: .meaning)
        }
    }

    struct MinimumMappingUnitDocument: Codable {
        var given: String
        var pixels: Int
    }

    struct GridDocument: Codable {
        /// `[width, height]` in pixels.
        var size: [Int]
        /// Pixel width in CRS units, nil when not georeferenced.
        var pixelSize: Double?
        var crs: String
    }

    struct DateDocument: Codable {
        var before: String
        var after: String
        var beforeSource: String
        var afterSource: String
    }

    struct ChangeStatistics: Codable {
        var validPixels: Int
        var mean: Double?
        var standardDeviation: Double?
        var minimum: Double?
        var maximum: Double?
    }

    struct Document: Codable {
        var tool: String
        /// Area, dates, producer, report date, sources, grid and every parameter.
        var title: ReportTitleBlock
        var method: String
        var indices: [String]
        var units: String
        var dates: DateDocument
        var threshold: ThresholdDocument
        var minimumMappingUnit: MinimumMappingUnitDocument?
        var inputs: [InputIdentity]
        var grid: GridDocument
        var change: ChangeStatistics
        var classes: [ClassRow]
        var nodataPixels: Int
        var zones: [ZoneTable]?
    }

    /// What d is, in words: `NDVI difference (after - before)`, or the change vector's units.
    var units: String {
        if options.method == .diff {
            let i = options.indices[0].lowercased()
            return ChangeJob.inverted.contains(i) ? "\(i.uppercased()) difference, negated (before - after)" : "\(i.uppercased()) difference (after - before)"
        }
        return "change vector magnitude in \(options.indices.map { $0.uppercased() }.joined(separator: " and ")) units, signed by the first"
    }

    /// The dates of both sides (metadata, else file names, else the names themselves).
    var dates: (before: ChangeDate, after: ChangeDate) {
        let sensor = options.sensor != nil
        return (ChangeDate.of(path: sensor ? options.before : before[0].path, selection: sensor ? nil : before[0]),
                ChangeDate.of(path: sensor ? options.after : after[0].path, selection: sensor ? nil : after[0]))
    }

    /// The threshold rule in the change's units, e.g. for `sigma:1`: "change where |d - 0.0123| >= 0.0834
    /// (1 standard deviation of d around its mean): d <= -0.0711 or d >= 0.0957; strong at 2 SD (0.1668)".
    var thresholdMeaning: String {
        let t = thresholds
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        if t.isNoChange { return "\(options.threshold): " + Self.noChangeMeaning(centre: t.centre) }
        let bounds = "d <= \(f(t.centre - t.change)) is degradation, d >= \(f(t.centre + t.change)) improvement; "
            + "strong at d <= \(f(t.centre - t.strong)) or d >= \(f(t.centre + t.strong))"
        switch options.threshold {
        case .sigma(let k):
            return "\(options.threshold): change where |d - \(f(t.centre))| >= \(f(t.change)), i.e. \(ChangeReport.trim(k)) standard deviation\(k == 1 ? "" : "s") of d "
                + "around the scene's mean change \(f(t.centre)) (relative to this scene: were d normal, about \(String(format: "%.0f", 100 * Self.twoSidedTail(k)))% of its pixels would be change whatever happened); "
                + bounds
        case .fixed:
            return "\(options.threshold): change where |d| >= \(f(t.change)), strong where |d| >= \(f(t.strong)); " + bounds
        case .otsu:
            return "otsu: Otsu's split of |d| puts change at |d| >= \(f(t.change)), strong change at |d| >= \(f(t.strong)); " + bounds
        }
    }

    /// Constant change values: the rule finds no pixel departing from the rest.
    static func noChangeMeaning(centre: Double) -> String {
        "the change values are constant (d = \(String(format: "%.4f", centre)) at every valid pixel), so no pixel departs "
            + "from the rest and every valid pixel is stable (no threshold: a uniform shift is classed only by fixed:V)"
    }

    /// P(|Z| >= k) for a standard normal Z.
    static func twoSidedTail(_ k: Double) -> Double { erfc(k / 2.0.squareRoot()) }

    static func trim(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(v) }

    /// Rows per class (all five, in code order), percent of the valid area.
    func rows(_ t: ClassAreaTally, zone: Int) -> [ClassRow] {
        let validArea = ChangeClass.allCases.reduce(0.0) { $0 + (t.squareMetres(.init(zone: zone, code: Int($1.rawValue))) ?? 0) }
        return ChangeClass.allCases.map { c in
            let k = ClassAreaTally.Key(zone: zone, code: Int(c.rawValue))
            let m2 = t.squareMetres(k) ?? 0
            return ClassRow(code: Int(c.rawValue), name: c.description, pixels: t.pixels[k] ?? 0,
                            hectares: Self.round(m2 / 10_000, 4), percent: validArea > 0 ? Self.round(100 * m2 / validArea, 4) : nil)
        }
    }

    static func round(_ v: Double, _ digits: Int) -> Double {
        let p = pow(10.0, Double(digits))
        return (v * p).rounded() / p
    }

    func document() throws -> Document {
        let overall = tally.byClass
        var identities: [InputIdentity] = []
        for (role, list) in [("before", before), ("after", after)] {
            for sel in list {
                let path = options.sensor == nil ? sel.path : (role == "before" ? options.before : options.after)
                identities.append(try identity(role: role, path: path, index: sel))
            }
        }
        let t = grid.geoTransform, th = thresholds, (b, a) = dates
        var doc = Document(
            tool: ToolVersion.nameAndVersion, title: ReportTitleBlock(change: self), method: options.method.rawValue, indices: options.indices, units: units,
            dates: DateDocument(before: b.text, after: a.text, beforeSource: b.source, afterSource: a.source),
            threshold: ThresholdDocument(method: options.threshold.description, thresholds: th, meaning: thresholdMeaning),
            minimumMappingUnit: options.mmu.map { MinimumMappingUnitDocument(given: $0.description, pixels: mmuPixels) },
            inputs: identities,
            grid: GridDocument(size: [grid.width, grid.height], pixelSize: t.map { abs($0.pixelWidth) },
                               crs: grid.crsName),
            change: ChangeStatistics(validPixels: difference.count, mean: difference.mean, standardDeviation: difference.standardDeviation,
                                     minimum: difference.count > 0 ? difference.minimum : nil, maximum: difference.count > 0 ? difference.maximum : nil),
            classes: rows(overall, zone: 0),
            nodataPixels: overall.pixels[.init(zone: 0, code: Int(ChangeClass.nodata))] ?? 0,
            zones: nil)
        if let zoneTally {
            // Every named zone is listed, with 0 area when it is off the grid.
            let present = Set(zoneTally.pixels.keys.map(\.zone))
            let ids = present.union(zoneNames.keys).sorted()
            doc.zones = ids.map { id in
                ZoneTable(id: id, name: id == 0 ? "outside every zone" : (zoneNames[id] ?? "zone \(id)"), classes: rows(zoneTally, zone: id),
                          coversNoPixel: id != 0 && !present.contains(id) ? true : nil)
            }
        }
        return doc
    }

    func identity(role: String, path: String, index: BandSelection) throws -> InputIdentity {
        var isDir: ObjCBool = false
        let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        let hash: String
        if isFolder {
            // A scene folder: the digest of its files' digests, in name order.
            var d = SHA256()
            for f in try SceneFiles.list(path) { d.update(Array((try SHA256.file(f) + "  " + (f as NSString).lastPathComponent + "\n").utf8)) }
            hash = d.hexDigest()
        } else {
            hash = try SHA256.file(path)
        }
        let ds = try? Dataset.open(options.sensor == nil ? path : index.path)
        return InputIdentity(role: role, path: path, size: ds.map { [$0.width, $0.height] } ?? [],
                             crs: ds?.spatialReference?.shortDescription ?? "none", sha256: hash)
    }

    /// Writes change-stats.json and change-stats.csv from one document (the
    /// inputs' SHA-256 are computed once for both).
    func writeTables(json: String, csv: String) throws {
        let doc = try document()
        try atomicWrite(try ReportJSON.encode(doc), to: json)
        try atomicWrite(Data(csvTable(doc).text.utf8), to: csv)
    }

    /// The area table: the whole area first (zone `all`), then each zone; both dates on every row.
    func csvTable(_ doc: Document) -> CSVTable {
        var table = CSVTable(header: ["zone", "zone_name", "code", "class", "pixels", "hectares", "percent", "before", "after"])
        let tables = [ZoneTable(id: -1, name: "whole area", classes: doc.classes)] + (doc.zones ?? [])
        for z in tables {
            for r in z.classes {
                table.append([z.id < 0 ? "all" : String(z.id), z.name, String(r.code), r.name, String(r.pixels), ReportJSON.number(r.hectares),
                              r.percent.map(ReportJSON.number) ?? "", doc.dates.before, doc.dates.after])
            }
        }
        return table
    }

    func writeQuicklook(classPath: String, to path: String) throws {
        let band = try Dataset.open(classPath).band(1)
        let longest = max(grid.width, grid.height)
        let factor = max(1, (longest + 699) / 700)
        let w = max(1, grid.width / factor), h = max(1, grid.height / factor)
        let codes = try band.readDecimated(width: w, height: h).map { Int16(saturating: $0, nan: Int16(ChangeClass.nodata)) }
        let rowsByCode = Dictionary(uniqueKeysWithValues: rows(tally.byClass, zone: 0).map { ($0.code, $0) })
        let entries = ChangeClass.allCases.reversed().map { c -> ClassMapQuicklook.Entry in
            let r = rowsByCode[Int(c.rawValue)]
            let detail = r.map { "\(Self.format($0.hectares)) ha" + ($0.percent.map { ", \(String(format: "%.1f", $0))%" } ?? "") } ?? ""
            return .init(code: c.rawValue, name: c.description, color: Canvas.Color(c.color.red, c.color.green, c.color.blue), detail: detail)
        }
        let nodata = tally.byClass.pixels[.init(zone: 0, code: Int(ChangeClass.nodata))] ?? 0
        let entriesWithNodata = entries + (nodata > 0 ? [.init(code: ChangeClass.nodata, name: "no data", color: .white, detail: "\(nodata) pixels")] : [])
        let title = "\(options.indices.joined(separator: "+").uppercased()) change (\(options.method.rawValue), \(options.threshold))"
        var pixelSize = abs(grid.geoTransform?.pixelWidth ?? 1) * Double(grid.width) / Double(w)
        if let srs = SpatialReference(wkt: grid.crsWKT), srs.isGeographic {
            pixelSize = GridAreas(grid: grid).centralPixelArea.squareRoot() * Double(grid.width) / Double(w)
        }
        let canvas = try ClassMapQuicklook(title: title, subtitle: [ReportTitleBlock(change: self).line] + quicklookSubtitle, entries: entriesWithNodata).render(codes: codes, width: w, height: h, pixelSize: pixelSize)
        // Encoded in memory and written as any output, so a full disk says "No space left on device".
        let png: Data
        do { png = try ImageWriter.pngData(width: canvas.width, height: canvas.height, rgba: canvas.pixels) } catch let e as GDALError {
            throw KubuqiError.output(path, e.description)
        }
        try atomicWrite(png, to: path)
    }

    /// The quicklook's lines under the title: both dates, what d is, the threshold rule in d's units.
    var quicklookSubtitle: [String] {
        let (b, a) = dates
        let th = thresholds
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        let rule: String
        switch options.threshold {
        case _ where th.isNoChange:
            rule = "d = \(f(th.centre)) at every valid pixel: every pixel stable (\(options.threshold))"
        case .sigma(let k):
            rule = "change at |d - \(f(th.centre))| ≥ \(f(th.change)) = \(Self.trim(k)) SD of d about its mean, strong at ≥ \(f(th.strong)) (relative to this scene)"
        case .fixed, .otsu:
            rule = "change at |d| ≥ \(f(th.change)), strong at ≥ \(f(th.strong)) (\(options.threshold))"
        }
        return ["before \(b.text), after \(a.text)", "d = \(units)", rule]
    }

    static func format(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v) }

    func summary() -> String {
        let r = rows(tally.byClass, zone: 0)
        func pick(_ c: ChangeClass) -> ClassRow { r.first { $0.code == Int(c.rawValue) }! }
        let deg = [pick(.strongDegradation), pick(.degradation)], imp = [pick(.strongImprovement), pick(.improvement)]
        let degHa = deg.reduce(0) { $0 + $1.hectares }, impHa = imp.reduce(0) { $0 + $1.hectares }
        let degPct = deg.reduce(0) { $0 + ($1.percent ?? 0) }, impPct = imp.reduce(0) { $0 + ($1.percent ?? 0) }
        let stable = pick(.stable)
        let what = options.method == .diff ? "\(options.indices[0].uppercased()) difference" : "change vector of \(options.indices.map { $0.uppercased() }.joined(separator: " and "))"
        let nodata = tally.byClass.pixels[.init(zone: 0, code: Int(ChangeClass.nodata))] ?? 0
        let (b, a) = dates
        return "Between \(options.before) (\(b.text)) and \(options.after) (\(a.text)) (\(what); \(thresholdMeaning)), "
            + String(format: "%.2f ha (%.2f%%) degraded, %.2f ha of it strongly; ", degHa, degPct, pick(.strongDegradation).hectares)
            + String(format: "%.2f ha (%.2f%%) improved, %.2f ha of it strongly; ", impHa, impPct, pick(.strongImprovement).hectares)
            + String(format: "%.2f ha (%.2f%%) stable", stable.hectares, stable.percent ?? 0)
            + (mmuPixels > 1 ? "; patches under \(mmuPixels) pixels merged into their surroundings" : "")
            + "; \(nodata) pixels had no data at one date or both."
    }
}

/// Writes `data` to a temporary file beside `path`, then renames it into place
/// (``SafeFiles/writeAtomically(_:to:)``: exclusive, unpredictable temporary name).
func atomicWrite(_ data: Data, to path: String) throws {
    try SafeFiles.writeAtomically(data, to: path)
}
