import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The patch GeoPackage of a class layer drawn during the pass that computes the layer (docs/publishing.md,
/// "Patches"): the pass's observer gives each finished chunk's classes and zone ids to ``observe(firstRow:firstColumn:width:classes:zone:)``,
/// which labels them as ``PatchLayer/label(code:zone:)`` does (0 for no patch) straight into a ``LabelRowFeeder``;
/// the feeder hands the rows in order to ``PatchPolygons/polygonizeOnce(rows:into:layer:grid:transform:scratch:moreFields:indexBulkLimit:attributes:)``
/// on a thread of its own, started here. No label raster is written and the class layer is not read again, so
/// the patches end with the pass instead of after it (docs/benchmarks.md, "ldn patches drawn during the pass").
///
/// The GeoPackage is the one ``PatchLayer/write(classRaster:legend:wanted:zones:units:to:layer:work:quiet:)`` writes
/// from the finished layer (the same labels, polygons, fields and feature ids). It applies to no zones or one zone
/// layer (``applies(to:)``): several overlapping layers number the combinations of zones the patch pixels fall in,
/// in sorted order, which is known only after the whole layer is seen; they keep ``PatchLayer/write(classRaster:legend:wanted:zones:units:to:layer:work:quiet:)``
/// after the pass (a survey pass, then the labels).
final class PatchDrawing: @unchecked Sendable {
    /// The GeoPackage written.
    let path: String
    private let feeder: LabelRowFeeder
    /// Class code + 8 -> wanted (codes -8...7; ``PatchLayer/wantedTable(_:)``).
    private let wanted: [Bool]
    /// The zone raster's nodata value (none: nil), which labels as no zone as PatchLayer's input reads it.
    private let zoneNodata: Float?
    private let zoned: Bool
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: Result<[Int: Double], Error>?

    /// Whether the patches split by `zones` can be drawn during the pass (no zones, or one zone layer).
    static func applies(to zones: ZoneLayer?) -> Bool { (zones?.rasters.count ?? 0) <= 1 }

    /// Starts drawing the patches of the codes `wanted` (within -8...7) of a class layer on `grid`, split by the one
    /// zone layer of `zones` (if any), into a new GeoPackage `gpkg` (layer `layer`); the polygonizing thread waits for
    /// rows. Every pixel of the grid must then be observed once, and ``finish()`` (or ``cancel()``) called.
    /// `lead`: the feeder's (``LabelRowFeeder``; its default unless given).
    init(grid: Grid, legend: [ClassLegend.Entry], wanted: Set<Int>, zones: ZoneLayer?, units: AreaUnits,
         to gpkg: String, layer: String, work: WorkFolder, lead: Int? = nil) throws {
        precondition(Self.applies(to: zones), "several zone layers are drawn after the pass (PatchLayer.write)")
        try PatchLayer.checkZoneIDs(zones)
        path = gpkg
        zoned = zones != nil
        zoneNodata = try zones.flatMap { z in try Dataset.open(z.rasters[0]).band(1).nodata.map(Float.init) }
        self.wanted = PatchLayer.wantedTable(wanted)
        feeder = LabelRowFeeder(width: grid.width, height: grid.height, lead: lead)
        let stem = PatchLayer.scratchStem(gpkg)
        let scratch = work.file("\(stem).polygons.fgb")
        let measure = PatchMeasure(grid: grid, legend: legend, zones: zones, combinations: ZoneCombinations(list: []), units: units)
        let more = PatchLayer.moreZoneFields(zones)
        let feeder = feeder
        let thread = Thread { [self] in
            let result = Result<[Int: Double], Error> {
                do {
                    try PatchPolygons.polygonizeOnce(rows: feeder.drain, into: gpkg, layer: layer, grid: grid, scratch: scratch,
                                                     moreFields: more, attributes: measure.attributes)
                } catch let e as GDALError {
                    throw PatchLayer.outputError(gpkg, e)
                }
                return measure.byCode
            }
            if case .failure = result { feeder.cancel() }   // the pass's later chunks are dropped, not waited for
            lock.withLock { outcome = result }
            done.signal()
        }
        thread.name = "kubuqi.patches"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Labels one chunk of the pass: rows of `width` pixels from grid row `firstRow` and column `firstColumn`,
    /// `classes` the class codes (NaN: nodata) and `zone` the zone layer's ids as stored (nil without zones).
    /// Called from the pass's workers, in any order.
    func observe(firstRow: Int, firstColumn: Int, width: Int, classes: UnsafeBufferPointer<Float>, zone: UnsafeBufferPointer<Float>?) {
        let rows = classes.count / width
        precondition(zoned == (zone != nil), "zone ids are given with zones, and only then")
        let wanted = wanted, nodata = zoneNodata
        feeder.deposit(rows: firstRow..<(firstRow + rows), columns: firstColumn..<(firstColumn + width)) { r, out in
            let base = (r - firstRow) * width
            for i in 0..<width {
                let id = zone.map { PatchLayer.zoneID($0[base + i], nodata: nodata) } ?? 0
                out[i] = PatchLayer.label(class: classes[base + i], zone: id, wanted: wanted)
            }
        }
    }

    /// The drawing's error once it has failed (nil while it goes on or after it succeeded): the pass's stop hook
    /// (``ChunkObserver/stopReason``), so that a failed drawing ends the pass early instead of at its end.
    var failure: Error? {
        lock.withLock {
            if case .failure(let e) = outcome { return e }
            return nil
        }
    }

    /// Waits for the polygons once the pass has ended; the area in m2 of each code's polygons, or the drawing's error.
    @discardableResult
    func finish() throws -> [Int: Double] {
        try join().get()
    }

    /// The pass failed: stops the drawing and waits for its thread (its error is not reported).
    func cancel() {
        feeder.cancel()
        _ = join()
    }

    /// Waits for the drawing's thread to end (at once if it has); any number of threads may wait, any number of times
    /// (a run's last period waits for its patches while the publisher finishes them).
    private func join() -> Result<[Int: Double], Error> {
        done.wait()
        done.signal()   // for the next waiter
        return lock.withLock { outcome! }
    }
}

/// A pass's observer that hands each chunk's classes (output `classes`) and zone ids (output `zone`, with one zone
/// layer) to a ``PatchDrawing`` (``ChangeJob``'s class pass or its sieve's last pass).
final class PatchDrawingObserver: ChunkObserver, @unchecked Sendable {
    let drawing: PatchDrawing
    let classes: Int
    let zone: Int?

    init(_ drawing: PatchDrawing, classes: Int, zone: Int?) {
        self.drawing = drawing
        self.classes = classes
        self.zone = zone
    }

    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }

    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        drawing.observe(firstRow: firstRow, firstColumn: firstColumn, width: width, classes: results[classes], zone: zone.map { results[$0] })
    }

    /// The drawing's failure stops the pass.
    var stopReason: Error? { drawing.failure }
}
