import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Zones for area tables: a class raster on the analysis grid, or a vector
/// layer rasterised onto it. Vector zones are identified by the value of their
/// name field (zone k = the k-th distinct value in reading order), never by
/// feature ids; zones that overlap go to separate rasters (layers), so that each
/// zone gets its full area.
struct ZoneLayer {
    /// Rasters of zone ids on the analysis grid (one per layer of non-overlapping zones; 0 = none).
    let rasters: [String]
    /// Zone names by id (vector zones: every zone, also those off the grid).
    let names: [Int: String]
    /// Vector zones that cover no pixel of the grid (off it, smaller than a pixel between pixel centres,
    /// empty or degenerate); nil for a zone raster (its ids are the values present) and for a tile's window.
    var uncovered: Set<Int>? = nil

    /// Loads zones for `grid`; with `region` (a tile), a vector layer is rasterised
    /// onto that window only and placed in a VRT of the whole grid.
    static func load(_ path: String, field: String?, grid: Grid, work: WorkFolder, region: Window? = nil) throws -> ZoneLayer {
        try InputFile.requireRegular(path)
        // A raster GDAL opens is a zone raster; otherwise try it as a vector layer.
        if let ds = try? Dataset.open(path) {
            try refuseField(field, forRaster: path)
            if let diff = ds.grid.difference(from: grid) {  // the zone raster's values first
                throw KubuqiError(.input, "\(path): the zone raster is not on the analysis grid: \(diff)")
            }
            return ZoneLayer(rasters: [path], names: try ZoneRasterNames.read(ds))
        }
        let zones = try vectorZones(path, field: field)
        if let a = SpatialReference(wkt: grid.crsWKT) {
            guard let b = SpatialReference(wkt: zones.crsWKT) else {
                throw KubuqiError.input(path, "the zone layer has no CRS; the analysis grid is in \(a.shortDescription)")
            }
            if !a.isSame(as: b) {
                throw KubuqiError.input(path, "the zone layer's CRS \(b.shortDescription) differs from the analysis grid's \(a.shortDescription); reproject it (ogr2ogr -t_srs)")
            }
        }
        if zones.layers.count > 1 {
            Diagnostics.note("\(path): some zones overlap; each is counted with its full area (\(zones.layers.count) zone layers)")
        }
        var rasters: [String] = [], covered = Set<Int>()
        do {
            for l in zones.layers.indices {
                let raster = work.file("zones-\(l + 1).tif")
                if let region {
                    try zones.rasterize(layer: l, onto: grid.subgrid(region), output: raster)
                    let placed = work.file("zones-\(l + 1).vrt")
                    try Mosaic.placeVRT(placed, tile: raster, window: region, grid: grid)
                    rasters.append(placed)
                } else {
                    covered.formUnion(try zones.rasterize(layer: l, onto: grid, output: raster))
                    rasters.append(raster)
                }
            }
        } catch let e as GDALError {
            throw KubuqiError.input(path, e.description)
        }
        var layer = ZoneLayer(rasters: rasters, names: names(of: zones))
        // A tile's window holds some zones only: coverage is judged on the whole grid.
        if region == nil { layer.uncovered = try coverage(path, names: layer.names, covered: covered, grid: grid) }
        return layer
    }

    /// The zones of `names` not in `covered`. None covered: nothing to report, an input error naming the layer;
    /// some: a warning naming them (the reports mark them too).
    static func coverage(_ path: String, names: [Int: String], covered: Set<Int>, grid: Grid) throws -> Set<Int> {
        let missing = Set(names.keys).subtracting(covered)
        guard !missing.isEmpty else { return [] }
        let list = listed(missing.sorted().map { names[$0] ?? "zone \($0)" })
        if missing.count == names.count {
            var extent = ""
            if let t = grid.geoTransform {
                let (x1, y1) = t.apply(column: Double(grid.width), row: Double(grid.height))
                extent = String(format: " (x %.6g to %.6g, y %.6g to %.6g)", min(t.originX, x1), max(t.originX, x1), min(t.originY, y1), max(t.originY, y1))
            }
            throw KubuqiError.input(path, "no zone covers a pixel of the analysis grid\(extent): \(list); check the zones' coordinates and CRS")
        }
        Diagnostics.warn("\(path): \(missing.count) of \(names.count) zones cover no pixel of the analysis grid (off it, empty, or between pixel centres) and are reported with no pixels: \(list)")
        return missing
    }

    /// Up to 5 names quoted, then how many more.
    static func listed(_ names: [String]) -> String {
        let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
    }

    /// The zone names only (vector zones: by id; raster zones: none), without rasterising.
    static func names(_ path: String, field: String?) throws -> [Int: String] {
        if let ds = try? Dataset.open(path) {
            try refuseField(field, forRaster: path)
            return try ZoneRasterNames.read(ds)
        }
        return names(of: try vectorZones(path, field: field))
    }

    /// A zone field given with a zone raster would be ignored (the raster's values are the ids, its names come
    /// from its raster attribute table): refused, naming the file, rather than dropped without a word.
    private static func refuseField(_ field: String?, forRaster path: String) throws {
        guard let field else { return }
        throw KubuqiError.input(path, "is a zone raster (its values are the zone ids, its names from its raster attribute table); the zone field '\(field)' (--zone-field, [zones] field) names the attribute of vector zones only: leave it out")
    }

    private static func names(of zones: VectorZones) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: zones.names.enumerated().map { ($0 + 1, $1) })
    }

    /// Reads a vector layer's zones (errors name the file).
    private static func vectorZones(_ path: String, field: String?) throws -> VectorZones {
        guard let field else { throw KubuqiError(.usage, "vector zones need --zone-field NAME (the attribute naming each zone)") }
        let zones: VectorZones
        do { zones = try VectorZones(path, field: field) } catch let e as GDALError {
            throw KubuqiError.input(path, e.description)
        }
        guard !zones.names.isEmpty else { throw KubuqiError.input(path, "no feature has a value of '\(field)': there are no zones") }
        if zones.featuresWithoutValue > 0 {
            Diagnostics.note("\(path): \(zones.featuresWithoutValue) feature(s) have no value of '\(field)' and belong to no zone")
        }
        return zones
    }
}
