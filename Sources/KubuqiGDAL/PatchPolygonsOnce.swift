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

    /// A polygon's runs of pixels as `attributes` is lent them: valid only while it runs (the polygonizer's buffer).
    public typealias PixelRuns = UnsafeBufferPointer<PixelRun>

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
    /// `attributes(label, patch, runs)` its fields from its label and its pixels (`runs`, lent for the call: the pixels
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
                                      attributes: (_ label: Int, _ patch: Int, _ runs: PixelRuns) throws -> Attributes) throws -> Int {
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
                                      attributes: (_ label: Int, _ patch: Int, _ runs: PixelRuns) throws -> Attributes) throws -> Int {
        GDALEnvironment.initialize()
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", fixedDate)
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        let sink = try PatchRowSink(path: path, layer: layer, grid: grid, scratch: scratch, moreFields: moreFields, indexBulkLimit: indexBulkLimit)
        defer { sink.close() }
        let transform = transform ?? grid.geoTransform?.coefficients ?? [0.0, 1, 0, 0, 0, 1]
        let count = try withoutActuallyEscaping(attributes) { attributes in
            let maker = try PatchRowMaker(grid: grid, transform: transform, srsID: sink.srsID, path: path, attributes: attributes)
            // Two threads: this one polygonizes the rows, measures the patches and encodes their geometries and strings into
            // a batch of rows (maker); another indexes and inserts them, in the same order (sink; BatchPipe, 8 batches an item:
            // at most 4 x 8 batches of ``PatchRowSink/rowsPerBatch`` rows waiting, 4 x 1024 rows as before).
            try BatchPipe<RowBatch>.run(batch: 8, capacity: 4, consume: sink.insert, discard: { _ in }) { send in
                var batch = RowBatch()
                try polygonize(rows: rows, grid: grid, path: path) { p in
                    try maker.add(p, to: &batch)
                    if batch.rows.count >= sink.rowsPerBatch {
                        try send(batch)
                        batch = RowBatch()
                    }
                }
                if !batch.rows.isEmpty { try send(batch) }
            }
            return maker.patches
        }
        return try sink.finish(count: count)
    }

    /// Feeds the rows `rows` gives to a ``RowPolygonizer`` of the grid's width and hands each finished patch to `emit`,
    /// in GDAL's order; throws unless exactly the grid's rows came, each of its width (`path` names the output in messages).
    static func polygonize(rows: ((UnsafeBufferPointer<Int32>) throws -> Void) throws -> Void, grid: Grid, path: String,
                           emit: (RowPolygonizer.Patch) throws -> Void) throws {
        let polygonizer = RowPolygonizer(width: grid.width)
        var added = 0
        try withoutActuallyEscaping(rows) { rows in
            try rows { row in
                guard row.count == grid.width, added < grid.height else { throw GDALError("\(path): a row of labels is not on the grid of the patches") }
                added += 1
                try polygonizer.add(row: row, emit: emit)
            }
        }
        guard added == grid.height else { throw GDALError("\(path): \(added) rows of labels for a grid of \(grid.height)") }
        try polygonizer.finish(emit: emit)
    }

    /// Patches as the inserting thread writes them, a batch at a time: each row's numbers and where its geometry blob
    /// and strings lie in ``bytes`` (one buffer for the batch: no array or string of its own a row, which was allocated,
    /// copied into the sink's buffer, retained and released; docs/benchmarks.md, "ldn patches, session 16").
    struct RowBatch {
        /// One patch: its fid (= `patch`), `label`, class code, area, envelope and the spans of its blob and strings.
        struct Row {
            var fid: Int64, label: Int64, code: Int64
            var squareMetres: Double
            var envelope: (minX: Double, maxX: Double, minY: Double, maxY: Double)
            var geometry: Range<Int>, name: Range<Int>, zone: Range<Int>
            /// Its `moreFields` values' spans, in ``moreSpans``.
            var more: Range<Int>
        }

        var rows: [Row] = []
        /// The rows' geometry blobs and strings (UTF-8), one after another.
        var bytes: [UInt8] = []
        /// The spans in ``bytes`` of the rows' `moreFields` values.
        var moreSpans: [Range<Int>] = []

        /// Appends `text`'s UTF-8 to ``bytes``; returns its span.
        mutating func append(_ text: String) -> Range<Int> {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            return start..<bytes.count
        }
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
