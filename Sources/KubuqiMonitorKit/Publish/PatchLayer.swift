import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// Degradation and improvement patches of a class raster as a GeoPackage
/// polygon layer (docs/publishing.md): one polygon per 4-connected patch of
/// one class within one zone, with its class code and name, its zone and its
/// area on the ellipsoid, summed from the true area of each of its pixels
/// (``GridAreas``, as the area tables are), so the polygons of a class add up
/// to the table's area of that class.
///
/// Overlapping zones (several zone layers, ``ZoneLayer``): a polygon is one class
/// within one zone of every layer at once, and carries each of them: `zone` (the
/// first layer), `zone_2`, `zone_3`... (the further layers; null outside every zone
/// of that layer). The polygons never overlap, so they add up to the whole-area
/// table, and those whose `zone` or `zone_K` is Z add up to zone Z's table.
enum PatchLayer {
    /// Label of a pixel: zone x 16 + code + 8 (codes -8...7), 0 for no patch
    /// (with several zone layers, `zone` is the pixel's combination of zones, 1-based).
    static func label(code: Int, zone: Int) -> Int { zone * 16 + code + 8 }

    /// The largest zone id a label can hold exactly (Float32 labels, 2^24).
    static let maximumZone = (1 << 24) / 16 - 1

    /// The codes `wanted` as a table by code + 8 (codes -8...7; ``label(class:zone:wanted:)``).
    static func wantedTable(_ wanted: Set<Int>) -> [Bool] {
        precondition(wanted.allSatisfy { (-8...7).contains($0) }, "class codes of patches are -8...7")
        return (-8...7).map { wanted.contains($0) }
    }

    /// The label of a pixel of class `c` (NaN: nodata) in zone `zone` (0: none), 0 (no patch) unless its class is
    /// wanted (`wanted`: ``wantedTable(_:)``). The one labelling of ``write(classRaster:legend:wanted:zones:units:to:layer:work:quiet:)``
    /// and ``PatchDrawing``.
    @inline(__always)
    static func label(class c: Float, zone: Int, wanted: [Bool]) -> Int32 {
        guard !c.isNaN, c >= -8, c <= 7, wanted[Int(c) + 8] else { return 0 }
        return Int32(label(code: Int(c), zone: zone))
    }

    /// The zone of a zone raster's value `v` as a label holds it (``ZoneCombinations/zone(_:)``: NaN or negative, none),
    /// `nodata` (the raster's nodata when the value is read raw, not as NaN) none too.
    @inline(__always)
    static func zoneID(_ v: Float, nodata: Float? = nil) -> Int {
        v == nodata ? 0 : Int(ZoneCombinations.zone(v))
    }

    /// Throws unless every zone id of the first layer of `zones` fits in a label (``maximumZone``).
    static func checkZoneIDs(_ zones: ZoneLayer?) throws {
        if let z = zones?.names.keys.max(), z > maximumZone {
            throw KubuqiError.input(zones!.rasters[0], "zone id \(z) is beyond \(maximumZone), the largest the patch layer can label")
        }
    }

    /// A stem for the scratch files of the GeoPackage `gpkg`, its own: several GeoPackages of one stem (ldn's periods) are
    /// written at once into one work folder.
    static func scratchStem(_ gpkg: String) -> String {
        ((gpkg as NSString).lastPathComponent as NSString).deletingPathExtension + "-" + UUID().uuidString
    }

    /// A GeoPackage's GDAL error as the output error naming `gpkg`. SQLite says "database or disk is full" where a
    /// raster's write says "No space left on device": the system's words are added, as every other output on a full
    /// disk gives them (RunFaultTests).
    static func outputError(_ gpkg: String, _ e: GDALError) -> KubuqiError {
        var text = e.description
        if text.contains("disk is full") { text += " (" + String(cString: strerror(ENOSPC)) + ")" }
        return KubuqiError.output(gpkg, text)
    }

    /// The field names of the zone layers after the first (`zone_2`, ...).
    static func moreZoneFields(_ zones: ZoneLayer?) -> [String] {
        (zones?.rasters.count ?? 0) > 1 ? (2...zones!.rasters.count).map { "zone_\($0)" } : []
    }

