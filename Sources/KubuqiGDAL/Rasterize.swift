import CGDAL
import Foundation
import KubuqiRaster

/// Zones of a vector layer: identified by the value of an attribute (never by
/// feature ids, which start at 0 or 1, have gaps or come in any order depending
/// on the format), burnt onto a grid as zone ids.
///
/// Zone k (k = 1, 2, ...) is the k-th distinct value of the attribute in reading
/// order; every feature with that value belongs to it. Zones that overlap (a
/// province and its districts) cannot share one raster of ids, so the zones are
/// split into *layers* of mutually non-overlapping zones (greedy colouring of the
/// overlap graph; touching along a boundary is not overlapping), and each layer is
/// burnt into its own Int32 raster (0 outside every zone of the layer).
public struct VectorZones {
    /// The layer's CRS as WKT ("" when it has none).
    public let crsWKT: String
    /// The zone names (distinct attribute values); zone id = index + 1.
    public let names: [String]
    /// Zone ids per raster layer (no two zones of a layer overlap).
    public let layers: [[Int]]
    /// Features without a value of the field (not in any zone).
    public let featuresWithoutValue: Int

    private let path: String
    private let geometries: [(zone: Int, geometry: OGRGeometryH)]
    private let owner: GeometryOwner

    /// Reads the first layer of `path`: features, their `field` values and geometries.
    public init(_ path: String, field: String) throws {
        GDALEnvironment.initialize()
        self.path = path
        let h = try GDALErrors.check("cannot open \(path) as a vector layer") {
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(h) }
        // The layers with geometry: a table without (the `layer_styles` QGIS saves into a GeoPackage) is not a zone layer.
        let spatial = (0..<Int(GDALDatasetGetLayerCount(h))).compactMap { GDALDatasetGetLayer(h, Int32($0)) }
            .filter { OGR_L_GetGeomType($0) != wkbNone }
        guard let layer = spatial.first else {
            throw GDALError("\(path) has no vector layer with geometries")
        }
        // Several layers (a GeoPackage of provinces and districts): the first was read without a word.
        if spatial.count > 1 {
            let names = spatial.map { String(cString: OGR_L_GetName($0)) }
            throw GDALError("\(path) has \(spatial.count) layers (\(names.map { "'\($0)'" }.joined(separator: ", "))); zones are read from a file of one layer: "
                            + "extract the one to use (ogr2ogr zones.gpkg \(path) LAYER)")
        }
        // No feature (a GeoJSON without features has no fields either: it was refused as lacking the field).
        if OGR_L_GetFeatureCount(layer, 1) == 0 {
            throw GDALError("\(path) has no features: there are no zones")
        }
        let defn = OGR_L_GetLayerDefn(layer)
        let fieldIndex = OGR_FD_GetFieldIndex(defn, field)
        guard fieldIndex >= 0 else {
            throw GDALError("\(path) has no field '\(field)'", messages: ["fields: \(VectorTable.fieldNames(defn).joined(separator: ", "))"])
        }
        let wkt = VectorTable.crsWKT(of: layer)
        var names: [String] = [], ids: [String: Int] = [:], withoutValue = 0
        let owner = GeometryOwner()
        var geometries: [(zone: Int, geometry: OGRGeometryH)] = []
        OGR_L_ResetReading(layer)
        var position = 0
        while let f = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(f) }
            position += 1
            guard OGR_F_IsFieldSetAndNotNull(f, fieldIndex) != 0 else { withoutValue += 1; continue }
            // A zone is an area: a point or a line was burnt as the pixels it touches (a line
            // across the grid became a zone of 255 pixels, 23 ha) and counted without a word; so was
            // a line in a geometry collection beside a polygon. (A feature without a zone value is
            // left out whatever its geometry, as before.)
            if let g = OGR_F_GetGeometryRef(f), let notArea = Self.notArea(g) {
                let type = String(cString: OGRGeometryTypeToName(OGR_G_GetGeometryType(notArea)))
                throw GDALError("\(path): feature \(position) (FID \(OGR_F_GetFID(f))) is\(notArea == g ? "" : " or holds") a \(type), not a polygon; "
                                + "zones are areas (polygons or multipolygons): remove it or buffer it first (ogr2ogr -dialect sqlite -sql \"SELECT ST_Buffer(...)\")")
            }
            let name = String(cString: OGR_F_GetFieldAsString(f, fieldIndex))
            let id: Int
            if let known = ids[name] { id = known } else { names.append(name); id = names.count; ids[name] = id }
            if let g = OGR_F_GetGeometryRef(f), OGR_G_IsEmpty(g) == 0 {
                // Coordinates of NaN or infinity (1e400 in a GeoJSON) make no area GDAL can burn: a broken file.
                var e = OGREnvelope()
                OGR_G_GetEnvelope(g, &e)
                guard [e.MinX, e.MaxX, e.MinY, e.MaxY].allSatisfy(\.isFinite) else {
                    throw GDALError("\(path): feature \(position) (FID \(OGR_F_GetFID(f)), zone '\(name)') has coordinates that are not finite numbers (NaN or infinity); fix or remove it")
                }
            }
            if let g = OGR_F_GetGeometryRef(f), OGR_G_IsEmpty(g) == 0, let copy = OGR_G_Clone(g) {
                owner.geometries.append(copy)
                geometries.append((id, copy))
            }
        }
        crsWKT = wkt
        self.names = names
        featuresWithoutValue = withoutValue
        self.geometries = geometries
        self.owner = owner
        layers = Self.layers(of: geometries, zoneCount: names.count)
    }

    /// The first non-empty part of `g` that is not an area (a point or a line; in a geometry collection, any member's),
    /// nil when every part is a polygon.
    static func notArea(_ g: OGRGeometryH) -> OGRGeometryH? {
        guard OGR_G_IsEmpty(g) == 0 else { return nil }
        if OGR_GT_Flatten(OGR_G_GetGeometryType(g)) == wkbGeometryCollection {
            for k in 0..<OGR_G_GetGeometryCount(g) {
                if let member = OGR_G_GetGeometryRef(g, k), let found = notArea(member) { return found }
            }
            return nil
        }
        return OGR_G_GetDimension(g) == 2 ? nil : g
    }

    /// Greedy colouring of the zones' overlap graph: zone ids per layer.
    static func layers(of geometries: [(zone: Int, geometry: OGRGeometryH)], zoneCount: Int) -> [[Int]] {
        var envelopes: [OGREnvelope] = []
        for (_, g) in geometries {
            var e = OGREnvelope()
            OGR_G_GetEnvelope(g, &e)
            envelopes.append(e)
        }
        // Which zones overlap: features of different zones whose interiors meet.
        var conflicts = Array(repeating: Set<Int>(), count: zoneCount + 1)
        let order = geometries.indices.sorted { envelopes[$0].MinX < envelopes[$1].MinX }
        for (a, i) in order.enumerated() {
            for j in order[(a + 1)...] {
                let (ei, ej) = (envelopes[i], envelopes[j])
                if ej.MinX > ei.MaxX { break }
                // Interiors lie inside the envelopes' interiors: envelopes that meet along an edge or at a corner
                // only (a tiling's neighbours) hold zones that cannot overlap, without asking GEOS (two relate
                // computations per pair of neighbours: most of the time of 100,000 zones).
                guard min(ei.MaxX, ej.MaxX) > max(ei.MinX, ej.MinX), min(ei.MaxY, ej.MaxY) > max(ei.MinY, ej.MinY) else { continue }
                let (zi, zj) = (geometries[i].zone, geometries[j].zone)
                guard zi != zj, !conflicts[zi].contains(zj) else { continue }
                // Without GEOS, Intersects compares envelopes and Touches fails (false): more layers, never a wrong one.
                if OGR_G_Intersects(geometries[i].geometry, geometries[j].geometry) != 0,
                   OGR_G_Touches(geometries[i].geometry, geometries[j].geometry) == 0 {
                    conflicts[zi].insert(zj)
                    conflicts[zj].insert(zi)
                }
            }
        }
        var layerOf = Array(repeating: -1, count: zoneCount + 1)
        var layers: [[Int]] = []
        for zone in 1...max(1, zoneCount) where zone <= zoneCount {
            let taken = Set(conflicts[zone].map { layerOf[$0] })
            let l = (0..<layers.count).first { !taken.contains($0) } ?? layers.count
            if l == layers.count { layers.append([]) }
            layers[l].append(zone)
            layerOf[zone] = l
        }
        return layers.isEmpty ? [[]] : layers
    }

    /// Burns the zones of layer `layer` (their ids, 0 elsewhere) into a new Int32
    /// GeoTIFF at `output` on `grid` (pixels whose centre is inside a zone); returns the ids of
    /// the zones that cover at least one pixel (read back from the raster).
    @discardableResult
    public func rasterize(layer: Int, onto grid: Grid, output: String) throws -> Set<Int> {
        let members = Set(layers[layer])
        guard let driver = GDALGetDriverByName("Memory") else { throw GDALError("GDAL has no Memory vector driver") }
        let mem = try GDALErrors.check("cannot create an in-memory layer") { GDALCreate(driver, "", 0, 0, 0, GDT_Unknown, nil) }
        defer { GDALClose(mem) }
        let srs = crsWKT.isEmpty ? nil : OSRNewSpatialReference(crsWKT)
        defer { if let srs { OSRRelease(srs) } }
        let memLayer = try GDALErrors.check("cannot create an in-memory layer") {
            GDALDatasetCreateLayer(mem, "zones", srs, wkbUnknown, nil)
        }
        let fieldDefn = OGR_Fld_Create("kubuqi_zone", OFTInteger)
        defer { OGR_Fld_Destroy(fieldDefn) }
        guard OGR_L_CreateField(memLayer, fieldDefn, 1) == OGRERR_NONE else { throw GDALError("cannot create the zone field") }
        let defn = OGR_L_GetLayerDefn(memLayer)
        for (zone, geometry) in geometries where members.contains(zone) {
            guard let f = OGR_F_Create(defn) else { throw GDALError("cannot create a feature") }
            defer { OGR_F_Destroy(f) }
            OGR_F_SetFieldInteger(f, 0, Int32(zone))
            // A zone reaching far beyond the grid (coordinates of 1e300) is burnt as nothing by GDAL (its
            // scanlines leave the integer range): such a zone is clipped to the grid's surroundings first.
            if let clip = Self.clipped(geometry, to: grid) {
                defer { OGR_G_DestroyGeometry(clip) }
                _ = OGR_F_SetGeometry(f, clip)
            } else {
                _ = OGR_F_SetGeometry(f, geometry)
            }
            guard OGR_L_CreateFeature(memLayer, f) == OGRERR_NONE else { throw GDALError("cannot copy a zone of \(path)") }
        }
        var options = CreationOptions()
        options.set("TILED", "YES")
        options.set("COMPRESS", "DEFLATE")
        let out = try Dataset.create(output, width: grid.width, height: grid.height, bands: 1, type: .int32, options: options)
        try out.setGeoreferencing(from: grid)
        try CStringList.withList(["-a", "kubuqi_zone", "-l", "zones"]) { list in
            let opts = try GDALErrors.check("invalid rasterize options") { GDALRasterizeOptionsNew(list, nil) }
            defer { GDALRasterizeOptionsFree(opts) }
            _ = try GDALErrors.check("cannot rasterize \(path)") { GDALRasterize(nil, out.liveHandle, mem, opts, nil) }
        }
        let covered = try Self.zonesPresent(in: out.band(1), grid: grid, zoneCount: names.count)
        try out.close()
        return covered
    }

    /// The part of `geometry` within the grid's extent widened by the grid's own width and height on each
    /// side, when `geometry` reaches beyond that (nil otherwise: the geometry is burnt as it is, so zones
    /// near the grid burn exactly as before). Pixel centres are all inside the widened extent, so a clipped
    /// zone covers the same pixels as the whole one would.
    static func clipped(_ geometry: OGRGeometryH, to grid: Grid) -> OGRGeometryH? {
        guard let t = grid.geoTransform, t.isNorthUp else { return nil }
        let (x0, x1) = (t.originX, t.originX + Double(grid.width) * t.pixelWidth)
        let (y0, y1) = (t.originY, t.originY + Double(grid.height) * t.pixelHeight)
        let (w, h) = (abs(x1 - x0), abs(y1 - y0))
        let (minX, maxX, minY, maxY) = (min(x0, x1) - w, max(x0, x1) + w, min(y0, y1) - h, max(y0, y1) + h)
        var e = OGREnvelope()
        OGR_G_GetEnvelope(geometry, &e)
        guard e.MinX < minX || e.MaxX > maxX || e.MinY < minY || e.MaxY > maxY else { return nil }
        guard let ring = OGR_G_CreateGeometry(wkbLinearRing), let box = OGR_G_CreateGeometry(wkbPolygon) else { return nil }
        for (x, y) in [(minX, minY), (maxX, minY), (maxX, maxY), (minX, maxY), (minX, minY)] { OGR_G_AddPoint_2D(ring, x, y) }
        _ = OGR_G_AddGeometryDirectly(box, ring)
        defer { OGR_G_DestroyGeometry(box) }
        return OGR_G_Intersection(geometry, box)
    }

    /// Which of the ids 1...`zoneCount` occur in `band` (read in strips of at most 256 rows and 2^20 pixels).
    static func zonesPresent(in band: RasterBand, grid: Grid, zoneCount: Int) throws -> Set<Int> {
        var seen = [Bool](repeating: false, count: zoneCount + 1)
        let rows = max(1, min(grid.height, 256, (1 << 20) / max(1, grid.width)))
        var buffer = [Int32](repeating: 0, count: grid.width * rows)
        var row = 0
        while row < grid.height {
            let w = Window(column: 0, row: row, width: grid.width, height: min(rows, grid.height - row))
            try buffer.withUnsafeMutableBufferPointer { b in
                try band.readInt32(w, into: b)
                for i in 0..<w.pixelCount { let z = Int(b[i]); if z > 0 && z <= zoneCount { seen[z] = true } }
            }
            row += rows
        }
        return Set(seen.indices.filter { seen[$0] })
    }
}

/// Owns cloned OGR geometries and destroys them with the last copy of a `VectorZones`.
private final class GeometryOwner {
    var geometries: [OGRGeometryH] = []
    deinit { for g in geometries { OGR_G_DestroyGeometry(g) } }
}
