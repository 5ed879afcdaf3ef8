import KubuqiGDAL
import KubuqiRaster
import XCTest

/// True ellipsoidal pixel areas in every kind of CRS, against figures computed
/// independently with pyproj 3.7.2 (its own PROJ 9.5.1): the region's outline,
/// densified to 2000 points a side, transformed to the CRS's geographic CRS
/// and measured with `Geod.polygon_area_perimeter` on the CRS's ellipsoid
/// (Scripts/reference/grid_areas.py, which prints these numbers).
final class GridAreaTests: XCTestCase {
    func total(epsg: Int, transform: [Double], width: Int, height: Int) -> (km2: Double, areas: GridAreas) {
        let grid = Grid(width: width, height: height, geoTransform: GeoTransform(transform), crsWKT: SpatialReference(epsg: epsg)!.wkt2)
        let areas = GridAreas(grid: grid)
        var sum = 0.0
        for r in 0..<height { sum += areas.areas(row: r, columns: 0..<width).reduce(0, +) }
        return (sum / 1e6, areas)
    }

    /// Web Mercator near 45 N: 20 km x 20 km of map units is 400 km2 on the map and 200.505628 km2 on
    /// WGS 84 (pyproj geodesic and the closed-form quadrangle agree to 1e-9 km2).
    func testWebMercator() {
        let (km2, areas) = total(epsg: 3857, transform: [12_000_000, 100, 0, 5_620_000, 0, -100], width: 200, height: 200)
        XCTAssertEqual(km2, 200.505628170, accuracy: 2e-6)
        XCTAssertTrue(areas.rowConstant)
    }

    /// UTM 49N: 3 km x 3 km of 30 m pixels near the central meridian (scale factor 0.9996 + ...) is
    /// 9.004919173 km2, not 9; 50 km x 50 km of 1 km pixels 300-350 km west of it is 2497.334277 km2.
    func testUTM() {
        XCTAssertEqual(total(epsg: 32649, transform: [600_000, 30, 0, 4_470_000, 0, -30], width: 100, height: 100).km2,
                       9.004919173, accuracy: 1e-7)
        let edge = total(epsg: 32649, transform: [200_000, 1000, 0, 4_500_000, 0, -1000], width: 50, height: 50)
        XCTAssertEqual(edge.km2, 2497.334277009, accuracy: 2e-5)
        XCTAssertFalse(edge.areas.rowConstant)
    }

    /// Equal-area CRSs: the true area is the map area (900 km2), in a Lambert azimuthal (ETRS89-LAEA, GRS80)
    /// and a cylindrical one (EASE-Grid 2.0, WGS 84).
    func testEqualArea() {
        XCTAssertEqual(total(epsg: 3035, transform: [4_321_000, 1000, 0, 3_210_000, 0, -1000], width: 30, height: 30).km2,
                       900.000000248, accuracy: 1e-5)
        XCTAssertEqual(total(epsg: 6933, transform: [10_000_000, 1000, 0, 5_000_000, 0, -1000], width: 30, height: 30).km2,
                       900.000000462, accuracy: 1e-5)
    }

    /// Geographic: 1 deg x 1 deg of 0.01 deg pixels at 39-40 N, 9549.520094 km2 (pyproj geodesic on the
    /// densified outline; the closed-form quadrangle gives 9549.520094031).
    func testGeographic() {
        let (km2, areas) = total(epsg: 4326, transform: [100, 0.01, 0, 40, 0, -0.01], width: 100, height: 100)
        XCTAssertEqual(km2, 9549.520094031, accuracy: 1e-6)
        XCTAssertTrue(areas.rowConstant)
    }

