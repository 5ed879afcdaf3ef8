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
    }

    struct InputIdentity: Codable {
        var role: String
        var path: String
        var size: [Int]
        var crs: String
        var sha256: String
    }

    struct Document: Codable {
        var tool: String
        var method: String
        var indices: [String]
        var threshold: [String: String]
        var minimumMappingUnit: [String: String]?
        var inputs: [InputIdentity]
        var grid: [String: String]
        var change: [String: Double?]
        var classes: [ClassRow]
        var nodataPixels: Int
        var zones: [ZoneTable]?
    }

    /// Rows per class (all five, in code order), percent of the valid area.
    func rows(_ t: ClassAreaTally, zone: Int) -> [ClassRow] {
        let validArea = ChangeClass.allCases.reduce(0.0) { $0 + (t.squareMetres[.init(zone: zone, code: Int($1.rawValue))] ?? 0) }
        return ChangeClass.allCases.map { c in
            let k = ClassAreaTally.Key(zone: zone, code: Int(c.rawValue))
            let m2 = t.squareMetres[k] ?? 0
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
        let t = grid.geoTransform
        var doc = Document(
            tool: ToolVersion.nameAndVersion, method: options.method.rawValue, indices: options.indices,
            threshold: ["method": options.threshold.description, "centre": String(thresholds.centre),
                        "change": String(thresholds.change), "strong": String(thresholds.strong)],
            minimumMappingUnit: options.mmu.map { ["given": $0.description, "pixels": String(mmuPixels)] },
            inputs: identities,
            grid: ["size": "\(grid.width)x\(grid.height)", "pixelSize": t.map { "\(abs($0.pixelWidth))" } ?? "none",
                   "crs": SpatialReference(wkt: grid.crsWKT)?.shortDescription ?? "none"],
            change: ["validPixels": Double(difference.count), "mean": difference.mean, "standardDeviation": difference.standardDeviation,
                     "minimum": difference.count > 0 ? difference.minimum : nil, "maximum": difference.count > 0 ? difference.maximum : nil],
            classes: rows(overall, zone: 0),
            nodataPixels: overall.pixels[.init(zone: 0, code: Int(ChangeClass.nodata))] ?? 0,
            zones: nil)
        if let zoneTally {
            // Every named zone is listed, with 0 area when it is off the grid.
            let ids = Set(zoneTally.sortedKeys.map(\.zone)).union(zoneNames.keys).sorted()
            doc.zones = ids.map { id in
                ZoneTable(id: id, name: id == 0 ? "outside every zone" : (zoneNames[id] ?? "zone \(id)"), classes: rows(zoneTally, zone: id))
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try atomicWrite(try encoder.encode(doc), to: json)
        var lines = ["zone,zone_name,code,class,pixels,hectares,percent"]
        let tables = doc.zones ?? [ZoneTable(id: 0, name: "all", classes: doc.classes)]
        for z in tables {
            for r in z.classes {
                lines.append("\(z.id),\(Self.csvField(z.name)),\(r.code),\(r.name),\(r.pixels),\(r.hectares),\(r.percent.map { String($0) } ?? "")")
            }
        }
        try atomicWrite(Data((lines.joined(separator: "\n") + "\n").utf8), to: csv)
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
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
            let detail = r.map { "\(Self.format($0.hectares)) HA" + ($0.percent.map { ", \(String(format: "%.1f", $0))%" } ?? "") } ?? ""
            return .init(code: c.rawValue, name: c.description, color: Canvas.Color(c.color.red, c.color.green, c.color.blue), detail: detail)
        }
        let nodata = tally.byClass.pixels[.init(zone: 0, code: Int(ChangeClass.nodata))] ?? 0
        let entriesWithNodata = entries + (nodata > 0 ? [.init(code: ChangeClass.nodata, name: "no data", color: .white, detail: "\(nodata) PIXELS")] : [])
        let title = "\(options.indices.joined(separator: "+").uppercased()) CHANGE (\(options.method.rawValue.uppercased()), \(options.threshold))"
        var pixelSize = abs(grid.geoTransform?.pixelWidth ?? 1) * Double(grid.width) / Double(w)
        if let srs = SpatialReference(wkt: grid.crsWKT), srs.isGeographic {
            pixelSize = grid.pixelAreas(rows: (grid.height / 2)..<(grid.height / 2 + 1))[0].squareRoot() * Double(grid.width) / Double(w)
        }
        let canvas = ClassMapQuicklook(title: title, entries: entriesWithNodata).render(codes: codes, width: w, height: h, pixelSize: pixelSize)
        let folder = try SafeFiles.privateFolder(in: PathNames.parent(path))
        defer { try? FileManager.default.removeItem(atPath: folder); Interruption.unregister(folder) }
        let temp = folder + "/quicklook.png"
        do { try ImageWriter.writePNG(temp, width: canvas.width, height: canvas.height, rgba: canvas.pixels) } catch let e as GDALError {
            throw KubuqiError.output(path, e.description.replacingOccurrences(of: temp, with: path))
        }
        try SafeFiles.renameFinished(temp, onto: path)
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
        return "Between \(options.before) and \(options.after) (\(what), \(options.threshold) thresholds: change at "
            + String(format: "%.4f", thresholds.change) + ", strong at " + String(format: "%.4f", thresholds.strong)
            + (thresholds.centre != 0 ? String(format: " around %.4f", thresholds.centre) : "") + "), "
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
