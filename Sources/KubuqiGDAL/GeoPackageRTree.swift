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
/// 1. ``begin(_:table:column:path:spill:limit:)``, on the empty layer: GDAL creates the index
///    (`CreateSpatialIndex`: the R-tree table, the extension's row and its triggers, exactly as
///    without this type), then the index's triggers are set aside (dropped, their SQL kept), so
///    that inserting the features does not touch the R-tree;
/// 2. ``add(fid:geometry:)`` for each feature written: its bounding box, as the insert trigger
///    would have taken it (`ST_MinX`...; null and empty geometries are not indexed);
/// 3. ``finish()``: the boxes packed into an R-tree (``SQLiteRTreeImage``, Sort-Tile-Recursive)
///    written into the R-tree's shadow tables, each in its key's order (SQLite appends, each page is
///    written once; in the leaves' order, `_rowid` alone filled most of SQLite's page cache with misses:
///    1,553 pages written 73,978 times for 519,052 boxes), and the triggers put back with their own SQL,
///    in one transaction. The file is a standard GeoPackage whose index holds the same boxes as GDAL's
///    (SQLite's `rtreecheck` passes; `GeoPackageRTreeTests` compares both).
///
/// Memory stays bounded whatever the layer's size: packing all the boxes at once holds about 112 bytes
/// a box (the boxes, the sort orders, the node blobs and the `_rowid` rows), so a layer of more than
/// ``bulkLimit`` boxes (a budget of about 7 MiB) is packed from sorted runs of ``bulkLimit`` boxes
/// spilled to a scratch file (``SQLiteRTreeSpill``, 24 bytes a box in memory while a run fills, the
/// leaves streamed to SQLite): the same tree, row for row, as packing them all at once.
struct GeoPackageRTree {
    /// The most boxes packed in memory in one go (about 7 MiB at about 112 bytes a box); more are packed
    /// from sorted runs of this many spilled to a scratch file (about 1.5 MiB while a run fills). It was
    /// 2^19 (about 56 MiB for the 481,214 patches of the ldn benchmark's SDG layer, packed in memory);
    /// the tree is the same either way (``SQLiteRTreeSpill``), so it is sized for memory (issue 21, `patchmem`).
    static let bulkLimit = 1 << 16
    /// The feature table and its geometry column.
    let table: String, column: String
    /// The file, for messages.
    let path: String
    /// The index's triggers, as SQLite listed them (put back by ``finish()``).
    private let triggers: [(name: String, sql: String)]
    /// The node size of the R-tree SQLite created (`length(data)` of its root).
    private let nodeSize: Int
    /// The GeoPackage, open for writing (GDAL's SQLite connection).
    private let ds: GDALDatasetH
    /// The boxes added (held in memory up to the bulk limit, then in sorted runs in a scratch file).
    private let boxes: SQLiteRTreeSpill

    /// The R-tree table's name (`rtree_<table>_<column>`, GeoPackage 1.2, F.3).
    var rtree: String { "rtree_\(table)_\(column)" }

    /// Creates the spatial index of the empty layer `table` of the GeoPackage `ds` (file `path`) through
    /// GDAL and sets its triggers aside; ``finish()`` must follow once the features are written. Over
    /// `limit` boxes (``bulkLimit`` unless a test sets fewer), sorted runs go to the scratch file `spill`
    /// (removed when the index is done with).
    static func begin(_ ds: GDALDatasetH, table: String, column: String, path: String, spill: String,
                      limit: Int = bulkLimit) throws -> GeoPackageRTree {
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
        return GeoPackageRTree(table: table, column: column, path: path, triggers: triggers, nodeSize: size, ds: ds,
                               boxes: SQLiteRTreeSpill(path: spill, runSize: limit))
    }

    /// Records the bounding box of feature `fid` (as its insert trigger would; nothing for a null or empty geometry).
    func add(fid: Int64, geometry: OGRGeometryH?) throws {
        guard let geometry, OGR_G_IsEmpty(geometry) == 0 else { return }
        var e = OGREnvelope()
        OGR_G_GetEnvelope(geometry, &e)
        try boxes.add(id: fid, rect: SQLiteRTreeImage.Rect(minX: e.MinX, maxX: e.MaxX, minY: e.MinY, maxY: e.MaxY))
    }