    /// A window of a row equals the same pixels of the whole row (edges are shared, not re-derived).
    func testWindowsAgreeWithWholeRows() {
        let grid = Grid(width: 40, height: 3, geoTransform: GeoTransform([200_000, 1000, 0, 4_500_000, 0, -1000]),
                        crsWKT: SpatialReference(epsg: 32649)!.wkt2)
        let areas = GridAreas(grid: grid)
        let whole = areas.areas(row: 1, columns: 0..<40)
        let part = areas.areas(row: 1, columns: 13..<29)
        for i in 0..<16 { XCTAssertEqual(part[i], whole[13 + i], accuracy: 1e-6 * whole[13 + i]) }
    }
}

/// The fitted area surface (`PixelAreaSurface`) against each pixel's own geodesic outline.
final class GridAreaSurfaceTests: XCTestCase {
    /// Largest difference between the fitted and the exact areas over sampled rows, in m2.
    func largestDeviation(epsg: Int, transform: [Double], width: Int, height: Int, rows: [Int]) -> (deviation: Double, relative: Double) {
        let grid = Grid(width: width, height: height, geoTransform: GeoTransform(transform), crsWKT: SpatialReference(epsg: epsg)!.wkt2)
        let areas = GridAreas(grid: grid)
        var worst = 0.0, relative = 0.0
        for r in rows {
            let fitted = areas.areas(row: r, columns: 0..<width), exact = areas.exactAreas(row: r, columns: 0..<width)
            for (f, e) in zip(fitted, exact) {
                worst = max(worst, abs(f - e)); relative = max(relative, abs(f - e) / e)
            }
        }
        return (worst, relative)
    }

    /// UTM 49N, 30 m pixels at the zone's western edge (about 330 km from the central meridian,
    /// where the scale factor varies fastest) and near it; EPSG:6842 463 m pixels;
    /// LAEA 1 km pixels. Every pixel within 5e-5 m2 of its exact area (1/20 of the 0.001 m2 unit the
    /// tables count in), the noise of the exact geodesic sums themselves (their second differences
    /// along a row, printed; the true curvature of the areas gives about 2e-8 m2).
    func testSurfaceMatchesExactAreas() throws {
        let rows = [0, 1, 100, 255, 256, 300, 511, 600, 777]
        let cases: [(Int, [Double], Int)] = [
            (32649, [170_000, 30, 0, 4_500_000, 0, -30], 800),
            (32649, [600_000, 30, 0, 4_470_000, 0, -30], 800),
            (3035, [4_321_000, 1000, 0, 3_210_000, 0, -1000], 800),
            (6842, [7_000_000, 463.3127, 0, 4_800_000, 0, -463.3127], 800),
        ]
        for (epsg, transform, size) in cases {
            let d = largestDeviation(epsg: epsg, transform: transform, width: size, height: size, rows: rows)
            let g = GridAreas(grid: Grid(width: size, height: size, geoTransform: GeoTransform(transform), crsWKT: SpatialReference(epsg: epsg)!.wkt2))
            let ex = g.exactAreas(row: 300, columns: 0..<size)
            var noise = 0.0
            for k in 1..<(size - 1) { noise = max(noise, abs(ex[k - 1] - 2 * ex[k] + ex[k + 1])) }
            print("EPSG:\(epsg) second differences of exact areas up to \(noise) m2")
            print("EPSG:\(epsg) \(transform[1]) m: largest deviation \(d.deviation) m2 (relative \(d.relative))")
            XCTAssertLessThanOrEqual(d.deviation, 5e-5, "EPSG:\(epsg)")
        }
    }

    /// A pixel's area does not depend on the window asking for it (tiles and whole runs agree to the bit).
    func testWindowsGiveTheSameBits() {
        let grid = Grid(width: 700, height: 300, geoTransform: GeoTransform([170_000, 30, 0, 4_500_000, 0, -30]),
                        crsWKT: SpatialReference(epsg: 32649)!.wkt2)
        let a = GridAreas(grid: grid), b = GridAreas(grid: grid)
        let whole = a.areas(row: 270, columns: 0..<700)
        let part = b.areas(row: 270, columns: 250..<530)
        XCTAssertEqual(Array(whole[250..<530]), part)
    }
}
