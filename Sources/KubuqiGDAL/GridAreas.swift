import CGDAL
import Foundation
import KubuqiRaster

/// The true ground area of every pixel of a grid, on the ellipsoid of the
/// grid's CRS, for any CRS (docs/ldn-method.md §5, docs/change-detection.md).
///
/// - Geographic CRS, north-up grid: a pixel is the ellipsoidal quadrangle
///   between two parallels and two meridians, whose area has a closed form
///   (`PixelArea.quadrangle`, Snyder 1987 eq. 3-12); it depends on the row only.
/// - Any other CRS: the pixel's corners (and, for pixels wider than 1 km,
///   points every kilometre along its edges) are transformed to the CRS's own
///   geographic CRS (same ellipsoid, no datum shift) and the area of that
///   polygon is summed from Karney's geodesic edge areas S12, computed by
///   PROJ's `geodesic.h` (`geod_geninverse`; Karney 2013, "Algorithms for
///   geodesics", J. Geodesy 87). Each edge is computed once and shared by the
///   two pixels it separates. In a cylindrical projection (Mercator, Web
///   Mercator, equirectangular, cylindrical equal area) with a north-up grid
///   the area depends on the row only and is computed once per row. Otherwise
///   (UTM, say) the areas of 256 x 256-pixel cells come from a checked quadratic
///   surface through exact areas (`PixelAreaSurface`), cells it does not fit exactly
///   per pixel.
/// - No CRS: the geotransform's |determinant| (map units squared, as metres).
/// - No geotransform: 1 per pixel.
///
/// Safe to use from several threads at once.
public final class GridAreas: @unchecked Sendable {
    /// The grid.
    public let grid: Grid
    /// Whether every pixel of a row has the same area.
    public let rowConstant: Bool
    private var rowArea: [Double] = []
    private let geod: UnsafeMutablePointer<geod_geodesic> = .allocate(capacity: 1)
    private let transforms: TransformPool?
    private let segments: Int
    private let constantArea: Double?
    /// Fitted cells for grids whose areas vary along rows (nil otherwise).
    private var surface: PixelAreaSurface?

    deinit { geod.deallocate() }

    /// Prepares the areas of `grid`'s pixels.
    public init(grid: Grid) {
        self.grid = grid
        geod.initialize(to: geod_geodesic())
        GDALEnvironment.initialize()
        guard let t = grid.geoTransform else {
            rowConstant = true; constantArea = 1; transforms = nil; segments = 1
            return
        }
        guard let srs = SpatialReference(wkt: grid.crsWKT) else {
            let c = t.coefficients
            rowConstant = true; constantArea = abs(c[1] * c[5] - c[2] * c[4]); transforms = nil; segments = 1
            return
        }
        constantArea = nil
        let e = srs.ellipsoid
        geod_init(geod, e.semiMajor, e.inverseFlattening > 0 ? 1 / e.inverseFlattening : 0)
        if srs.isGeographic && t.isNorthUp {
            rowConstant = true; transforms = nil; segments = 1
            rowArea = PixelArea.geographicRowAreas(transform: t, rows: 0..<grid.height, ellipsoid: e)
            return
        }
        transforms = TransformPool(srs)
        // Pixels wider than 1 km get a point every kilometre along each edge.
        let unit = srs.isGeographic ? 111_000.0 : srs.linearUnitInMetres
        let c = t.coefficients
        let side = max((c[1] * c[1] + c[4] * c[4]).squareRoot(), (c[2] * c[2] + c[5] * c[5]).squareRoot()) * unit
        segments = max(1, min(1000, Int((side / 1000).rounded(.up))))
        rowConstant = t.isNorthUp && srs.isCylindrical
        if rowConstant {
            rowArea = (0..<grid.height).map { r in
                var a = [0.0]
                a.withUnsafeMutableBufferPointer { computeRow(r, columns: 0..<1, into: $0) }
                return a[0]
            }
        } else {
            surface = PixelAreaSurface(width: grid.width, height: grid.height) { [unowned self] r, c in
                var a = [0.0]
                a.withUnsafeMutableBufferPointer { computeRow(r, columns: c..<(c + 1), into: $0) }
                return a[0]
            }
        }
    }

