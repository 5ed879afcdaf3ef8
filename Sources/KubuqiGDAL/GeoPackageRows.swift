import CGDAL
import CSQLite3

/// The rows of one GeoPackage feature table inserted through one prepared SQLite statement on GDAL's own
/// connection to the file, instead of an `OGRFeature` a row through `OGR_L_CreateFeature` (GDAL 3.6's
/// GeoPackage driver: the inserting thread took about 3.9 µs a row for the ldn patch layers, 2.5 µs this
/// way, besides the features built and freed; docs/benchmarks.md, "ldn patch writing").
///
/// GDAL still makes the file: the layer, its table, fields, `gpkg_*` metadata and the spatial index's
/// tables (``GeoPackageRTree``); this type only inserts rows and keeps the metadata GDAL keeps for them, as
/// GDAL does on a bulk insert:
/// 1. ``begin(_:table:columns:path:)`` (the table made): the `feature_count` triggers of `gpkg_ogr_contents`
///    set aside (dropped, their SQL kept; GDAL's `DisableFeatureCountTriggers`);
/// 2. ``insert(rows:_:)`` for each batch of rows: one statement of up to ``batch`` rows (`VALUES (...), (...)`), each
///    row's `fid`, geometry blob (``GeoPackageGeometry``) and fields bound by index, inside the caller's transaction
///    (one statement a row ran the table's `AUTOINCREMENT` bookkeeping, a read and a rewrite of `sqlite_sequence`,
///    and the statement's start and end for every row);
/// 3. ``finish(count:extent:)``: `gpkg_ogr_contents.feature_count` and the extent of `gpkg_contents` set as
///    GDAL sets them when it closes the layer, and the triggers put back with their own SQL.
final class GeoPackageRows {
    /// The table and the file (for messages).
    let table: String, path: String
    /// The `srs_id` of the table's geometry column (`gpkg_geometry_columns`), for the blobs' headers.
    let srsID: Int32
    /// The most rows one statement inserts.
    let batch: Int
    private let ds: GDALDatasetH
    private let db: OpaquePointer
    /// The insert's SQL without its values, and one row's `(?, ...)`.
    private let head: String, values: String
    /// Columns a row binds (fid, geometry, fields).
    private let width: Int
    /// The prepared inserts by their number of rows (``batch`` and, for the last rows, fewer).
    private var statements: [Int: OpaquePointer] = [:]
    private let triggers: [(name: String, sql: String)]

    private init(ds: GDALDatasetH, db: OpaquePointer, head: String, width: Int, batch: Int, table: String, path: String, srsID: Int32,
                 triggers: [(name: String, sql: String)]) {
        self.ds = ds
        self.db = db
        self.head = head
        self.width = width
        values = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        self.batch = batch
        self.table = table
        self.path = path
        self.srsID = srsID
        self.triggers = triggers
    }

    deinit { close() }

    /// Finalizes the inserts (again: nothing), so that GDAL can close its connection; called before the dataset
    /// is closed (an unfinalized statement keeps SQLite's connection open).
    func close() {
        for s in statements.values { sqlite3_finalize(s) }
        statements = [:]
    }