    /// Records the box `rect` of feature `fid` (the envelope of a non-empty geometry, as SQLite stores it).
    func add(fid: Int64, rect: SQLiteRTreeImage.Rect) throws {
        try boxes.add(id: fid, rect: rect)
    }

    /// Writes the R-tree of the boxes added and puts the index's triggers back, in one transaction.
    func finish() throws {
        guard GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE else { throw GDALError("cannot index \(path)") }
        do {
            try writePacked()
        } catch {
            _ = GDALDatasetRollbackTransaction(ds)
            throw error
        }
        try GDALErrors.commit(dataset: ds, "cannot index \(path)")
    }

    /// Packs the boxes added into the R-tree's tables and puts the index's triggers back, in the open transaction.
    ///
    /// The rows go through prepared statements on GDAL's own SQLite connection to the file
    /// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`; GDAL's GeoPackage driver links the system's
    /// libsqlite3, as this module does), as GDAL 3.7's bulk loader writes them.
    private func writePacked() throws {
        if boxes.count > 0 {
            guard let raw = GDALGetInternalHandle(ds, "SQLITE_HANDLE") else {
                throw GDALError("cannot index \(path)", messages: ["GDAL gives no SQLite connection to it"])
            }
            let db = OpaquePointer(raw)
            // The empty root SQLite made gives way to the packed tree's.
            try Self.execute(ds, "DELETE FROM \(Self.identifier(rtree + "_node"))", path: path)
            let node = try Statement(db, "INSERT INTO \(Self.identifier(rtree + "_node")) VALUES (?, ?)", path: path)
            let parent = try Statement(db, "INSERT INTO \(Self.identifier(rtree + "_parent")) VALUES (?, ?)", path: path)
            let rowid = try Statement(db, "INSERT INTO \(Self.identifier(rtree + "_rowid")) VALUES (?, ?)", path: path)
            if boxes.spilled {
                try boxes.write(nodeSize: nodeSize, node: { try node.run($0, $1) }, parent: { try parent.run($0, $1) },
                                rowid: { try rowid.run($0, $1) })
            } else {
                let image = SQLiteRTreeImage(entries: boxes.held.map { ($0.id, $0.rect) }, nodeSize: nodeSize)
                for n in image.nodes { try node.run(n.number, n.data) }
                for p in image.parents { try parent.run(p.node, p.parent) }
                for r in image.rowids { try rowid.run(r.id, r.node) }
            }
        }
        for t in triggers { try Self.execute(ds, t.sql, path: path) }
    }

    /// A prepared insert of two values (finalized when it goes).
    private final class Statement {
        let db: OpaquePointer, statement: OpaquePointer, path: String

        init(_ db: OpaquePointer, _ sql: String, path: String) throws {
            var s: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
                throw GDALError("cannot index \(path)", messages: [String(cString: sqlite3_errmsg(db))])
            }
            self.db = db
            statement = s
            self.path = path
        }

        deinit { sqlite3_finalize(statement) }

        /// Inserts (a, b).
        func run(_ a: Int64, _ b: Int64) throws {
            sqlite3_reset(statement)
            try check(sqlite3_bind_int64(statement, 1, a) == SQLITE_OK && sqlite3_bind_int64(statement, 2, b) == SQLITE_OK)
        }

        /// Inserts (a, blob).
        func run(_ a: Int64, _ blob: [UInt8]) throws {
            sqlite3_reset(statement)
            let bound = blob.withUnsafeBytes { b in sqlite3_bind_blob(statement, 2, b.baseAddress, Int32(b.count), GeoPackageRTree.transient) }
            try check(sqlite3_bind_int64(statement, 1, a) == SQLITE_OK && bound == SQLITE_OK)
        }

        private func check(_ bound: Bool) throws {
            guard bound, sqlite3_step(statement) == SQLITE_DONE else {
                throw GDALError("cannot index \(path)", messages: [String(cString: sqlite3_errmsg(db))])
            }
        }
    }

    /// SQLite copies a bound blob (SQLITE_TRANSIENT).
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

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
