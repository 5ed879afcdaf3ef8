import CGDAL
import KubuqiRaster

/// The GeoPackage half of ``PatchPolygons/polygonizeOnce(rows:into:layer:grid:transform:scratch:moreFields:indexBulkLimit:attributes:)``,
/// in its steps: ``init(path:layer:grid:scratch:moreFields:indexBulkLimit:)`` makes the file (GDAL: the layer, its
/// fields, the empty spatial index) and opens one transaction and the prepared insert (``GeoPackageRows``);
/// ``insert(_:)`` takes each batch of rows (on the inserting thread), keeps their boxes for the index and the extent and
/// writes them (``GeoPackageRows/batch`` rows a statement, their blobs and strings bound from the batch's buffer);
/// ``finish(count:)`` sets the metadata, commits, packs the index (``GeoPackageRTree``) and closes the file;
/// ``close()`` (always called) lets go of whatever is still open after a failure.
final class PatchRowSink {
    /// The `srs_id` of the layer's geometry column, for the blobs' headers.
    let srsID: Int32
    private let path: String, scratch: String, moreFields: Int
    private let ds: GDALDatasetH, layer: OGRLayerH
    private let index: GeoPackageRTree
    private let table: GeoPackageRows
    private var extent: (minX: Double, maxX: Double, minY: Double, maxY: Double)?
    private var closed = false

    /// The rows a batch should hold (``PatchRowMaker`` fills them): a multiple of the statement's rows, so that only the
    /// last batch ends in a shorter statement (the rows go into the same statements as when they were taken one by one);
    /// two statements' worth, so that a batch's buffer (about 30 KB) stays below malloc's mmap threshold.
    var rowsPerBatch: Int { 2 * table.batch }

    /// Creates the GeoPackage `path` with the polygon layer `layer` on `grid`'s CRS (fields `label`, `patch`,
    /// ``PatchPolygons/fields``, then `moreFields` as strings), its spatial index spilling to `scratch`.rtree past
    /// `indexBulkLimit` boxes (default ``GeoPackageRTree/bulkLimit``), and starts the transaction of its rows.
    init(path: String, layer name: String, grid: Grid, scratch: String, moreFields: [String], indexBulkLimit: Int?) throws {
        self.path = path
        self.scratch = scratch
        self.moreFields = moreFields.count
        (ds, layer) = try PatchPolygons.createPolygonLayer(driver: "GPKG", path: path, layer: name, crsWKT: grid.crsWKT, options: ["SPATIAL_INDEX=NO"])
        do {
            try VectorTable.addFields([("label", VectorTable.FieldType.integer), ("patch", .integer)] + PatchPolygons.fields
                                      + moreFields.map { ($0, .string) }, to: layer, path: path)
            // The spatial index: made empty now by GDAL, filled in one go at the end (GeoPackageRTree).
            index = try GeoPackageRTree.begin(ds, table: name, column: String(cString: OGR_L_GetGeometryColumn(layer)), path: path,
                                              spill: scratch + ".rtree", limit: indexBulkLimit ?? GeoPackageRTree.bulkLimit)
            _ = OGR_L_StartTransaction(layer)
            // The rows go through one prepared insert on GDAL's connection (GeoPackageRows), the geometry as a GeoPackage
            // blob (GeoPackageGeometry): what OGR_L_CreateFeature wrote, without a feature.
            table = try GeoPackageRows.begin(ds, layer: layer, table: name, columns: PatchPolygons.columnNames(moreFields: moreFields), path: path)
        } catch {
            Dataset.removeFile(scratch + ".rtree")
            GDALClose(ds)
            throw error
        }
        srsID = table.srsID
    }

    /// Inserts a batch of rows (in fid order), their blobs and strings bound in place from the batch's buffer
    /// (``GeoPackageRows/Fields/geometry(bytes:)``: SQLite had copied each into a buffer of its own, `SQLITE_TRANSIENT`),
    /// and keeps their boxes for the spatial index and the layer's extent.
    func insert(_ batch: PatchPolygons.RowBatch) throws {
        try batch.bytes.withUnsafeBytes { b in
            try batch.moreSpans.withUnsafeBufferPointer { moreSpans in
                try batch.rows.withUnsafeBufferPointer { rows in
                    for r in rows {
                        try index.add(fid: r.fid, rect: SQLiteRTreeImage.Rect(minX: r.envelope.minX, maxX: r.envelope.maxX,
                                                                               minY: r.envelope.minY, maxY: r.envelope.maxY))
                        if let e = extent {
                            extent = (min(e.minX, r.envelope.minX), max(e.maxX, r.envelope.maxX), min(e.minY, r.envelope.minY),
                                      max(e.maxY, r.envelope.maxY))
                        } else {
                            extent = r.envelope
                        }
                    }
                    var first = 0
                    while first < rows.count {
                        let n = min(table.batch, rows.count - first)
                        try table.insert(rows: n) { i, f in
                            let r = rows[first + i]
                            var ok = f.fid(r.fid) && f.geometry(bytes: UnsafeRawBufferPointer(rebasing: b[r.geometry]))
                                && f.integer(0, r.label) && f.integer(1, r.fid) && f.integer(2, r.code)
                                && f.text(3, utf8: UnsafeRawBufferPointer(rebasing: b[r.name]))
                                && f.text(4, utf8: UnsafeRawBufferPointer(rebasing: b[r.zone]), emptyIsNull: true)
                                && f.real(5, r.squareMetres) && f.real(6, r.squareMetres / 10_000)
                            for (k, span) in moreSpans[r.more].prefix(moreFields).enumerated() where ok {
                                ok = f.text(7 + k, utf8: UnsafeRawBufferPointer(rebasing: b[span]), emptyIsNull: true)
                            }
                            return ok
                        }
                        first += n
                    }
                }
            }
        }
    }

    /// Ends the file once all `count` rows are in: the feature count and extent, the commit, the packed spatial index,
    /// the close (GDAL's errors at the close thrown). Returns `count`.
    func finish(count: Int) throws -> Int {
        try table.finish(count: count, extent: extent)
        table.close()
        try GDALErrors.commit(layer, "cannot write \(path)")
        try index.finish()
        closed = true
        Dataset.removeFile(scratch + ".rtree")
        let (_, collector) = GDALErrors.capture { GDALClose(ds) }
        if !collector.failures.isEmpty { throw GDALError("cannot write \(path)", messages: collector.failures) }
        return count
    }

    /// Lets go of the insert, the scratch file and the dataset if ``finish(count:)`` did not (a failure); again: nothing.
    func close() {
        guard !closed else { return }
        closed = true
        table.close()
        Dataset.removeFile(scratch + ".rtree")
        GDALClose(ds)
    }
}