    /// Writes the patches of the codes `wanted` of `classRaster` into a new
    /// GeoPackage `gpkg` (layer `layer`), split by the zones of every layer of
    /// `zones`; returns the area in m2 of each code's polygons.
    ///
    /// - Parameter units: the area tables' rounding: each pixel's area in m2 as
    ///   whole units of `units.size` m2, summed as integers as the table does,
    ///   so the polygons of a class add up to the table's area exactly.
    @discardableResult
    static func write(classRaster: String, legend: [ClassLegend.Entry], wanted: Set<Int>, zones: ZoneLayer?, units: AreaUnits,
                      to gpkg: String, layer: String, work: WorkFolder, quiet: Bool) throws -> [Int: Double] {
        let stem = scratchStem(gpkg)
        let labels = work.file("\(stem).labels.tif")
        defer { RunStagingLedger.removeScratch(labels) }
        let classes = try Dataset.open(classRaster).band(1)
        var inputs = [PixelInput(band: classes)]
        for z in zones?.rasters ?? [] { inputs.append(PixelInput(band: try Dataset.open(z).band(1))) }
        let layers = inputs.count - 1
        if layers > 0 { try checkZoneIDs(zones) }
        // One zone layer: the label holds the zone id. Several: the id of the pixel's combination of zones.
        let combinations = layers > 1 ? try ZoneCombinations.survey(inputs, wanted: wanted) : ZoneCombinations(list: [])
        guard combinations.list.count <= maximumZone else {
            throw KubuqiError.input(zones!.rasters[0], "\(combinations.list.count) combinations of overlapping zones; the patch layer can label \(maximumZone)")
        }
        let table = wantedTable(wanted)
        let kernel: SpectralIndex.Kernel = { ins, _, out in
            var tuple = [Int32](repeating: 0, count: layers)
            for i in 0..<out.count {
                let c = ins[0][i]
                var zone = 0
                if layers > 0, !c.isNaN, c >= -8, c <= 7, table[Int(c) + 8] {
                    for k in 0..<layers { tuple[k] = Int32(zoneID(ins[1 + k][i])) }
                    zone = layers == 1 ? Int(tuple[0]) : combinations.ids[tuple]!
                }
                out[i] = Float(label(class: c, zone: zone, wanted: table))
            }
        }
        _ = try StreamedCalculation.run(inputs: inputs, outputs: [PixelOutput(kernel: kernel, inputs: Array(inputs.indices),
                                                                              spec: RasterOutputSpec(path: labels, encoding: .float32, storage: .scratch))])
        let measure = PatchMeasure(grid: classes.dataset.grid, legend: legend, zones: zones, combinations: combinations, units: units)
        do {
            // Each polygon written once with its fields; its area summed from its pixels' true areas in whole units, as the tables sum them.
            try PatchPolygons.polygonizeOnce(labels: labels, into: gpkg, layer: layer, grid: classes.dataset.grid,
                                             scratch: work.file("\(stem).polygons.fgb"), moreFields: moreZoneFields(zones), attributes: measure.attributes)
        } catch let e as GDALError {
            throw outputError(gpkg, e)
        }
        return measure.byCode
    }
}

/// The fields of each patch from its label and its pixels (``PatchLayer/write(classRaster:legend:wanted:zones:units:to:layer:work:quiet:)``
/// and ``PatchDrawing``): class code and name, zone names, and the area on the ellipsoid summed from the true area
/// of each of its pixels in whole units of the tables, so the polygons of a class add up to the table's area exactly;
/// ``byCode`` sums them by class. Used from one thread at a time (made on one, handed to the polygonizing one).
final class PatchMeasure: @unchecked Sendable {
    private let names: [Int: String]
    private let zones: ZoneLayer?
    private let layers: Int
    private let combinations: ZoneCombinations
    private let units: AreaUnits
    private let gridAreas: GridAreas
    private let pixelAreas: UnsafeMutableBufferPointer<Double>
    /// The area in m2 of each code's polygons so far.
    private(set) var byCode: [Int: Double] = [:]

    init(grid: Grid, legend: [ClassLegend.Entry], zones: ZoneLayer?, combinations: ZoneCombinations, units: AreaUnits) {
        names = Dictionary(legend.map { ($0.value, $0.name) }, uniquingKeysWith: { a, _ in a })
        self.zones = zones
        layers = zones?.rasters.count ?? 0
        self.combinations = combinations
        self.units = units
        gridAreas = GridAreas(grid: grid)
        pixelAreas = .allocate(capacity: max(1, grid.width))
    }

    deinit { pixelAreas.deallocate() }

    private func zoneName(_ zone: Int) -> String { zone == 0 ? "" : (zones?.names[zone] ?? String(zone)) }

