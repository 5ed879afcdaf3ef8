import CGDAL
import KubuqiRaster

/// The GeoPackage half of ``PatchPolygons/polygonizeOnce(rows:into:layer:grid:transform:scratch:moreFields:indexBulkLimit:attributes:)``,
/// in its steps: ``init(path:layer:grid:scratch:moreFields:indexBulkLimit:)`` makes the file (GDAL: the layer, its
/// fields, the empty spatial index) and opens one transaction and the prepared insert (``GeoPackageRows``);
/// ``insert(_:)`` takes each row (on the inserting thread), keeps its box for the index and the extent and writes the rows
/// a batch at a time (``GeoPackageRows/batch`` rows a statement);
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
    /// Rows taken and not yet written (fewer than the table's batch): their numbers, and where their blob and strings
    /// lie in ``bytes``.
    private var pending: [Pending] = []
    /// The pending rows' geometry blobs and strings (UTF-8), one after another: bound to the insert without a copy
    /// (``GeoPackageRows/Fields/geometry(bytes:)``), where SQLite copied each blob and string into a buffer of its own,
    /// allocated and freed a row (`SQLITE_TRANSIENT`), and each row was kept whole (its arrays and strings retained).
    private var bytes: [UInt8] = []
    /// The spans in ``bytes`` of the pending rows' `moreFields` values.
    private var moreSpans: [Range<Int>] = []
    private var closed = false

    /// A row waiting for its batch.
    private struct Pending {
        var fid: Int64, label: Int64, code: Int64
        var squareMetres: Double
        var geometry: Range<Int>, name: Range<Int>, zone: Range<Int>
        /// Its `moreFields` values' spans, in ``moreSpans``.
        var more: Range<Int>
    }

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

    /// Inserts one row and keeps its box for the spatial index and the layer's extent (rows in fid order).
    func insert(_ r: PatchPolygons.Row) throws {
        try index.add(fid: r.fid, rect: SQLiteRTreeImage.Rect(minX: r.envelope.minX, maxX: r.envelope.maxX, minY: r.envelope.minY, maxY: r.envelope.maxY))
        if let e = extent {
            extent = (min(e.minX, r.envelope.minX), max(e.maxX, r.envelope.maxX), min(e.minY, r.envelope.minY), max(e.maxY, r.envelope.maxY))
        } else {
            extent = r.envelope
        }
        let geometry = append(r.geometry), name = append(r.attributes.name), zone = append(r.attributes.zone)
        let firstMore = moreSpans.count
        for value in r.attributes.more.prefix(moreFields) { moreSpans.append(append(value)) }
        pending.append(Pending(fid: r.fid, label: r.label, code: Int64(r.attributes.code), squareMetres: r.attributes.squareMetres,
                               geometry: geometry, name: name, zone: zone, more: firstMore..<moreSpans.count))
        if pending.count >= table.batch { try flush() }
    }

    /// Appends `blob` to ``bytes``; returns its span.
    private func append(_ blob: [UInt8]) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: blob)
        return start..<bytes.count
    }

    /// Appends `text`'s UTF-8 to ``bytes``; returns its span.
    private func append(_ text: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        return start..<bytes.count
    }

    /// Writes the pending rows in one statement.
    private func flush() throws {
        guard !pending.isEmpty else { return }
        try bytes.withUnsafeBytes { b in
            try moreSpans.withUnsafeBufferPointer { moreSpans in
                try pending.withUnsafeBufferPointer { rows in
                    try table.insert(rows: rows.count) { i, f in
                        let r = rows[i]
                        var ok = f.fid(r.fid) && f.geometry(bytes: UnsafeRawBufferPointer(rebasing: b[r.geometry]))
                            && f.integer(0, r.label) && f.integer(1, r.fid) && f.integer(2, r.code)
                            && f.text(3, utf8: UnsafeRawBufferPointer(rebasing: b[r.name]))
                            && f.text(4, utf8: UnsafeRawBufferPointer(rebasing: b[r.zone]), emptyIsNull: true)
                            && f.real(5, r.squareMetres) && f.real(6, r.squareMetres / 10_000)
                        for (k, span) in moreSpans[r.more].enumerated() where ok {
                            ok = f.text(7 + k, utf8: UnsafeRawBufferPointer(rebasing: b[span]), emptyIsNull: true)
                        }
                        return ok
                    }
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        moreSpans.removeAll(keepingCapacity: true)
    }

    /// Ends the file once all `count` rows are in: the feature count and extent, the commit, the packed spatial index,
    /// the close (GDAL's errors at the close thrown). Returns `count`.
    func finish(count: Int) throws -> Int {
        try flush()
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
        pending = []
        bytes = []
        moreSpans = []
        table.close()
        Dataset.removeFile(scratch + ".rtree")
        GDALClose(ds)
    }
}
