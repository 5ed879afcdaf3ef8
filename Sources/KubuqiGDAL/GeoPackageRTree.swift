import CGDAL
import CSQLite3

/// The spatial index of one GeoPackage layer (the `gpkg_rtree_index` extension: an SQLite R-tree
/// of the features' bounding boxes, kept current by triggers), filled in one go after the features
/// are written instead of feature by feature.
///
/// GDAL 3.6 fills the index with SQLite's own inserts (one R*-tree insert a feature, about 10 µs:
/// 4.9 CPU-s for the 481,214 patches of the ldn benchmark's SDG layer, half of the patch layer's
/// cost; docs/benchmarks.md, "ldn patches"); GDAL 3.7 and later bulk-load it instead
/// (`sqlite_rtree_bulk_load.c`), as this does on 3.6:
/// 1. ``begin(_:table:column:path:)``, on the empty layer: GDAL creates the index
///    (`CreateSpatialIndex`: the R-tree table, the extension's row and its triggers, exactly as
///    without this type), then the index's triggers are set aside (dropped, their SQL kept), so
///    that inserting the features does not touch the R-tree;
/// 2. ``add(fid:geometry:)`` for each feature written: its bounding box, as the insert trigger
///    would have taken it (`ST_MinX`...; null and empty geometries are not indexed);
/// 3. ``finish(_:)``: the boxes packed into an R-tree (``SQLiteRTreeImage``, Sort-Tile-Recursive)
///    written into the R-tree's shadow tables, and the triggers put back with their own SQL, in one
///    transaction. The file is a standard GeoPackage whose index holds the same boxes as GDAL's
///    (SQLite's `rtreecheck` passes; `GeoPackageRTreeTests` compares both).
///
/// Memory stays bounded whatever the layer's size: packing holds about 112 bytes a box (the boxes, the
/// sort orders, the node blobs and the `_rowid` rows). A layer of more than ``bulkLimit`` boxes (a
/// budget of about 64 MiB) has its first ``bulkLimit`` boxes packed and written as soon as they are
/// added, and its triggers put back then, so that SQLite's own inserts index the rest one by one, as
/// GDAL 3.6 does for the whole layer (the same entries, a tree of another shape).
struct GeoPackageRTree {
    /// The most boxes packed in one go: about 64 MiB at about 112 bytes a box.
    static let bulkLimit = 1 << 19
    /// The feature table and its geometry column.
    let table: String, column: String
    /// The file, for messages.
    let path: String
    /// The index's triggers, as SQLite listed them (put back by ``finish(_:)``).
    private let triggers: [(name: String, sql: String)]
    /// The node size of the R-tree SQLite created (`length(data)` of its root).
    private let nodeSize: Int
    /// The GeoPackage, open for writing (GDAL's SQLite connection).
    private let ds: GDALDatasetH
    /// The most boxes packed in one go (``bulkLimit`` unless a test sets fewer).
    private let limit: Int
    /// The boxes added, by feature id, until they are written.
    private var entries: [(id: Int64, rect: SQLiteRTreeImage.Rect)] = []
    /// Whether the packed boxes are written and the triggers back (the rest indexed by SQLite's inserts).
    private var written = false

    /// The R-tree table's name (`rtree_<table>_<column>`, GeoPackage 1.2, F.3).
    var rtree: String { "rtree_\(table)_\(column)" }

    /// Creates the spatial index of the empty layer `table` of the GeoPackage `ds` (file `path`) through
    /// GDAL and sets its triggers aside; ``finish(_:)`` must follow once the features are written.
    static func begin(_ ds: GDALDatasetH, table: String, column: String, path: String, limit: Int = bulkLimit) throws -> GeoPackageRTree {
        precondition(limit > 0, "an R-tree bulk limit must be positive")
        try execute(ds, "SELECT CreateSpatialIndex(\(literal(table)), \(literal(column)))", path: path)
        let rtree = "rtree_\(table)_\(column)"
        var triggers: [(String, String)] = []
        try query(ds, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = \(literal(table)) ORDER BY rowid", path: path) {
            if $0[0].hasPrefix(rtree + "_") { triggers.append(($0[0], $0[1])) }
        }
        guard !triggers.isEmpty else { throw GDALError("cannot index \(path)", messages: ["GDAL made no spatial index triggers for \(table)"]) }
        var size = 0
        try query(ds, "SELECT length(data) FROM \(identifier(rtree + "_node")) WHERE nodeno = 1", path: path) { size = Int($0[0]) ?? 0 }
        guard size >= 4 + 2 * SQLiteRTreeImage.cellBytes else { throw GDALError("cannot index \(path)", messages: ["unexpected R-tree node size \(size)"]) }
        for t in triggers { try execute(ds, "DROP TRIGGER \(identifier(t.0))", path: path) }
        return GeoPackageRTree(table: table, column: column, path: path, triggers: triggers, nodeSize: size, ds: ds, limit: limit)
    }

