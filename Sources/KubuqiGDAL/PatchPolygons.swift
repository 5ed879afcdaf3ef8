import CGDAL
import Foundation
import KubuqiRaster

/// Patches of a label raster as GeoPackage polygons (GDAL's polygonize): one
/// polygon per 4-connected (or 8-connected) group of pixels of one non-zero
/// label, its edges on
/// pixel edges. Each polygon gets a `patch` id (its feature id), burnt back
/// onto the grid (GDAL's rasterize: exactly the polygon's pixels, whose
/// centres lie inside it), so that its area can be summed from the true area
/// of each of its pixels and match the area tables pixel for pixel.
///
/// Fields: `label` (the raster's value), `patch`, then ``fields`` (written by
/// ``polygonizeOnce(labels:into:layer:grid:scratch:moreFields:attributes:)``).
public enum PatchPolygons {
    /// A new vector dataset `path` of GDAL's `driver` holding one empty polygon layer `layer` in the CRS
    /// `crsWKT`, created with the layer creation `options`. Nothing is left open when it fails; the
    /// caller closes the dataset.
    static func createPolygonLayer(driver name: String, path: String, layer: String, crsWKT: String,
                                   options: [String]) throws -> (dataset: GDALDatasetH, layer: OGRLayerH) {
        guard let drv = GDALGetDriverByName(name) else { throw GDALError("GDAL has no \(name) driver") }
        let ds = try GDALErrors.check("cannot create \(path)") { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil) }
        do {
            let srs = SpatialReference(wkt: crsWKT)
            let lyr = try CStringList.withList(options) { list in
                try GDALErrors.check("cannot create layer \(layer) in \(path)") { GDALDatasetCreateLayer(ds, layer, srs?.handle, wkbPolygon, list) }
            }
            return (ds, lyr)
        } catch {
            GDALClose(ds)
            throw error
        }
    }

    /// The fields written after `label` and `patch`, in order.
    public static let fields: [(String, VectorTable.FieldType)] = [
        ("class", .integer), ("class_name", .string), ("zone", .string), ("area_m2", .real), ("area_ha", .real),
    ]

    /// The modification date recorded in the GeoPackage (`gpkg_contents.last_change`):
    /// fixed, so that two runs on the same inputs write the same bytes.
    static let fixedDate = "2000-01-01T00:00:00.000Z"

    /// Polygonizes band 1 of `labels` (0 = no patch) into a new GeoPackage
    /// `path`, layer `layer`, and burns the patch ids into a new Int32 GeoTIFF
    /// `patchRaster` on the same grid. With `eightConnected`, pixels touching at a
    /// corner are one patch (`warn`'s hotspots). Returns the number of patches.
    @discardableResult
    ///
    /// `moreFields`: string fields added after ``fields``.
    public static func polygonize(labels: String, into path: String, layer: String, patchRaster: String,
                                  eightConnected: Bool = false, moreFields: [String] = []) throws -> Int {
        try polygonize(labels: labels, into: path, layer: layer, patchRaster: Optional(patchRaster), eightConnected: eightConnected,
                       moreFields: moreFields)
    }

    /// Polygonizes band 1 of `labels` as above without burning the patch ids
    /// back: ``forEachPixelRun(_:layer:grid:_:)`` gives each patch's pixels
    /// from its polygon (GDAL's rasterize costs about 150 µs a polygon, minutes
    /// for the half million patches of a noisy 6000 x 6000 change map).
    @discardableResult
    public static func polygonize(labels: String, into path: String, layer: String, eightConnected: Bool = false,
                                  moreFields: [String] = []) throws -> Int {
        try polygonize(labels: labels, into: path, layer: layer, patchRaster: nil, eightConnected: eightConnected, moreFields: moreFields)
    }

    private static func polygonize(labels: String, into path: String, layer: String, patchRaster: String?,
                                   eightConnected: Bool, moreFields: [String]) throws -> Int {
        GDALEnvironment.initialize()
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        let source = try Dataset.open(labels)
        let band = try source.band(1)
        let grid = source.grid
        // Without a burn, the caller reads the polygons for their pixels: no spatial index.
        let (ds, lyr) = try createPolygonLayer(driver: "GPKG", path: path, layer: layer, crsWKT: grid.crsWKT,
                                               options: patchRaster == nil ? ["SPATIAL_INDEX=NO"] : [])
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        try VectorTable.addFields([("label", VectorTable.FieldType.integer), ("patch", .integer)] + fields + moreFields.map { ($0, .string) },
                                  to: lyr, path: path)
        _ = OGR_L_StartTransaction(lyr)
        let handle = try GDALErrors.check("cannot read \(labels)") { GDALGetRasterBand(source.liveHandle, 1) }
        _ = band
        try CStringList.withList(eightConnected ? ["8CONNECTED=8"] : []) { list in
            try GDALErrors.check("cannot polygonize \(labels)") {
                // The band is its own mask: label 0 makes no polygon.
                GDALPolygonize(handle, handle, lyr, 0, list, nil, nil)
            }
        }
        guard let patchRaster else {
            // patch = the feature id (not written here).
            let count = Int(OGR_L_GetFeatureCount(lyr, 1))
            try GDALErrors.commit(lyr, "cannot write \(path)")
            try source.close()
            closed = true
            let (_, collector) = GDALErrors.capture { GDALClose(ds) }
            if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
            return count
        }
        // patch = the feature id (GeoPackage ids run 1...n).
        let patchIndex = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "patch")
        OGR_L_ResetReading(lyr)
        var count = 0
        while let f = OGR_L_GetNextFeature(lyr) {
            defer { OGR_F_Destroy(f) }
            let fid = OGR_F_GetFID(f)
            guard fid > 0, fid < Int64(Int32.max) else { throw GDALError("cannot number the patches of \(labels)", messages: ["feature id \(fid)"]) }
            OGR_F_SetFieldInteger64(f, patchIndex, fid)
            guard OGR_L_SetFeature(lyr, f) == OGRERR_NONE else { throw GDALError("cannot number the patches of \(path)") }
            count += 1
        }
        try GDALErrors.commit(lyr, "cannot write \(path)")
        try burn(ds, field: "patch", layer: layer, onto: grid, output: patchRaster, describing: path)
        try source.close()
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        return count
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
        try burn(src, field: field, layer: String(cString: OGR_L_GetName(layer)), onto: grid, output: output, describing: vector)
    }

    /// Burns `field` of `layer` of the open vector dataset `ds` into a new tiled Int32 GeoTIFF on `grid`.
    static func burn(_ ds: GDALDatasetH, field: String, layer: String, onto grid: Grid, output: String, describing vector: String) throws {
        var options = CreationOptions()
        options.set("TILED", "YES")
        options.set("COMPRESS", "DEFLATE")
        let out = try Dataset.create(output, width: grid.width, height: grid.height, bands: 1, type: .int32, options: options)
        try out.setGeoreferencing(from: grid)
        try CStringList.withList(["-a", field, "-l", layer]) { list in
            let opts = try GDALErrors.check("invalid rasterize options") { GDALRasterizeOptionsNew(list, nil) }
            defer { GDALRasterizeOptionsFree(opts) }
            _ = try GDALErrors.check("cannot rasterize \(vector)") { GDALRasterize(nil, out.liveHandle, ds, opts, nil) }
        }
        try out.close()
    }

    /// Writes the polygons of `source` (a layer made by ``polygonize(labels:into:layer:patchRaster:eightConnected:)``)
    /// whose `patch` is in `order`, in that order, with `rows[pid]` as attributes,
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
        let pidIndex = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(srcLayer), "patch")
        OGR_L_ResetReading(srcLayer)
        while let f = OGR_L_GetNextFeature(srcLayer) {
            defer { OGR_F_Destroy(f) }
            let pid = Int(OGR_F_GetFieldAsInteger(f, pidIndex))
            if rows[pid] != nil, let g = OGR_F_GetGeometryRef(f), let copy = OGR_G_Clone(g) { geometries[pid] = copy }
        }
        let srs = OGR_L_GetSpatialRef(srcLayer)
        // The GeoPackage's last_change fixed, as the patch layers': the same inputs give the same bytes.
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        for (path, driver, options) in [(gpkg, "GPKG", [String]()), (geojson, "GeoJSON", ["RFC7946=YES", "WRITE_NAME=NO"])] {
            guard let drv = GDALGetDriverByName(driver) else { throw GDALError("GDAL has no \(driver) driver") }
            let ds = try GDALErrors.check("cannot create \(path)") { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil) }
            var closed = false
            defer { if !closed { GDALClose(ds) } }
            let lyr = try CStringList.withList(options) { list in
                try GDALErrors.check("cannot create layer \(layer) in \(path)") { GDALDatasetCreateLayer(ds, layer, srs, wkbMultiPolygon, list) }
            }
            try VectorTable.addFields(columns, to: lyr, path: path)
            let defn = OGR_L_GetLayerDefn(lyr)
            _ = OGR_L_StartTransaction(lyr)
            for pid in order {
                guard let values = rows[pid], let g = geometries[pid], let f = OGR_F_Create(defn) else { continue }
                defer { OGR_F_Destroy(f) }
                VectorTable.set(values, on: f)
                _ = OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(OGR_G_Clone(g)))
                let (err, collector) = GDALErrors.capture { OGR_L_CreateFeature(lyr, f) }
                guard err == OGRERR_NONE else { throw GDALError("cannot write a feature to \(path)", messages: collector.failures) }
            }
            // GeoJSON's driver has no transactions (its commit fails; its file is written at the close).
            if driver == "GeoJSON" { _ = OGR_L_CommitTransaction(lyr) } else { try GDALErrors.commit(lyr, "cannot write \(path)") }
            closed = true
            let (_, collector) = GDALErrors.capture { GDALClose(ds) }
            if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        }
    }

    /// Calls `run(patch, row, columns)` for every run of pixels along a row of
    /// every polygon of `layer` in the GeoPackage `path`, on `grid`, with the
    /// polygon's feature id as `patch`: the pixels whose centres lie inside the
    /// polygon (the pixels GDAL's rasterize burns), found by an even-odd
    /// scanline through the pixel centres over all of its rings. The rings must
    /// lie on pixel edges (as ``polygonize(labels:into:layer:eightConnected:)``
    /// makes them), else a GDAL error.
    public static func forEachPixelRun(_ path: String, layer: String, grid: Grid,
                                       _ run: (_ patch: Int, _ row: Int, _ columns: Range<Int>) throws -> Void) throws {
        GDALEnvironment.initialize()
        let ds = try GDALErrors.check("cannot open \(path)") { GDALOpenEx(path, UInt32(GDAL_OF_VECTOR), nil, nil, nil) }
        defer { GDALClose(ds) }
        guard let lyr = GDALDatasetGetLayerByName(ds, layer) else { throw GDALError("no layer \(layer) in \(path)") }
        let toPixel = try PixelEdges(grid: grid, describing: path)
        var edges: [PixelEdges.Edge] = [], xs: [Double] = [], ys: [Double] = []
        OGR_L_ResetReading(lyr)
        while let f = OGR_L_GetNextFeature(lyr) {
            defer { OGR_F_Destroy(f) }
            guard let g = OGR_F_GetGeometryRef(f) else { continue }
            let patch = Int(OGR_F_GetFID(f))
            edges.removeAll(keepingCapacity: true)
            try toPixel.collect(g, into: &edges, xs: &xs, ys: &ys)
            try toPixel.scan(edges) { row, columns in try run(patch, row, columns) }
        }
    }
}

