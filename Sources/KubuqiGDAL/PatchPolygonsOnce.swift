import CGDAL
import Foundation

extension PatchPolygons {
    /// The fields of one patch, as ``polygonizeOnce(labels:into:layer:grid:scratch:moreFields:attributes:)`` writes them.
    public struct Attributes {
        /// The class code (`class`).
        public var code: Int
        /// The class name (`class_name`).
        public var name: String
        /// The zone name (`zone`; empty: null).
        public var zone: String
        /// The area in m2 (`area_m2`; `area_ha` is it / 10 000).
        public var squareMetres: Double
        /// The string fields `moreFields` (an empty string is null).
        public var more: [String]

        /// Fields of a patch.
        public init(code: Int, name: String, zone: String, squareMetres: Double, more: [String]) {
            self.code = code
            self.name = name
            self.zone = zone
            self.squareMetres = squareMetres
            self.more = more
        }
    }

    /// A run of pixels along a row of a polygon.
    public typealias PixelRun = (row: Int, columns: Range<Int>)

    /// Polygonizes band 1 of `labels` (0 = no patch) and writes every polygon once, with all of
    /// its fields, into a new GeoPackage `path` (layer `layer`, fields `label`, `patch`,
    /// ``fields``, then `moreFields` as strings).
    ///
    /// GDAL's polygonize writes the polygons to the scratch FlatGeobuf `scratch` (a sequential
    /// file without an index, removed at the end), which is read back in order: each polygon gets
    /// its patch id (1, 2, ... in polygonize's order, which is also its GeoPackage feature id) and
    /// `attributes(label, patch, runs)` its fields from its label and its pixels (`runs`: the pixels
    /// whose centres lie inside it, as ``forEachPixelRun(_:layer:grid:_:)`` gives them). The
    /// GeoPackage is written in one transaction and its spatial index built once at the end, packed
    /// (``GeoPackageRTree``: up to `indexBulkLimit` boxes, default 524,288, packed in memory; a larger
    /// layer's from sorted runs of that many spilled to the scratch file `scratch`.rtree, removed at the
    /// end, so memory stays bounded).
    /// (Polygonizing into the GeoPackage, reading it back for the pixels and rewriting every row
    /// with its fields took three passes through SQLite; docs/benchmarks.md, "ldn".)
    /// Returns the number of patches.
    @discardableResult
    public static func polygonizeOnce(labels: String, into path: String, layer: String, grid: Grid, scratch: String,
                                      moreFields: [String] = [], indexBulkLimit: Int? = nil,
                                      attributes: (_ label: Int, _ patch: Int, _ runs: [PixelRun]) throws -> Attributes) throws -> Int {
        GDALEnvironment.initialize()
        defer { Dataset.removeFile(scratch) }
        let polygons = try polygonizeToScratch(labels: labels, scratch: scratch)
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        // GDAL's FlatGeobuf writer leaves no file for an empty layer: no polygons, nothing to read.
        let src = polygons == 0 ? nil : try GDALErrors.check("cannot open \(scratch)") { GDALOpenEx(scratch, UInt32(GDAL_OF_VECTOR), nil, nil, nil) }
        defer { if let src { GDALClose(src) } }
        let srcLayer = src.flatMap { GDALDatasetGetLayer($0, 0) }
        if src != nil, srcLayer == nil { throw GDALError("\(scratch) has no layer") }
        let (ds, lyr) = try createPolygonLayer(driver: "GPKG", path: path, layer: layer, crsWKT: grid.crsWKT, options: ["SPATIAL_INDEX=NO"])
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        try VectorTable.addFields([("label", VectorTable.FieldType.integer), ("patch", .integer)] + fields + moreFields.map { ($0, .string) },
                                  to: lyr, path: path)
        // The spatial index: made empty now by GDAL, filled in one go at the end (GeoPackageRTree).
        let index = try GeoPackageRTree.begin(ds, table: layer, column: String(cString: OGR_L_GetGeometryColumn(lyr)), path: path,
                                              spill: scratch + ".rtree", limit: indexBulkLimit ?? GeoPackageRTree.bulkLimit)
        let defn = OGR_L_GetLayerDefn(lyr)
        let toPixel = try PixelEdges(grid: grid, describing: path)
        var edges: [PixelEdges.Edge] = [], xs: [Double] = [], ys: [Double] = [], runs: [PixelRun] = []
        var patch = 0
        _ = OGR_L_StartTransaction(lyr)
        if let srcLayer { OGR_L_ResetReading(srcLayer) }
        // Two threads: this one reads the polygons, measures them and makes their features; another
        // indexes and inserts them, in the same order (BatchPipe), each feature owned by it once sent.
        var inserting = false
        try BatchPipe<OGRFeatureH>.run(consume: { f in
            defer { OGR_F_Destroy(f) }
            if !inserting {   // the inserting thread's own settings
                CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
                inserting = true
            }
            try index.add(fid: OGR_F_GetFID(f), geometry: OGR_F_GetGeometryRef(f))
            let (err, collector) = GDALErrors.capture { OGR_L_CreateFeature(lyr, f) }
            guard err == OGRERR_NONE else { throw GDALError("cannot write a feature to \(path)", messages: collector.failures) }
        }, discard: { OGR_F_Destroy($0) }) { send in
            while let srcLayer, let g = OGR_L_GetNextFeature(srcLayer) {
                defer { OGR_F_Destroy(g) }
                patch += 1
                guard patch < 1 << 24 else { throw GDALError("more than 16777215 patches; at most 16777215 can be measured") }
                guard let geometry = OGR_F_GetGeometryRef(g) else { throw GDALError("\(scratch): polygon \(patch) has no geometry") }
                edges.removeAll(keepingCapacity: true)
                runs.removeAll(keepingCapacity: true)
                try toPixel.collect(geometry, into: &edges, xs: &xs, ys: &ys)
                try toPixel.scan(edges) { row, columns in runs.append((row, columns)) }
                let label = Int(OGR_F_GetFieldAsInteger64(g, 0))
                let a = try attributes(label, patch, runs)
                guard let f = OGR_F_Create(defn) else { throw GDALError("cannot write a feature to \(path)") }
                _ = OGR_F_SetFID(f, Int64(patch))
                OGR_F_SetFieldInteger64(f, 0, Int64(label))
                OGR_F_SetFieldInteger64(f, 1, Int64(patch))
                OGR_F_SetFieldInteger64(f, 2, Int64(a.code))
                OGR_F_SetFieldString(f, 3, a.name)
                if a.zone.isEmpty { OGR_F_SetFieldNull(f, 4) } else { OGR_F_SetFieldString(f, 4, a.zone) }
                OGR_F_SetFieldDouble(f, 5, a.squareMetres)
                OGR_F_SetFieldDouble(f, 6, a.squareMetres / 10_000)
                for (k, value) in a.more.prefix(moreFields.count).enumerated() {
                    if value.isEmpty { OGR_F_SetFieldNull(f, Int32(7 + k)) } else { OGR_F_SetFieldString(f, Int32(7 + k), value) }
                }
                _ = OGR_F_SetGeometryDirectly(f, OGR_F_StealGeometry(g))
                try send(f)
            }
        }
        guard OGR_L_CommitTransaction(lyr) == OGRERR_NONE else { throw GDALError("cannot write \(path)") }
        try index.finish()
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        return patch
    }

    /// GDAL's polygonize of band 1 of `labels` (4-connected) into a new FlatGeobuf `scratch`
    /// without a spatial index: the polygons in polygonize's order, field `label`. Returns their number.
    private static func polygonizeToScratch(labels: String, scratch: String) throws -> Int {
        let source = try Dataset.open(labels)
        let grid = source.grid
        let (ds, lyr) = try createPolygonLayer(driver: "FlatGeobuf", path: scratch, layer: "patches", crsWKT: grid.crsWKT, options: ["SPATIAL_INDEX=NO"])
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        try VectorTable.addFields([("label", VectorTable.FieldType.integer)], to: lyr, path: scratch)
        let handle = try GDALErrors.check("cannot read \(labels)") { GDALGetRasterBand(source.liveHandle, 1) }
        try GDALErrors.check("cannot polygonize \(labels)") {
            // The band is its own mask: label 0 makes no polygon.
            GDALPolygonize(handle, handle, lyr, 0, nil, nil, nil)
        }
        let count = Int(OGR_L_GetFeatureCount(lyr, 1))
        try source.close()
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(scratch)", messages: collector.failures) }
        return count
    }
}
