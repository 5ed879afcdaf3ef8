import CGDAL
import Foundation
import KubuqiRaster

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
    /// The labels are read a strip of rows at a time and polygonized in one pass (``RowPolygonizer``: the
    /// polygons of GDAL 3.6's `GDALPolygonize`, 4-connected, the band its own mask, with the same rings,
    /// corners and order, in memory that does not grow with the raster's height; GDAL's own keeps two maps of
    /// every row fragment of the raster, about 50 MB at 2000 x 2000 and 200 MB at 4000 x 4000 for a noisy
    /// class map, docs/benchmarks.md). The labels must be integers (0 = no patch). Each polygon gets its
    /// patch id (1, 2, ... in polygonize's order, which is also its GeoPackage feature id) and
    /// `attributes(label, patch, runs)` its fields from its label and its pixels (`runs`: the pixels
    /// whose centres lie inside it, as ``forEachPixelRun(_:layer:grid:_:)`` gives them). The
    /// GeoPackage is written in one transaction and its spatial index built once at the end, packed
    /// (``GeoPackageRTree``: up to `indexBulkLimit` boxes, default ``GeoPackageRTree/bulkLimit``, packed in
    /// memory; a larger layer's from sorted runs of that many spilled to the scratch file `scratch`.rtree,
    /// removed at the end, so memory stays bounded).
    /// (Polygonizing into the GeoPackage, reading it back for the pixels and rewriting every row
    /// with its fields took three passes through SQLite; docs/benchmarks.md, "ldn".)
    /// Returns the number of patches.
    @discardableResult
    public static func polygonizeOnce(labels: String, into path: String, layer: String, grid: Grid, scratch: String,
                                      moreFields: [String] = [], indexBulkLimit: Int? = nil,
                                      attributes: (_ label: Int, _ patch: Int, _ runs: [PixelRun]) throws -> Attributes) throws -> Int {
        GDALEnvironment.initialize()
        let source = try Dataset.open(labels)
        let band = try GDALErrors.check("cannot read \(labels)") { GDALGetRasterBand(source.liveHandle, 1) }
        guard Int(GDALGetRasterBandXSize(band)) == grid.width, Int(GDALGetRasterBandYSize(band)) == grid.height else {
            throw GDALError("\(labels) is not on the grid of the patches (\(grid.width) x \(grid.height))")
        }
        // GDAL's polygonize places the corners by the labels' own geotransform (the identity without one).
        var transform = [0.0, 1, 0, 0, 0, 1]
        if GDALGetGeoTransform(source.liveHandle, &transform) != CE_None { transform = [0.0, 1, 0, 0, 0, 1] }
        let count = try polygonizeOnce(rows: { row in try readLabelRows(band, width: grid.width, height: grid.height, describing: labels, row) },
                                       into: path, layer: layer, grid: grid, transform: transform, scratch: scratch, moreFields: moreFields,
                                       indexBulkLimit: indexBulkLimit, attributes: attributes)
        try source.close()
        return count
    }

    /// The same from labels pushed row by row rather than read from a raster: `rows(row)` calls `row` with each of the
    /// grid's rows of labels from the top (`grid.height` rows of `grid.width`; 0 = no patch), on this thread (a pass
    /// computing them hands them over through a reorder buffer, ``LabelRowFeeder`` in KubuqiMonitorKit); `transform`
    /// places the corners (GDAL's order of operations; the grid's geotransform, else the identity, when nil). The
    /// GeoPackage is the one the raster of the same labels gives.
    @discardableResult
    public static func polygonizeOnce(rows: ((UnsafeBufferPointer<Int32>) throws -> Void) throws -> Void, into path: String, layer: String,
                                      grid: Grid, transform: [Double]? = nil, scratch: String, moreFields: [String] = [], indexBulkLimit: Int? = nil,
                                      attributes: (_ label: Int, _ patch: Int, _ runs: [PixelRun]) throws -> Attributes) throws -> Int {
        GDALEnvironment.initialize()
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        let transform = transform ?? grid.geoTransform?.coefficients ?? [0.0, 1, 0, 0, 0, 1]
        let (ds, lyr) = try createPolygonLayer(driver: "GPKG", path: path, layer: layer, crsWKT: grid.crsWKT, options: ["SPATIAL_INDEX=NO"])
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        try VectorTable.addFields([("label", VectorTable.FieldType.integer), ("patch", .integer)] + fields + moreFields.map { ($0, .string) },
                                  to: lyr, path: path)
        // The spatial index: made empty now by GDAL, filled in one go at the end (GeoPackageRTree).
        let index = try GeoPackageRTree.begin(ds, table: layer, column: String(cString: OGR_L_GetGeometryColumn(lyr)), path: path,
                                              spill: scratch + ".rtree", limit: indexBulkLimit ?? GeoPackageRTree.bulkLimit)
        defer { Dataset.removeFile(scratch + ".rtree") }
        let toPixel = try PixelEdges(grid: grid, describing: path)
        var edges: [PixelEdges.Edge] = [], runs: [PixelRun] = []
        var patch = 0
        _ = OGR_L_StartTransaction(lyr)
        // The rows go through one prepared insert on GDAL's connection (GeoPackageRows, `table`), the geometry as a
        // GeoPackage blob made here (GeoPackageGeometry): what OGR_L_CreateFeature wrote, without a feature.
        let table = try GeoPackageRows.begin(ds, layer: lyr, table: layer, columns: columnNames(moreFields: moreFields), path: path)
        defer { table.close() }   // before the dataset's close (defers run last first)
        let srsID = table.srsID
        var extent: (minX: Double, maxX: Double, minY: Double, maxY: Double)?
        // Two threads: this one polygonizes the rows, measures the patches and encodes their geometries; another
        // indexes and inserts them, in the same order (BatchPipe).
        try BatchPipe<Row>.run(consume: { r in
            try index.add(fid: r.fid, rect: SQLiteRTreeImage.Rect(minX: r.envelope.minX, maxX: r.envelope.maxX,
                                                                   minY: r.envelope.minY, maxY: r.envelope.maxY))
            if let e = extent {
                extent = (min(e.minX, r.envelope.minX), max(e.maxX, r.envelope.maxX), min(e.minY, r.envelope.minY), max(e.maxY, r.envelope.maxY))
            } else {
                extent = r.envelope
            }
            try table.insert(fid: r.fid, geometry: r.geometry) { f in
                var ok = f.integer(0, r.label) && f.integer(1, r.fid) && f.integer(2, Int64(r.attributes.code))
                    && f.text(3, r.attributes.name) && f.text(4, r.attributes.zone, emptyIsNull: true)
                    && f.real(5, r.attributes.squareMetres) && f.real(6, r.attributes.squareMetres / 10_000)
                for (k, value) in r.attributes.more.prefix(moreFields.count).enumerated() where ok {
                    ok = f.text(7 + k, value, emptyIsNull: true)
                }
                return ok
            }
        }, discard: { _ in }) { send in
            let polygonizer = RowPolygonizer(width: grid.width)
            func write(_ p: RowPolygonizer.Patch) throws {
                patch += 1
                guard patch < 1 << 24 else { throw GDALError("more than 16777215 patches; at most 16777215 can be measured") }
                edges.removeAll(keepingCapacity: true)
                runs.removeAll(keepingCapacity: true)
                toPixel.collect(p.rings, into: &edges)
                try toPixel.scan(edges) { row, columns in runs.append((row, columns)) }
                let label = Int(p.label)
                let a = try attributes(label, patch, runs)
                let (blob, envelope) = GeoPackageGeometry.polygon(p.rings, transform: transform, srsID: srsID)
                try send(Row(fid: Int64(patch), label: Int64(label), attributes: a, geometry: blob, envelope: envelope))
            }
            var added = 0
            try withoutActuallyEscaping(rows) { rows in
                try rows { row in
                    guard row.count == grid.width, added < grid.height else { throw GDALError("\(path): a row of labels is not on the grid of the patches") }
                    added += 1
                    try polygonizer.add(row: row, emit: write)
                }
            }
            guard added == grid.height else { throw GDALError("\(path): \(added) rows of labels for a grid of \(grid.height)") }
            try polygonizer.finish(emit: write)
        }
        try table.finish(count: patch, extent: extent)
        table.close()
        guard OGR_L_CommitTransaction(lyr) == OGRERR_NONE else { throw GDALError("cannot write \(path)") }
        try index.finish()
        closed = true
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        return patch
    }

    /// One patch as the inserting thread writes it: its fid (= `patch`), `label`, fields and geometry blob.
    struct Row {
        var fid: Int64
        var label: Int64
        var attributes: Attributes
        var geometry: [UInt8]
        var envelope: (minX: Double, maxX: Double, minY: Double, maxY: Double)
    }

    /// The columns ``polygonizeOnce(labels:into:layer:grid:scratch:moreFields:indexBulkLimit:attributes:)`` writes
    /// after the fid and the geometry, in order.
    static func columnNames(moreFields: [String]) -> [String] {
        ["label", "patch"] + fields.map(\.0) + moreFields
    }

    /// Reads band `band` (`width` x `height`) as 32-bit integer labels, a strip of rows at a time (about 4 MiB),
    /// and calls `row` with each row from the top.
    static func readLabelRows(_ band: GDALRasterBandH, width: Int, height: Int, describing path: String,
                              _ row: (UnsafeBufferPointer<Int32>) throws -> Void) throws {
        let strip = max(1, min(height, (1 << 20) / max(1, width)))
        var buffer = [Int32](repeating: 0, count: strip * width)
        var y = 0
        while y < height {
            let n = min(strip, height - y)
            let err = buffer.withUnsafeMutableBytes { b in
                GDALRasterIO(band, GF_Read, 0, Int32(y), Int32(width), Int32(n), b.baseAddress, Int32(width), Int32(n), GDT_Int32, 0, 0)
            }
            guard err == CE_None else { throw GDALError("cannot read \(path)", messages: ["rows \(y)-\(y + n - 1)"]) }
            try buffer.withUnsafeBufferPointer { b in
                for r in 0..<n { try row(UnsafeBufferPointer(rebasing: b[(r * width)..<((r + 1) * width)])) }
            }
            y += n
        }
    }
}