/// The vertical edges of pixel-edge polygons in pixel coordinates, and the
/// even-odd scanline over them (``PatchPolygons/forEachPixelRun(_:layer:grid:field:_:)``).
struct PixelEdges {
    /// A vertical edge at column boundary `x` from row boundary `top` to `bottom` (exclusive).
    struct Edge { var x: Int; var top: Int; var bottom: Int }

    let origin: (x: Double, y: Double)
    let inverse: (a: Double, b: Double, d: Double, e: Double)
    let width: Int, height: Int
    let path: String

    init(grid: Grid, describing path: String) throws {
        let c = grid.geoTransform?.coefficients ?? [0, 1, 0, 0, 0, 1]
        let det = c[1] * c[5] - c[2] * c[4]
        guard det != 0, det.isFinite else { throw GDALError("\(path): the grid's geotransform cannot be inverted") }
        origin = (c[0], c[3])
        inverse = (c[5] / det, -c[2] / det, -c[4] / det, c[1] / det)
        width = grid.width
        height = grid.height
        self.path = path
    }

    /// A coordinate on a pixel edge as its integer edge index.
    private func edgeIndex(_ v: Double) throws -> Int {
        let r = v.rounded()
        guard abs(v - r) <= 1e-6, abs(r) < 1e9 else { throw GDALError("\(path): a polygon vertex is not on a pixel corner (\(v))") }
        return Int(r)
    }

