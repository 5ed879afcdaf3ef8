import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// One hotspot: an 8-connected patch of alert pixels of at least the minimum mapping unit.
public struct WarnHotspot: Sendable, Codable {
    /// 1, 2, ... by decreasing area.
    public var number: Int
    /// The level of the patch's mean metric.
    public var level: String
    /// Its code (1 moderate, 2 severe, 3 extreme).
    public var levelCode: Int
    /// True area on the ellipsoid, hectares.
    public var areaHectares: Double
    /// Pixels.
    public var pixels: Int
    /// Area-weighted mean of the metric.
    public var meanMetric: Double
    /// The longest persistence in the patch (periods in alert up to the assessed one).
    public var persistence: Int
    /// The period the longest-lasting part of the patch entered alert.
    public var onset: String
    /// Area-weighted centroid, longitude and latitude (WGS 84) and map x, y.
    public var centroidLongitude: Double, centroidLatitude: Double, centroidX: Double, centroidY: Double
    /// The zone covering most of it ("" without zones or outside every zone).
    public var zone: String
    /// new, escalated or continuing (against --previous); "" without it.
    public var status: String
    /// The previous run's hotspots it overlaps.
    public var previous: [Int]
}

/// A previous hotspot no current hotspot overlaps.
public struct ResolvedHotspot: Sendable, Codable {
    /// Its number in the previous run.
    public var number: Int
    /// Its level then.
    public var level: String
    /// Its area then, hectares.
    public var areaHectares: Double
    /// Its zone.
    public var zone: String
}

/// Hotspots of a warning run, and their comparison with the previous run.
struct WarnHotspots {
    var hotspots: [WarnHotspot]
    var resolved: [ResolvedHotspot]
    /// Alert patches below the minimum mapping unit.
    var belowMMU: Int

    static let columns: [(String, VectorTable.FieldType)] = [
        ("number", .integer), ("level", .string), ("level_code", .integer), ("area_ha", .real), ("pixels", .integer),
        ("mean_metric", .real), ("persistence", .integer), ("onset", .string), ("centroid_lon", .real), ("centroid_lat", .real),
        ("centroid_x", .real), ("centroid_y", .real), ("zone", .string), ("status", .string), ("previous", .string),
    ]

