import CGDAL
import Foundation

/// A table written or read through OGR: points with attributes (GeoPackage, GeoJSON,
/// FlatGeobuf...) or plain attribute rows (CSV, written as RFC 4180 by OGR's CSV driver).
public enum VectorTable {
    /// The type of an attribute column.
    public enum FieldType: Sendable {
        /// 64-bit integers.
        case integer
        /// Double-precision reals.
        case real
        /// Text.
        case string
    }

    /// One cell: a value of its column's type, or null.
    public enum Value: Sendable, Equatable {
        /// An integer.
        case integer(Int)
        /// A real.
        case real(Double)
        /// Text.
        case string(String)
        /// Null (an empty cell).
        case null
    }

    /// A row: the cells in column order, and a point geometry (x, y in the layer's CRS) when the
    /// layer has one.
    public struct Row: Sendable {
        /// The cells.
        public var values: [Value]
        /// The point, if any.
        public var point: (x: Double, y: Double)?
        /// Creates a row.
        public init(values: [Value], point: (x: Double, y: Double)? = nil) { self.values = values; self.point = point }
    }

    /// Writes a new file at `path` with the driver `driver` (e.g. `GPKG`, `CSV`) holding one
    /// layer `layer`: points in `crsWKT` when `crsWKT` is given, no geometry otherwise. The file
    /// must not exist.
    public static func write(path: String, driver: String, layer: String, crsWKT: String?, columns: [(String, FieldType)], rows: [Row], layerOptions: [String] = []) throws {
        GDALEnvironment.initialize()
        guard let drv = GDALGetDriverByName(driver) else { throw GDALError("GDAL has no \(driver) driver") }
        // A GeoPackage's last_change fixed (PatchPolygons.fixedDate): the same rows give the same bytes.
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", PatchPolygons.fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        let ds = try GDALErrors.check("cannot create \(path)") { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil) }
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        let srs = crsWKT.flatMap { SpatialReference(wkt: $0) }
        let geometry = crsWKT == nil ? wkbNone : wkbPoint
        // CSV: quote only where RFC 4180 needs it (OGR's default also quotes numeric-looking text).
        let options = driver == "CSV" && !layerOptions.contains(where: { $0.hasPrefix("STRING_QUOTING=") }) ? layerOptions + ["STRING_QUOTING=IF_NEEDED"] : layerOptions
        let lyr = try CStringList.withList(options) { list in
            try GDALErrors.check("cannot create layer \(layer) in \(path)") {
                GDALDatasetCreateLayer(ds, layer, srs?.handle, geometry, list)
            }
        }
        try addFields(columns, to: lyr, path: path)
        let defn = OGR_L_GetLayerDefn(lyr)
        _ = OGR_L_StartTransaction(lyr)
        for row in rows {
            guard let f = OGR_F_Create(defn) else { throw GDALError("cannot create a feature in \(path)") }
            defer { OGR_F_Destroy(f) }
            set(row.values, on: f)
            if let p = row.point, geometry == wkbPoint, let g = OGR_G_CreateGeometry(wkbPoint) {
                OGR_G_SetPoint_2D(g, 0, p.x, p.y)
                _ = OGR_F_SetGeometryDirectly(f, g)
            }
            let (err, collector) = GDALErrors.capture { OGR_L_CreateFeature(lyr, f) }
            guard err == OGRERR_NONE else { throw GDALError("cannot write a feature to \(path)", messages: collector.failures) }
        }
        try GDALErrors.commit(lyr, "cannot write \(path)")
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
    }

    /// Adds `columns` (name, type) to the OGR layer `lyr` of the file `path`, in order.
    static func addFields(_ columns: [(String, FieldType)], to lyr: OGRLayerH, path: String) throws {
        for (name, type) in columns {
            let ogrType: OGRFieldType = switch type { case .integer: OFTInteger; case .real: OFTReal; case .string: OFTString }
            guard let field = OGR_Fld_Create(name, ogrType) else { throw GDALError("cannot define field \(name) of \(path)") }
            defer { OGR_Fld_Destroy(field) }
            guard OGR_L_CreateField(lyr, field, 1) == OGRERR_NONE else { throw GDALError("cannot add field \(name) to \(path)") }
        }
    }

    /// Sets the fields of the feature `f`, in order, from `values`.
    static func set(_ values: [Value], on f: OGRFeatureH) {
        for (i, v) in values.enumerated() {
            switch v {
            case .integer(let n): OGR_F_SetFieldInteger64(f, Int32(i), Int64(n))
            case .real(let d): OGR_F_SetFieldDouble(f, Int32(i), d)
            case .string(let s): OGR_F_SetFieldString(f, Int32(i), s)
            case .null: OGR_F_SetFieldNull(f, Int32(i))
            }
        }
    }

    /// The first layer of the vector file at `path`: its column names, and every feature's cells
    /// as text ("" for null or unset) with its point (nil when the feature has no point geometry).
    public static func read(path: String) throws -> (columns: [String], crsWKT: String, rows: [(cells: [String], point: (x: Double, y: Double)?)]) {
        GDALEnvironment.initialize()
        let ds = try GDALErrors.check("cannot open as a table") {
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(ds) }
        guard GDALDatasetGetLayerCount(ds) > 0, let layer = GDALDatasetGetLayer(ds, 0) else { throw GDALError("has no layer") }
        let defn = OGR_L_GetLayerDefn(layer)
        let count = OGR_FD_GetFieldCount(defn)
        let columns = fieldNames(defn)
        let wkt = crsWKT(of: layer)
        var rows: [(cells: [String], point: (x: Double, y: Double)?)] = []
        OGR_L_ResetReading(layer)
        while let f = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(f) }
            let cells = (0..<count).map { i in OGR_F_IsFieldSetAndNotNull(f, i) != 0 ? String(cString: OGR_F_GetFieldAsString(f, i)) : "" }
            var point: (x: Double, y: Double)?
            if let g = OGR_F_GetGeometryRef(f), OGR_GT_Flatten(OGR_G_GetGeometryType(g)) == wkbPoint, OGR_G_IsEmpty(g) == 0 {
                point = (OGR_G_GetX(g, 0), OGR_G_GetY(g, 0))
            }
            rows.append((cells, point))
        }
        return (columns, wkt, rows)
    }

    /// The field names of a layer definition, in order.
    static func fieldNames(_ defn: OGRFeatureDefnH?) -> [String] {
        (0..<OGR_FD_GetFieldCount(defn)).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, $0))) }
    }

    /// A layer's CRS as WKT, "" when it has none.
    static func crsWKT(of layer: OGRLayerH) -> String {
        guard let srs = OGR_L_GetSpatialRef(layer) else { return "" }
        var out: UnsafeMutablePointer<CChar>?
        guard OSRExportToWkt(srs, &out) == OGRERR_NONE, let out else { return "" }
        defer { VSIFree(out) }
        return String(cString: out)
    }
}