    /// The fields of the patch `label` (zone x 16 + code + 8) whose pixels are `runs`.
    func attributes(_ label: Int, _ patch: Int, _ runs: PatchPolygons.PixelRuns) -> PatchPolygons.Attributes {
        var sum: Int64 = 0
        for run in runs {
            gridAreas.areas(row: run.row, columns: run.columns, into: pixelAreas)
            for i in 0..<run.columns.count { sum += units.units(pixelAreas[i]) }
        }
        let zone = label / 16, code = label % 16 - 8
        let area = Double(sum) * units.size
        byCode[code, default: 0] += area
        let name = names[code] ?? String(code)
        guard layers > 1 else {   // no zone tuple to make (most patches: none or one zone layer)
            return PatchPolygons.Attributes(code: code, name: name, zone: layers == 0 ? "" : zoneName(zone), squareMetres: area, more: [])
        }
        let tuple = combinations.list[zone - 1].map(Int.init)
        return PatchPolygons.Attributes(code: code, name: name, zone: zoneName(tuple[0]), squareMetres: area, more: tuple.dropFirst().map(zoneName))
    }
}

/// The combinations of zones (one id per zone layer, 0 = none) that the patch pixels
/// fall in, numbered 1... in sorted order (so two runs give the same labels).
struct ZoneCombinations: Sendable {
    /// The combinations, in id order (id = index + 1).
    let list: [[Int32]]
    /// Id by combination.
    let ids: [[Int32]: Int]

    init(list: [[Int32]]) {
        self.list = list
        ids = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0 + 1) })
    }

    /// A zone raster's value as a zone id (nodata or negative: none).
    static func zone(_ v: Float) -> Int32 { v.isNaN || v < 0 ? 0 : Int32(min(v, Float(PatchLayer.maximumZone))) }

    /// Reads the class (input 0) and zone rasters (inputs 1...) once and lists the combinations of the wanted classes' pixels.
    static func survey(_ inputs: [PixelInput], wanted: Set<Int>) throws -> ZoneCombinations {
        let found = LockedCombinations()
        let layers = inputs.count - 1
        let collect: SpectralIndex.Kernel = { ins, _, out in
            var local = Set<[Int32]>()
            var tuple = [Int32](repeating: 0, count: layers)
            for i in 0..<out.count {
                let c = ins[0][i]
                guard !c.isNaN, wanted.contains(Int(c)) else { continue }
                for k in 0..<layers { tuple[k] = zone(ins[1 + k][i]) }
                local.insert(tuple)
            }
            found.add(local)
            out.update(repeating: 0)
        }
        _ = try StreamedCalculation.run(inputs: inputs, outputs: [PixelOutput(kernel: collect, inputs: Array(inputs.indices), spec: nil)])
        return ZoneCombinations(list: found.all.sorted { $0.lexicographicallyPrecedes($1) })
    }
}

/// The combinations found by the chunks, gathered under a lock.
private final class LockedCombinations: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var all = Set<[Int32]>()
    func add(_ found: Set<[Int32]>) { lock.lock(); all.formUnion(found); lock.unlock() }
}

/// How an area table rounds pixel areas: whole units of `size` m2.
struct AreaUnits: Sendable {
    /// The unit in m2.
    let size: Double
    /// A pixel's area in m2 as units.
    let units: @Sendable (Double) -> Int64

    /// `change`'s tables (``ClassAreaTally``): 10⁻³ m².
    static let changeTables = AreaUnits(size: 1 / ClassAreaTally.unitsPerSquareMetre) { ClassAreaTally.units(squareMetres: $0) }
    /// `ldn`'s tables (``AreaTable``): 10⁻⁹ km², from the area in km2.
    static let ldnTables = AreaUnits(size: 1e6 / AreaTable.unitsPerKm2) { AreaTable.units($0 / 1e6) }
}

/// Sums the true area of the pixels of each patch id (0 = none), in whole units.
final class PatchAreaCounter: ChunkObserver, @unchecked Sendable {
    private let sums: PerChunk<[Int64]>
    private let areas: GridAreas
    private let units: AreaUnits

    init(grid: Grid, patches: Int, units: AreaUnits) {
        areas = GridAreas(grid: grid)
        sums = PerChunk([Int64](repeating: 0, count: patches + 1))
        self.units = units
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        let ids = results[0], rows = ids.count / width
        let pixelAreas = UnsafeMutableBufferPointer<Double>.allocate(capacity: width)
        defer { pixelAreas.deallocate() }
        sums.update(chunk) { s in
            for r in 0..<rows {
                areas.areas(row: firstRow + r, columns: firstColumn..<(firstColumn + width), into: pixelAreas)
                for c in 0..<width {
                    let id = ids[r * width + c]
                    if id > 0 && !id.isNaN { s[Int(id)] += units.units(pixelAreas[c]) }
                }
            }
        }
    }

    /// Area units by patch id.
    func merged() -> [Int64] {
        sums.values.reduce(into: [Int64](repeating: 0, count: sums.values[0].count)) { total, s in
            for i in s.indices { total[i] += s[i] }
        }
    }
}
