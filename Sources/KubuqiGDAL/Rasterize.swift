import CGDAL
import Foundation
import KubuqiRaster

/// Vector layers burnt into rasters, and listing a layer's attribute values.
public enum VectorZones {
    /// The CRS of a vector file's first layer (nil when it has none) and its features'
    /// values of `field`, by feature order (FID order), for naming the burnt ids.
    public static func describe(_ path: String, field: String) throws -> (crsWKT: String, names: [String]) {
        GDALEnvironment.initialize()
        let h = try GDALErrors.check("cannot open \(path) as a vector layer") {
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(h) }
        guard GDALDatasetGetLayerCount(h) > 0, let layer = GDALDatasetGetLayer(h, 0) else {
            throw GDALError("\(path) has no vector layer")
        }
        let defn = OGR_L_GetLayerDefn(layer)
        let fieldIndex = OGR_FD_GetFieldIndex(defn, field)
        guard fieldIndex >= 0 else {
            let names = (0..<OGR_FD_GetFieldCount(defn)).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, $0))) }
            throw GDALError("\(path) has no field '\(field)'", messages: ["fields: \(names.joined(separator: ", "))"])
        }
        var wkt = ""
        if let srs = OGR_L_GetSpatialRef(layer) {
            var out: UnsafeMutablePointer<CChar>?
            if OSRExportToWkt(srs, &out) == OGRERR_NONE, let out { wkt = String(cString: out); VSIFree(out) }
        }
        var names: [String] = []
        OGR_L_ResetReading(layer)
        while let f = OGR_L_GetNextFeature(layer) {
            names.append(String(cString: OGR_F_GetFieldAsString(f, fieldIndex)))
            OGR_F_Destroy(f)
        }
        return (wkt, names)
    }

    /// Burns feature k of the first layer as value k+1 (0 outside every
    /// feature) into a new Int32 GeoTIFF at `output` on `grid`.
    public static func rasterize(_ path: String, onto grid: Grid, output: String) throws {
        GDALEnvironment.initialize()
        let src = try GDALErrors.check("cannot open \(path) as a vector layer") {
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(src) }
        var options = CreationOptions()
        options.set("TILED", "YES")
        options.set("COMPRESS", "DEFLATE")
        let out = try Dataset.create(output, width: grid.width, height: grid.height, bands: 1, type: .int32, options: options)
        try out.setGeoreferencing(from: grid)
        // Number features 1..n in an in-memory copy so each burns its own id.
        let layerName = String(cString: OGR_L_GetName(GDALDatasetGetLayer(src, 0)))
        let sql = "SELECT FID + 1 AS kubuqi_zone, * FROM \"\(layerName)\""
        try CStringList.withList(["-a", "kubuqi_zone", "-sql", sql]) { list in
            let opts = try GDALErrors.check("invalid rasterize options") { GDALRasterizeOptionsNew(list, nil) }
            defer { GDALRasterizeOptionsFree(opts) }
            _ = try GDALErrors.check("cannot rasterize \(path)") { GDALRasterize(nil, out.liveHandle, src, opts, nil) }
        }
        try out.close()
    }
}