    /// Areas in m2 of the pixels `columns` of row `row` (grid coordinates), into `out`.
    public func areas(row: Int, columns: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= columns.count, "the output is shorter than the columns")
        if let a = constantArea {
            for i in 0..<columns.count { out[i] = a }
        } else if rowConstant {
            let a = rowArea[row]
            for i in 0..<columns.count { out[i] = a }
        } else if let surface {
            surface.areas(row: row, columns: columns, into: out) { computeRow(row, columns: $0, into: $1) }
        } else {
            computeRow(row, columns: columns, into: out)
        }
    }

    /// Areas in m2 of the pixels `columns` of row `row`, each from its own geodesic outline
    /// (no fitted surface; for checks).
    public func exactAreas(row: Int, columns: Range<Int>) -> [Double] {
        var out = [Double](repeating: 0, count: columns.count)
        out.withUnsafeMutableBufferPointer { o in
            if constantArea != nil || rowConstant { areas(row: row, columns: columns, into: o) } else { computeRow(row, columns: columns, into: o) }
        }
        return out
    }

    /// Areas in m2 of the pixels `columns` of row `row`.
    public func areas(row: Int, columns: Range<Int>) -> [Double] {
        var out = [Double](repeating: 0, count: columns.count)
        out.withUnsafeMutableBufferPointer { areas(row: row, columns: columns, into: $0) }
        return out
    }

    /// The area of the pixel at the grid's centre (for scale bars and minimum mapping units).
    public var centralPixelArea: Double { areas(row: grid.height / 2, columns: (grid.width / 2)..<(grid.width / 2 + 1))[0] }

    /// Geodesic edge sums of one row of pixels (see the type's documentation).
    private func computeRow(_ r: Int, columns: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        let t = grid.geoTransform!, k = segments, n = columns.count
        let c0 = Double(columns.lowerBound), row = Double(r)
        // Points along the top and bottom lines (n * k + 1 each) and down each of the n + 1 column lines (k + 1 each).
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(2 * (n * k + 1) + (n + 1) * (k + 1))
        ys.reserveCapacity(xs.capacity)
        for line in 0...1 {
            for j in 0...(n * k) {
                let p = t.apply(column: c0 + Double(j) / Double(k), row: row + Double(line))
                xs.append(p.x); ys.append(p.y)
            }
        }
        for col in 0...n {
            for i in 0...k {
                let p = t.apply(column: c0 + Double(col), row: row + Double(i) / Double(k))
                xs.append(p.x); ys.append(p.y)
            }
        }
        transforms!.toGeographic(&xs, &ys)
        func s12(_ a: Int, _ b: Int) -> Double {
            var s = 0.0, azi1 = 0.0, azi2 = 0.0, m12 = 0.0, mm12 = 0.0, mm21 = 0.0, area = 0.0
            _ = geod_geninverse(geod, ys[a], xs[a], ys[b], xs[b], &s, &azi1, &azi2, &m12, &mm12, &mm21, &area)
            return area
        }
        func edge(from start: Int) -> Double {
            var sum = 0.0
            for q in 0..<k { sum += s12(start + q, start + q + 1) }
            return sum
        }
        let bottom = n * k + 1, vertical = 2 * (n * k + 1)
        var left = edge(from: vertical)
        // The area of the whole ellipsoid (4 pi c^2, c the authalic radius), modulo which edge sums are taken.
        let area0 = 4 * Double.pi * geod.pointee.c2
        for c in 0..<n {
            let right = edge(from: vertical + (c + 1) * (k + 1))
            // Clockwise in map terms (top left -> top right -> bottom right -> bottom left).
            let total = edge(from: c * k) + right - edge(from: bottom + c * k) - left
            let reduced = remainder(total, area0)
            out[c] = abs(reduced)
            left = right
        }
    }
}

extension SpatialReference {
    /// Whether the CRS is a cylindrical projection whose x is linear in
    /// longitude and y a function of latitude (so pixel areas of a north-up
    /// grid depend on the row only).
    var isCylindrical: Bool {
        guard let p = OSRGetAttrValue(handle, "PROJECTION", 0) else { return false }
        let name = String(cString: p).lowercased()
        return ["mercator_1sp", "mercator_2sp", "popular_visualisation_pseudo_mercator", "mercator_auxiliary_sphere",
                "equirectangular", "cylindrical_equal_area", "plate_carree"].contains(name)
    }
}

/// Coordinate transformations from a CRS to its own geographic CRS (longitude,
/// latitude in degrees), one per concurrent user.
final class TransformPool: @unchecked Sendable {
    private let source: OGRSpatialReferenceH
    private let target: OGRSpatialReferenceH
    private let lock = NSLock()
    private var free: [OGRCoordinateTransformationH] = []

    init(_ srs: SpatialReference) {
        source = OSRClone(srs.handle)
        OSRSetAxisMappingStrategy(source, OAMS_TRADITIONAL_GIS_ORDER)
        target = OSRCloneGeogCS(srs.handle)
        OSRSetAxisMappingStrategy(target, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit {
        for t in free { OCTDestroyCoordinateTransformation(t) }
        OSRDestroySpatialReference(source)
        OSRDestroySpatialReference(target)
    }

    /// Transforms map coordinates in place to longitude (x) and latitude (y); failures become NaN.
    func toGeographic(_ xs: inout [Double], _ ys: inout [Double]) {
        let t: OGRCoordinateTransformationH? = lock.withLock { free.popLast() } ?? OCTNewCoordinateTransformation(source, target)
        guard let t else {
            for i in xs.indices { xs[i] = .nan; ys[i] = .nan }
            return
        }
        defer { lock.withLock { free.append(t) } }
        var ok = [Int32](repeating: 0, count: xs.count)
        _ = GDALErrors.capture {
            xs.withUnsafeMutableBufferPointer { x in
                ys.withUnsafeMutableBufferPointer { y in
                    _ = OCTTransformEx(t, Int32(x.count), x.baseAddress, y.baseAddress, nil, &ok)
                }
            }
        }
        for i in xs.indices where ok[i] == 0 { xs[i] = .nan; ys[i] = .nan }
    }
}
