import CGDAL
import Foundation

/// Patches of a raster as polygons, through GDAL's polygonizer, and back:
/// the hotspots of `warn` (docs/warn.md).
public enum PatchPolygons {
    /// Polygonizes the non-zero pixels of band 1 of the raster at `maskPath`
    /// (8-connected: pixels touching at a corner are one patch) into a new
    /// GeoPackage at `output`, layer `patches`, each polygon with an integer
    /// field `pid` numbering the patches 1, 2, ... in GDAL's order.
    ///
    /// - Returns: the number of patches.
    public static func polygonize(_ maskPath: String, output: String) throws -> Int {
        GDALEnvironment.initialize()
        let source = try Dataset.open(maskPath)
        let band = try source.band(1)
        guard let drv = GDALGetDriverByName("GPKG") else { throw GDALError("GDAL has no GPKG driver") }
        let ds = try GDALErrors.check("cannot create \(output)") { GDALCreate(drv, output, 0, 0, 0, GDT_Unknown, nil) }
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        let srs = SpatialReference(wkt: source.grid.crsWKT)
        let layer = try GDALErrors.check("cannot create the patch layer in \(output)") {
            GDALDatasetCreateLayer(ds, "patches", srs?.handle, wkbPolygon, nil)
        }
        guard let field = OGR_Fld_Create("pid", OFTInteger) else { throw GDALError("cannot define field pid") }
        defer { OGR_Fld_Destroy(field) }
        guard OGR_L_CreateField(layer, field, 1) == OGRERR_NONE else { throw GDALError("cannot add field pid to \(output)") }
        let handle = band.handle
        _ = OGR_L_StartTransaction(layer)
        try CStringList.withList(["8CONNECTED=8"]) { list in
            try GDALErrors.check("cannot polygonize \(maskPath)") { GDALPolygonize(handle, handle, layer, 0, list, nil, nil) }
        }
        guard OGR_L_CommitTransaction(layer) == OGRERR_NONE else { throw GDALError("cannot write \(output)") }
        // Number the patches.
        var fids: [Int64] = []
        OGR_L_ResetReading(layer)
        while let f = OGR_L_GetNextFeature(layer) { fids.append(OGR_F_GetFID(f)); OGR_F_Destroy(f) }
        _ = OGR_L_StartTransaction(layer)
        for (i, fid) in fids.enumerated() {
            guard let f = OGR_L_GetFeature(layer, fid) else { continue }
            defer { OGR_F_Destroy(f) }
            OGR_F_SetFieldInteger(f, 0, Int32(i + 1))
            guard OGR_L_SetFeature(layer, f) == OGRERR_NONE else { throw GDALError("cannot number the patches of \(output)") }
        }
        guard OGR_L_CommitTransaction(layer) == OGRERR_NONE else { throw GDALError("cannot write \(output)") }
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(output)", messages: collector.failures) }
        return fids.count
    }

