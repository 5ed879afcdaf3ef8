import KubuqiRaster

/// The polygonizing thread's half of ``PatchPolygons/polygonizeOnce(rows:into:layer:grid:transform:scratch:moreFields:indexBulkLimit:attributes:)``:
/// numbers each finished patch (1, 2, ... in GDAL's order: its feature id), asks for its fields given its pixels (the
/// runs ``RowPolygonizer`` read off its edges) and encodes its
/// geometry blob (``GeoPackageGeometry``), making the row the inserting thread writes (``PatchRowSink``), a batch of rows at a time.
final class PatchRowMaker {
    typealias Attributes = (_ label: Int, _ patch: Int, _ runs: PatchPolygons.PixelRuns) throws -> PatchPolygons.Attributes

    /// The patches numbered so far (the last one's id).
    private(set) var patches = 0
    private let transform: [Double]
    private let srsID: Int32
    private let attributes: Attributes

    /// A maker for patches of `grid`, their corners placed by `transform` (GDAL's order of operations), blobs in the CRS
    /// `srsID`, fields from `attributes`; `path` names the output in messages.
    init(grid: Grid, transform: [Double], srsID: Int32, path: String, attributes: @escaping Attributes) throws {
        _ = try PixelEdges(grid: grid, describing: path)   // the grid's geotransform must be invertible, as before
        self.transform = transform
        self.srsID = srsID
        self.attributes = attributes
    }

    /// Appends the row of the next patch `p` to `batch`: its fields, and its geometry blob and strings written into the
    /// batch's buffer.
    func add(_ p: RowPolygonizer.Patch, to batch: inout PatchPolygons.RowBatch) throws {
        patches += 1
        guard patches < 1 << 24 else { throw GDALError("more than 16777215 patches; at most 16777215 can be measured") }
        let label = Int(p.label)
        let a = try attributes(label, patches, p.runs)
        let start = batch.bytes.count
        let envelope = GeoPackageGeometry.append(corners: p.corners, ringSizes: p.ringSizes, transform: transform, srsID: srsID, to: &batch.bytes)
        let geometry = start..<batch.bytes.count
        let name = batch.append(a.name), zone = batch.append(a.zone)
        let firstMore = batch.moreSpans.count
        for value in a.more { batch.moreSpans.append(batch.append(value)) }
        batch.rows.append(PatchPolygons.RowBatch.Row(fid: Int64(patches), label: Int64(label), code: Int64(a.code), squareMetres: a.squareMetres,
                                                     envelope: envelope, geometry: geometry, name: name, zone: zone,
                                                     more: firstMore..<batch.moreSpans.count))
    }
}