    /// The insert of `n` rows, prepared once.
    private func statement(rows n: Int) throws -> OpaquePointer {
        if let s = statements[n] { return s }
        var s: OpaquePointer?
        let sql = head + Array(repeating: values, count: n).joined(separator: ", ")
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_finalize(s)
            throw GDALError("cannot write \(path)", messages: [message])
        }
        statements[n] = s
        return s
    }

    /// Prepares the insert into the feature table `table` of the GeoPackage `ds` (file `path`, open for writing,
    /// the table already created by GDAL) of its fid column, its geometry column, then `columns` in order
    /// (bound as 0, 1, 2... by ``insert(rows:_:)``), up to `batch` rows a statement (fewer when that many rows' values would pass
    /// SQLite's limit on a statement's variables: ``batch`` is what is kept), and sets the feature-count triggers aside.
    static func begin(_ ds: GDALDatasetH, layer: OGRLayerH, table: String, columns: [String], path: String, batch: Int = 64) throws -> GeoPackageRows {
        precondition(batch > 0, "a batch holds at least one row")
        guard let raw = GDALGetInternalHandle(ds, "SQLITE_HANDLE") else {
            throw GDALError("cannot write \(path)", messages: ["GDAL gives no SQLite connection to it"])
        }
        let db = OpaquePointer(raw)
        let fidColumn = String(cString: OGR_L_GetFIDColumn(layer)), geometryColumn = String(cString: OGR_L_GetGeometryColumn(layer))
        var srs = ""
        try GeoPackageRTree.query(ds, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = \(GeoPackageRTree.literal(table))",
                                  path: path) { srs = $0[0] }
        guard let srsID = Int32(srs) else { throw GDALError("cannot write \(path)", messages: ["no geometry column registered for \(table)"]) }
        let names = ([fidColumn, geometryColumn] + columns).map(GeoPackageRTree.identifier)
        let head = "INSERT INTO \(GeoPackageRTree.identifier(table)) (\(names.joined(separator: ", "))) VALUES "
        var triggers: [(String, String)] = []
        let counting = ["trigger_insert_feature_count_\(table)", "trigger_delete_feature_count_\(table)"]
        do {
            try GeoPackageRTree.query(ds, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = \(GeoPackageRTree.literal(table)) ORDER BY rowid",
                                      path: path) { if counting.contains($0[0]) { triggers.append(($0[0], $0[1])) } }
            for t in triggers { try GeoPackageRTree.execute(ds, "DROP TRIGGER \(GeoPackageRTree.identifier(t.0))", path: path) }
        }
        // A statement binds at most SQLite's `SQLITE_LIMIT_VARIABLE_NUMBER` values (999 before SQLite 3.32, 32,766 since
        // by default; Debian builds 250,000): wide rows (many zone layers' fields) go fewer to a statement.
        let variables = Int(sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
        let batch = max(1, min(batch, variables / names.count))
        let rows = GeoPackageRows(ds: ds, db: db, head: head, width: names.count, batch: batch, table: table, path: path, srsID: srsID,
                                  triggers: triggers)
        _ = try rows.statement(rows: batch)   // the SQL checked now, before any row
        return rows
    }

    /// The bindings of one row's fields (index 0 is the first of `columns`).
    struct Fields {
        fileprivate let statement: OpaquePointer
        /// The row's first parameter (its fid) less one.
        fileprivate let base: Int32
        /// Binds an integer.
        func integer(_ k: Int, _ v: Int64) -> Bool { sqlite3_bind_int64(statement, base + Int32(k + 3), v) == SQLITE_OK }
        /// Binds a double.
        func real(_ k: Int, _ v: Double) -> Bool { sqlite3_bind_double(statement, base + Int32(k + 3), v) == SQLITE_OK }
        /// Binds a string (UTF-8, copied by SQLite); an empty one as null when `emptyIsNull`.
        func text(_ k: Int, _ v: String, emptyIsNull: Bool = false) -> Bool {
            let i = base + Int32(k + 3)
            if v.isEmpty {
                return (emptyIsNull ? sqlite3_bind_null(statement, i) : sqlite3_bind_text(statement, i, "", 0, GeoPackageRows.transient)) == SQLITE_OK
            }
            var v = v
            return v.withUTF8 { b in
                b.withMemoryRebound(to: CChar.self) { c in sqlite3_bind_text(statement, i, c.baseAddress, Int32(c.count), GeoPackageRows.transient) }
            } == SQLITE_OK
        }
        /// Binds UTF-8 text `utf8` without copying it (`SQLITE_STATIC`): the bytes must stay as they are until
        /// ``GeoPackageRows/insert(rows:_:)`` returns. Empty: null when `emptyIsNull`, else the empty string (as ``text(_:_:emptyIsNull:)``).
        func text(_ k: Int, utf8: UnsafeRawBufferPointer, emptyIsNull: Bool = false) -> Bool {
            let i = base + Int32(k + 3)
            guard let p = utf8.baseAddress, !utf8.isEmpty else {
                return (emptyIsNull ? sqlite3_bind_null(statement, i) : sqlite3_bind_text(statement, i, "", 0, GeoPackageRows.transient)) == SQLITE_OK
            }
            return sqlite3_bind_text(statement, i, p.assumingMemoryBound(to: CChar.self), Int32(utf8.count), nil) == SQLITE_OK
        }
        /// Binds the row's fid.
        func fid(_ v: Int64) -> Bool { sqlite3_bind_int64(statement, base + 1, v) == SQLITE_OK }
        /// Binds the row's geometry blob (copied by SQLite).
        func geometry(_ blob: [UInt8]) -> Bool {
            blob.withUnsafeBytes { g in sqlite3_bind_blob(statement, base + 2, g.baseAddress, Int32(g.count),
                                                          GeoPackageRows.transient) == SQLITE_OK }
        }
        /// Binds the row's geometry blob `bytes` without copying it (`SQLITE_STATIC`): they must stay as they are until
        /// ``GeoPackageRows/insert(rows:_:)`` returns (no buffer of SQLite's own allocated, filled and freed a row).
        func geometry(bytes: UnsafeRawBufferPointer) -> Bool {
            sqlite3_bind_blob(statement, base + 2, bytes.baseAddress, Int32(bytes.count), nil) == SQLITE_OK
        }
    }

    /// Inserts `n` rows (1 ... ``batch``) in one statement: `bind(i, fields)` binds row i's fid (``Fields/fid(_:)``),
    /// geometry (``Fields/geometry(_:)``) and fields (column k of `columns` as k = 0, 1...; a column not bound is null).
    func insert(rows n: Int, _ bind: (Int, Fields) -> Bool) throws {
        precondition(n > 0 && n <= batch, "a batch of 1 ... \(batch) rows")
        let statement = try statement(rows: n)
        sqlite3_clear_bindings(statement)
        var done = true
        for i in 0..<n where done { done = bind(i, Fields(statement: statement, base: Int32(i * width))) }
        done = done && sqlite3_step(statement) == SQLITE_DONE
        guard done else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_reset(statement)
            throw GDALError("cannot write a feature to \(path)", messages: [message])
        }
        sqlite3_reset(statement)
    }

    /// Sets `gpkg_ogr_contents.feature_count` to `count` and the extent of `gpkg_contents` to `extent` (the rows'
    /// envelope; nothing changes when no row was inserted: GDAL's values stay), as GDAL 3.6 writes them
    /// (its `SaveExtent`: the doubles printed by SQLite's `%.18g` into the statement, which does not always
    /// read back as the same double), and puts the feature-count triggers back, in the caller's transaction.
    func finish(count: Int, extent: (minX: Double, maxX: Double, minY: Double, maxY: Double)?) throws {
        let name = GeoPackageRTree.literal(table)
        if count > 0 {
            try run("UPDATE gpkg_ogr_contents SET feature_count = \(count) WHERE lower(table_name) = lower(\(name))")
        }
        if let e = extent {
            let (minX, minY, maxX, maxY) = (Self.printed(e.minX), Self.printed(e.minY), Self.printed(e.maxX), Self.printed(e.maxY))
            try run("UPDATE gpkg_contents SET min_x = \(minX), min_y = \(minY), max_x = \(maxX), max_y = \(maxY) "
                + "WHERE lower(table_name) = lower(\(name)) AND Lower(data_type) = 'features'")
        }
        for t in triggers { try GeoPackageRTree.execute(ds, t.sql, path: path) }
    }

    /// `v` as SQLite's `sqlite3_mprintf("%.18g")` prints it.
    static func printed(_ v: Double) -> String {
        withVaList([v]) { args in
            guard let p = sqlite3_vmprintf("%.18g", args) else { return "\(v)" }
            defer { sqlite3_free(p) }
            return String(cString: p)
        }
    }

    /// Runs one SQL statement on the connection.
    private func run(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(message)
            throw GDALError("cannot write \(path)", messages: [text])
        }
    }

    /// SQLite copies a bound string (SQLITE_TRANSIENT).
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