    /// Burns the integer field `field` of the first layer of `vector` into a
    /// new Int32 GeoTIFF at `output` on `grid` (0 elsewhere; pixels whose
    /// centre is inside a polygon).
    public static func rasterize(_ vector: String, field: String, onto grid: Grid, output: String) throws {
        GDALEnvironment.initialize()
        let src = try GDALErrors.check("cannot open \(vector) as a vector layer") {
            GDALOpenEx(vector, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(src) }
        guard GDALDatasetGetLayerCount(src) > 0, let layer = GDALDatasetGetLayer(src, 0) else { throw GDALError("\(vector) has no layer") }
        let name = String(cString: OGR_L_GetName(layer))
        var options = CreationOptions()
        options.set("TILED", "YES")
        options.set("COMPRESS", "DEFLATE")
        let out = try Dataset.create(output, width: grid.width, height: grid.height, bands: 1, type: .int32, options: options)
        try out.setGeoreferencing(from: grid)
        try CStringList.withList(["-a", field, "-l", name]) { list in
            let opts = try GDALErrors.check("invalid rasterize options") { GDALRasterizeOptionsNew(list, nil) }
            defer { GDALRasterizeOptionsFree(opts) }
            _ = try GDALErrors.check("cannot rasterize \(vector)") { GDALRasterize(nil, out.liveHandle, src, opts, nil) }
        }
        try out.close()
    }

    /// Writes the polygons of `source` (a layer made by ``polygonize(_:output:)``)
    /// whose `pid` is in `order`, in that order, with `rows[pid]` as attributes,
    /// to a new GeoPackage (layer `layer`, in the source's CRS) and a new
    /// GeoJSON file (RFC 7946: longitude and latitude on WGS 84, which OGR's
    /// GeoJSON driver reprojects to).
    public static func write(source: String, order: [Int], columns: [(String, VectorTable.FieldType)], rows: [Int: [VectorTable.Value]],
                             layer: String, gpkg: String, geojson: String) throws {
        GDALEnvironment.initialize()
        let src = try GDALErrors.check("cannot open \(source)") {
            GDALOpenEx(source, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(src) }
        guard let srcLayer = GDALDatasetGetLayer(src, 0) else { throw GDALError("\(source) has no layer") }
        var geometries: [Int: OGRGeometryH] = [:]
        defer { geometries.values.forEach { OGR_G_DestroyGeometry($0) } }
        let pidIndex = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(srcLayer), "pid")
        OGR_L_ResetReading(srcLayer)
        while let f = OGR_L_GetNextFeature(srcLayer) {
            defer { OGR_F_Destroy(f) }
            let pid = Int(OGR_F_GetFieldAsInteger(f, pidIndex))
            if rows[pid] != nil, let g = OGR_F_GetGeometryRef(f), let copy = OGR_G_Clone(g) { geometries[pid] = copy }
        }
        let srs = OGR_L_GetSpatialRef(srcLayer)
        for (path, driver, options) in [(gpkg, "GPKG", [String]()), (geojson, "GeoJSON", ["RFC7946=YES", "WRITE_NAME=NO"])] {
            guard let drv = GDALGetDriverByName(driver) else { throw GDALError("GDAL has no \(driver) driver") }
            let ds = try GDALErrors.check("cannot create \(path)") { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil) }
            var closed = false
            defer { if !closed { GDALClose(ds) } }
            let lyr = try CStringList.withList(options) { list in
                try GDALErrors.check("cannot create layer \(layer) in \(path)") { GDALDatasetCreateLayer(ds, layer, srs, wkbMultiPolygon, list) }
            }
            for (name, type) in columns {
                let ogrType: OGRFieldType = switch type { case .integer: OFTInteger; case .real: OFTReal; case .string: OFTString }
                guard let field = OGR_Fld_Create(name, ogrType) else { throw GDALError("cannot define field \(name) of \(path)") }
                defer { OGR_Fld_Destroy(field) }
                guard OGR_L_CreateField(lyr, field, 1) == OGRERR_NONE else { throw GDALError("cannot add field \(name) to \(path)") }
            }
            let defn = OGR_L_GetLayerDefn(lyr)
            _ = OGR_L_StartTransaction(lyr)
            for pid in order {
                guard let values = rows[pid], let g = geometries[pid], let f = OGR_F_Create(defn) else { continue }
                defer { OGR_F_Destroy(f) }
                for (i, v) in values.enumerated() {
                    switch v {
                    case .integer(let n): OGR_F_SetFieldInteger64(f, Int32(i), Int64(n))
                    case .real(let d): OGR_F_SetFieldDouble(f, Int32(i), d)
                    case .string(let s): OGR_F_SetFieldString(f, Int32(i), s)
                    case .null: OGR_F_SetFieldNull(f, Int32(i))
                    }
                }
                _ = OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(OGR_G_Clone(g)))
                let (err, collector) = GDALErrors.capture { OGR_L_CreateFeature(lyr, f) }
                guard err == OGRERR_NONE else { throw GDALError("cannot write a feature to \(path)", messages: collector.failures) }
            }
            guard OGR_L_CommitTransaction(lyr) == OGRERR_NONE || driver == "GeoJSON" else { throw GDALError("cannot write \(path)") }
            closed = true
            let (_, collector) = GDALErrors.capture { GDALClose(ds) }
            if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        }
    }
}
