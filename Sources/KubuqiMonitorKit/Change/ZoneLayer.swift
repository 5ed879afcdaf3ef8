import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Zones for area tables: a class raster on the analysis grid, or a vector
/// layer rasterised onto it (feature k burnt as id k+1, named by a field).
struct ZoneLayer {
    /// A raster of zone ids on the analysis grid.
    let raster: String
    /// Zone names by id.
    let names: [Int: String]

    /// Loads zones for `grid`; with `region` (a tile), a vector layer is rasterised
    /// onto that window only and placed in a VRT of the whole grid.
    static func load(_ path: String, field: String?, grid: Grid, work: WorkFolder, region: Window? = nil) throws -> ZoneLayer {
        try InputFile.requireRegular(path)
        // A raster GDAL opens is a zone raster; otherwise try it as a vector layer.
        if let ds = try? Dataset.open(path) {
            if let diff = grid.difference(from: ds.grid) {
                throw KubuqiError(.input, "\(path): the zone raster is not on the analysis grid: \(diff)")
            }
            return ZoneLayer(raster: path, names: [:])
        }
        guard let field else { throw KubuqiError(.usage, "vector zones need --zone-field NAME (the attribute naming each zone)") }
        let description: (crsWKT: String, names: [String])
        do { description = try VectorZones.describe(path, field: field) } catch let e as GDALError {
            throw KubuqiError.input(path, e.description)
        }
        if let a = SpatialReference(wkt: grid.crsWKT) {
            guard let b = SpatialReference(wkt: description.crsWKT) else {
                throw KubuqiError.input(path, "the zone layer has no CRS; the analysis grid is in \(a.shortDescription)")
            }
            if !a.isSame(as: b) {
                throw KubuqiError.input(path, "the zone layer's CRS \(b.shortDescription) differs from the analysis grid's \(a.shortDescription); reproject it (ogr2ogr -t_srs)")
            }
        }
        var raster = work.file("zones.tif")
        do {
            if let region {
                try VectorZones.rasterize(path, onto: grid.subgrid(region), output: raster)
                let placed = work.file("zones.vrt")
                try Mosaic.placeVRT(placed, tile: raster, window: region, grid: grid)
                raster = placed
            } else {
                try VectorZones.rasterize(path, onto: grid, output: raster)
            }
        } catch let e as GDALError {
            throw KubuqiError.input(path, e.description)
        }
        var names: [Int: String] = [:]
        for (i, n) in description.names.enumerated() { names[i + 1] = n }
        return ZoneLayer(raster: raster, names: names)
    }

    /// The zone names only (vector zones: by burnt id; raster zones: none), without rasterising.
    static func names(_ path: String, field: String?) throws -> [Int: String] {
        if (try? Dataset.open(path)) != nil { return [:] }
        guard let field else { return [:] }
        do {
            var names: [Int: String] = [:]
            for (i, n) in try VectorZones.describe(path, field: field).names.enumerated() { names[i + 1] = n }
            return names
        } catch let e as GDALError {
            throw KubuqiError.input(path, e.description)
        }
    }
}