    /// Appends the vertical edges of every ring of `g` (a polygon, multipolygon or ring).
    func collect(_ g: OGRGeometryH, into edges: inout [Edge], xs: inout [Double], ys: inout [Double]) throws {
        let n = Int(OGR_G_GetPointCount(g))
        if n == 0 {
            for i in 0..<OGR_G_GetGeometryCount(g) {
                if let sub = OGR_G_GetGeometryRef(g, i) { try collect(sub, into: &edges, xs: &xs, ys: &ys) }
            }
            return
        }
        if xs.count < n { xs = [Double](repeating: 0, count: n); ys = xs }
        let stride = Int32(MemoryLayout<Double>.stride)
        xs.withUnsafeMutableBytes { x in ys.withUnsafeMutableBytes { y in
            _ = OGR_G_GetPoints(g, x.baseAddress, stride, y.baseAddress, stride, nil, 0)
        } }
        var previous: (Int, Int)?
        for i in 0..<n {
            let dx = xs[i] - origin.x, dy = ys[i] - origin.y
            let p = (try edgeIndex(inverse.a * dx + inverse.b * dy), try edgeIndex(inverse.d * dx + inverse.e * dy))
            if let q = previous, q.1 != p.1 {
                guard q.0 == p.0 else { throw GDALError("\(path): a polygon edge is not along pixel edges") }
                edges.append(Edge(x: p.0, top: min(q.1, p.1), bottom: max(q.1, p.1)))
            }
            previous = p
        }
    }