    /// Records the bounding box of feature `fid` (as its insert trigger would; nothing for a null or empty geometry),
    /// to be called before the feature is inserted. The ``bulkLimit``-th box writes the packed tree and puts the
    /// triggers back (inside the caller's open transaction), so the insert triggers index this feature and the rest.
    mutating func add(fid: Int64, geometry: OGRGeometryH?) throws {
        guard !written, let geometry, OGR_G_IsEmpty(geometry) == 0 else { return }
        var e = OGREnvelope()
        OGR_G_GetEnvelope(geometry, &e)
        guard entries.count < limit else {
            try writePacked()
            written = true
            entries = []
            return
        }
        entries.append((fid, SQLiteRTreeImage.Rect(minX: e.MinX, maxX: e.MaxX, minY: e.MinY, maxY: e.MaxY)))
    }

    /// Writes the R-tree of the boxes added and puts the index's triggers back, in one transaction
    /// (nothing left to do when a layer over ``bulkLimit`` boxes had it done already).
    mutating func finish() throws {
        guard !written else { return }
        guard GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE else { throw GDALError("cannot index \(path)") }
        do {
            try writePacked()
        } catch {
            _ = GDALDatasetRollbackTransaction(ds)
            throw error
        }
        guard GDALDatasetCommitTransaction(ds) == OGRERR_NONE else { throw GDALError("cannot index \(path)") }
        written = true
        entries = []
    }

    /// Packs the boxes added into the R-tree's tables and puts the index's triggers back, in the open transaction.
    ///
    /// The rows go through prepared statements on GDAL's own SQLite connection to the file
    /// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`; GDAL's GeoPackage driver links the system's
    /// libsqlite3, as this module does), as GDAL 3.7's bulk loader writes them.
    private func writePacked() throws {
        let image = SQLiteRTreeImage(entries: entries, nodeSize: nodeSize)
        if !image.nodes.isEmpty {
            guard let raw = GDALGetInternalHandle(ds, "SQLITE_HANDLE") else {
                throw GDALError("cannot index \(path)", messages: ["GDAL gives no SQLite connection to it"])
            }
            let db = OpaquePointer(raw)
            // The empty root SQLite made gives way to the packed tree's.
            try Self.execute(ds, "DELETE FROM \(Self.identifier(rtree + "_node"))", path: path)
            try insert(db, "INSERT INTO \(Self.identifier(rtree + "_node")) VALUES (?, ?)", rows: image.nodes.count) { stmt, i in
                sqlite3_bind_int64(stmt, 1, image.nodes[i].number)
                return image.nodes[i].data.withUnsafeBytes { b in
                    sqlite3_bind_blob(stmt, 2, b.baseAddress, Int32(b.count), Self.transient)
                }
            }
            try insert(db, "INSERT INTO \(Self.identifier(rtree + "_parent")) VALUES (?, ?)", rows: image.parents.count) { stmt, i in
                sqlite3_bind_int64(stmt, 1, image.parents[i].node)
                return sqlite3_bind_int64(stmt, 2, image.parents[i].parent)
            }
            try insert(db, "INSERT INTO \(Self.identifier(rtree + "_rowid")) VALUES (?, ?)", rows: image.rowids.count) { stmt, i in
                sqlite3_bind_int64(stmt, 1, image.rowids[i].id)
                return sqlite3_bind_int64(stmt, 2, image.rowids[i].node)
            }
        }
        for t in triggers { try Self.execute(ds, t.sql, path: path) }
    }

    /// SQLite copies a bound blob (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Runs the prepared `sql` once per row, its parameters bound by `bind(statement, row)`.
    private func insert(_ db: OpaquePointer, _ sql: String, rows: Int, bind: (OpaquePointer, Int) -> Int32) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw GDALError("cannot index \(path)", messages: [String(cString: sqlite3_errmsg(db))])
        }
        defer { sqlite3_finalize(statement) }
        for i in 0..<rows {
            sqlite3_reset(statement)
            guard bind(statement, i) == SQLITE_OK, sqlite3_step(statement) == SQLITE_DONE else {
                throw GDALError("cannot index \(path)", messages: [String(cString: sqlite3_errmsg(db))])
            }
        }
    }

    /// An SQL string literal.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    /// An SQL identifier.
    static func identifier(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Runs one SQL statement on `ds` (GDAL's SQLite, as written); any GDAL failure is an error.
    static func execute(_ ds: GDALDatasetH, _ sql: String, path: String) throws {
        let (result, collector) = GDALErrors.capture { GDALDatasetExecuteSQL(ds, sql, nil, nil) }
        if let result { GDALDatasetReleaseResultSet(ds, result) }
        if !collector.failures.isEmpty { throw GDALError("cannot index \(path)", messages: collector.failures) }
    }

    /// Runs a query on `ds` and calls `row` with each row's fields as text.
    static func query(_ ds: GDALDatasetH, _ sql: String, path: String, _ row: ([String]) -> Void) throws {
        let (result, collector) = GDALErrors.capture { GDALDatasetExecuteSQL(ds, sql, nil, nil) }
        defer { if let result { GDALDatasetReleaseResultSet(ds, result) } }
        if !collector.failures.isEmpty { throw GDALError("cannot index \(path)", messages: collector.failures) }
        guard let result else { return }
        let count = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(result))
        while let f = OGR_L_GetNextFeature(result) {
            defer { OGR_F_Destroy(f) }
            row((0..<count).map { OGR_F_IsFieldSetAndNotNull(f, $0) != 0 ? String(cString: OGR_F_GetFieldAsString(f, $0)) : "" })
        }
    }
}