    /// Per-patch sums, gathered from a streamed pass; exact (``ExactSum``), so
    /// they do not depend on how the pass was cut into chunks and threads.
    final class PatchTally: ChunkObserver, @unchecked Sendable {
        struct Sums {
            var pixels = 0, persistence = 0
            var area = ExactSum(), metric = ExactSum(), metricArea = ExactSum(), x = ExactSum(), y = ExactSum()
            var zones: [Int: ExactSum] = [:], previous: Set<Int> = []
        }
        let areas: GridAreas, transform: GeoTransform?
        private let lock = NSLock()
        var sums: [Int: Sums] = [:]
        init(grid: Grid) { areas = GridAreas(grid: grid); transform = grid.geoTransform }
        func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
            observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
        }
        func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
            var local: [Int: Sums] = [:]
            let rows = results[0].count / width
            for r in 0..<rows {
                let a = areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width))
                for c in 0..<width {
                    let p = r * width + c, pid = results[0][p]
                    guard !pid.isNaN, pid > 0 else { continue }
                    var s = local.removeValue(forKey: Int(pid)) ?? Sums()
                    s.pixels += 1; s.area.add(a[c])
                    let m = results[1][p]
                    if !m.isNaN { s.metric.add(Double(m) * a[c]); s.metricArea.add(a[c]) }
                    let per = results[2][p]
                    if !per.isNaN { s.persistence = max(s.persistence, Int(per)) }
                    let centre: (x: Double, y: Double) = transform?.apply(column: Double(firstColumn + c) + 0.5, row: Double(firstRow + r) + 0.5) ?? (x: Double(firstColumn + c) + 0.5, y: Double(firstRow + r) + 0.5)
                    s.x.add(centre.x * a[c]); s.y.add(centre.y * a[c])
                    let prev = results[3][p]
                    if !prev.isNaN, prev > 0 { s.previous.insert(Int(saturating: prev)) }
                    let zone = results[4][p]
                    if !zone.isNaN, zone > 0 { s.zones[Int(saturating: zone), default: ExactSum()].add(a[c]) }
                    local[Int(pid)] = s
                }
            }
            lock.withLock {
                for (k, v) in local {
                    var s = sums[k] ?? Sums()
                    s.pixels += v.pixels; s.area.merge(v.area); s.metric.merge(v.metric); s.metricArea.merge(v.metricArea)
                    s.persistence = max(s.persistence, v.persistence); s.x.merge(v.x); s.y.merge(v.y)
                    for (z, a) in v.zones { s.zones[z, default: ExactSum()].merge(a) }
                    s.previous.formUnion(v.previous)
                    sums[k] = s
                }
            }
        }
    }

    /// Finds the hotspots on the staged alert-level.tif and writes hotspots.gpkg and .geojson.
    static func find(_ o: WarnOptions, stage: OutputFolder, work: WorkFolder, grid: Grid, plan: WarnPlan, zoning: ZoneLayer?) throws -> WarnHotspots {
        let levelPath = stage.file(WarnJob.Layer.level.file)
        let maskPath = work.file("alert-mask.tif"), patchesPath = work.file("patches.gpkg"), pidPath = work.file("patch-ids.tif")
        do {
            try writeMask(levelPath, to: maskPath, grid: grid)
            _ = try PatchPolygons.polygonize(labels: maskPath, into: patchesPath, layer: "patches", patchRaster: pidPath, eightConnected: true)
        } catch let e as GDALError {
            throw KubuqiError.output(o.output, "cannot polygonize the alert patches (\(e.description))")
        }
        // The previous run's hotspots, burnt onto this grid.
        var previous: [Int: (level: Int, levelName: String, area: Double, zone: String)] = [:]
        var previousRaster: String?
        if let folder = o.previous {
            let gpkg = (folder as NSString).appendingPathComponent("hotspots.gpkg")
            let table: (columns: [String], crsWKT: String, rows: [(cells: [String], point: (x: Double, y: Double)?)])
            do { table = try VectorTable.read(path: gpkg) } catch let e as GDALError { throw KubuqiError.input(gpkg, e.description) }
            let col = { (name: String) -> Int? in table.columns.firstIndex(of: name) }
            guard let n = col("number"), let lc = col("level_code"), let ln = col("level"), let ar = col("area_ha"), let zn = col("zone") else {
                throw KubuqiError.input(gpkg, "is not a warn hotspot layer (it lacks number, level, level_code, area_ha or zone)")
            }
            if let a = SpatialReference(wkt: grid.crsWKT), let b = SpatialReference(wkt: table.crsWKT), !a.isSame(as: b) {
                throw KubuqiError.input(gpkg, "the previous hotspots are in \(b.shortDescription), this run's grid in \(a.shortDescription)")
            }
            for row in table.rows {
                guard let number = Int(row.cells[n]) else { continue }
                previous[number] = (Int(row.cells[lc]) ?? 0, row.cells[ln], Double(row.cells[ar]) ?? 0, row.cells[zn])
            }
            let raster = work.file("previous-ids.tif")
            do { try PatchPolygons.rasterize(gpkg, field: "number", onto: grid, output: raster) } catch let e as GDALError {
                throw KubuqiError.input(gpkg, e.description)
            }
            previousRaster = raster
        }
        // Per-patch sums in one streamed pass.
        var inputs = [PixelInput(band: try Dataset.open(pidPath).band(1), nodata: .some(nil)),
                      PixelInput(band: try Dataset.open(stage.file(WarnJob.layer(of: o.rule.metric).file)).band(1)),
                      PixelInput(band: try Dataset.open(stage.file(WarnJob.Layer.persistence.file)).band(1))]
        inputs.append(try previousRaster.map { PixelInput(band: try Dataset.open($0).band(1), nodata: .some(nil)) } ?? inputs[0])
        inputs.append(try zoning?.rasters.first.map { PixelInput(band: try Dataset.open($0).band(1), nodata: .some(nil)) } ?? inputs[0])
        let hasPrevious = previousRaster != nil, hasZones = zoning != nil
        let tally = PatchTally(grid: grid)
        _ = try StreamedCalculation.runJoint(inputs: inputs, outputs: [nil, nil, nil, nil, nil], kernel: { ins, outs, _, _ in
            for i in 0..<5 {
                let blank = (i == 3 && !hasPrevious) || (i == 4 && !hasZones)
                for p in 0..<outs[i].count { outs[i][p] = blank ? .nan : ins[i][p] }
            }
        }, observer: tally)
        // Hotspots: patches of at least the unit, largest first.
        let toWGS84 = SpatialReference(wkt: grid.crsWKT).flatMap { CoordinateTransform.toWGS84(from: $0) }
        let kept = tally.sums.filter { $0.value.area.value / 10_000 >= o.mmuHectares }
            .sorted { ($0.value.area.units, $1.key) > ($1.value.area.units, $0.key) }
        var hotspots: [WarnHotspot] = [], rows: [Int: [VectorTable.Value]] = [:]
        var overlapped = Set<Int>()
        for (i, (pid, s)) in kept.enumerated() {
            let area = s.area.value
            let mean = s.metricArea.value > 0 ? s.metric.value / s.metricArea.value : .nan
            let level = o.rule.thresholds.level(mean) ?? .moderate
            let cx = s.x.value / area, cy = s.y.value / area
            var lon = [cx], lat = [cy]
            if let t = toWGS84 { _ = t.transform(x: &lon, y: &lat) } else { lon = [.nan]; lat = [.nan] }
            let zoneID = s.zones.max { ($0.value.units, $1.key) < ($1.value.units, $0.key) }?.key
            let zone = zoneID.flatMap { zoning?.names[$0] } ?? ""
            let prev = s.previous.sorted()
            overlapped.formUnion(prev)
            var status = ""
            if hasPrevious {
                let before = prev.compactMap { previous[$0]?.level }.max()
                status = before == nil ? "new" : (level.rawValue > before! ? "escalated" : "continuing")
            }
            let p = max(1, s.persistence)
            let onset = p >= o.history ? "on or before \(plan.label(back: p - 1))" : plan.label(back: p - 1)
            let h = WarnHotspot(number: i + 1, level: level.name, levelCode: level.rawValue, areaHectares: area / 10_000, pixels: s.pixels,
                                meanMetric: mean, persistence: s.persistence, onset: onset, centroidLongitude: lon[0], centroidLatitude: lat[0],
                                centroidX: cx, centroidY: cy, zone: zone, status: status, previous: prev)
            hotspots.append(h)
            rows[pid] = [.integer(h.number), .string(h.level), .integer(h.levelCode), .real(h.areaHectares), .integer(h.pixels),
                         mean.isNaN ? .null : .real(mean), .integer(h.persistence), .string(onset), .real(h.centroidLongitude), .real(h.centroidLatitude),
                         .real(cx), .real(cy), .string(zone), .string(status), .string(prev.map(String.init).joined(separator: ","))]
        }
        do {
            try PatchPolygons.write(source: patchesPath, order: kept.map(\.key), columns: columns, rows: rows, layer: "hotspots",
                                    gpkg: stage.file("hotspots.gpkg"), geojson: stage.file("hotspots.geojson"))
        } catch let e as GDALError {
            throw KubuqiError.output(o.output, "cannot write the hotspots (\(e.description))")
        }
        let resolved = previous.keys.sorted().filter { !overlapped.contains($0) }.map {
            ResolvedHotspot(number: $0, level: previous[$0]!.levelName, areaHectares: previous[$0]!.area, zone: previous[$0]!.zone)
        }
        return WarnHotspots(hotspots: hotspots, resolved: resolved, belowMMU: tally.sums.count - kept.count)
    }

    /// A Byte raster: 1 where alert-level.tif is 1, 2 or 3, 0 elsewhere.
    static func writeMask(_ levelPath: String, to maskPath: String, grid: Grid) throws {
        let level = try Dataset.open(levelPath).band(1)
        var options = CreationOptions()
        options.set("TILED", "YES")
        options.set("COMPRESS", "DEFLATE")
        let ds = try Dataset.create(maskPath, width: grid.width, height: grid.height, bands: 1, type: .byte, options: options)
        try ds.setGeoreferencing(from: grid)
        let band = try ds.band(1)
        let rowsPerStrip = max(1, min(grid.height, 1 << 22 / max(1, grid.width)))
        var row = 0
        while row < grid.height {
            let w = Window(column: 0, row: row, width: grid.width, height: min(rowsPerStrip, grid.height - row))
            var values = try level.read(w)
            for i in values.indices { values[i] = (1...3).contains(values[i]) ? 1 : 0 }
            try values.withUnsafeBufferPointer { try band.write(w, from: $0) }
            row += w.height
        }
        try ds.close()
    }
}