    /// Calls `run(row, columns)` for each run of pixel centres inside the
    /// edges (even-odd), clipped to the grid, row by row from the top.
    func scan(_ edges: [Edge], _ run: (_ row: Int, _ columns: Range<Int>) throws -> Void) throws {
        var sorted = edges, active: [Edge] = [], crossings: [Int] = []
        try scan(&sorted, active: &active, crossings: &crossings, run)
    }

    /// The same, sorting `edges` in place and working in `active` and `crossings` (emptied first), so that a caller
    /// scanning patch after patch allocates nothing.
    func scan(_ sorted: inout [Edge], active: inout [Edge], crossings: inout [Int],
              _ run: (_ row: Int, _ columns: Range<Int>) throws -> Void) throws {
        guard !sorted.isEmpty else { return }
        sorted.sort { $0.top < $1.top }
        active.removeAll(keepingCapacity: true)
        var next = 0
        var row = sorted[0].top
        var last = sorted[0].bottom
        for e in sorted where e.bottom > last { last = e.bottom }
        while row < last {
            while next < sorted.count, sorted[next].top <= row { active.append(sorted[next]); next += 1 }
            active.removeAll { $0.bottom <= row }
            if active.isEmpty, next < sorted.count { row = sorted[next].top; continue }
            if row >= 0, row < height {
                crossings.removeAll(keepingCapacity: true)
                for e in active { crossings.append(e.x) }
                crossings.sort()
                var k = 0
                while k + 1 < crossings.count {
                    let lo = max(0, crossings[k]), hi = min(width, crossings[k + 1])
                    if lo < hi { try run(row, lo..<hi) }
                    k += 2
                }
            }
            row += 1
        }
    }
}
