import CGDAL
import Foundation
import KubuqiFixtures
import XCTest

/// The study area sits where the README says, and the latitudes and
/// longitudes written into the MTLs and the truth agree with PROJ.
final class GeolocationTests: XCTestCase {
    /// (longitude, latitude) of UTM zone 49N (`x`, `y`) with PROJ, through GDAL's OSR API.
    private func lonLat(_ x: Double, _ y: Double) throws -> (lon: Double, lat: Double) {
        let utm = try XCTUnwrap(OSRNewSpatialReference(nil)), wgs84 = try XCTUnwrap(OSRNewSpatialReference(nil))
        defer { OSRDestroySpatialReference(utm); OSRDestroySpatialReference(wgs84) }
        XCTAssertEqual(OSRImportFromEPSG(utm, 32649), OGRERR_NONE)
        XCTAssertEqual(OSRImportFromEPSG(wgs84, 4326), OGRERR_NONE)
        OSRSetAxisMappingStrategy(utm, OAMS_TRADITIONAL_GIS_ORDER)
        OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER)
        let t = try XCTUnwrap(OCTNewCoordinateTransformation(utm, wgs84))
        defer { OCTDestroyCoordinateTransformation(t) }
        var px = x, py = y, pz = 0.0
        XCTAssertEqual(OCTTransform(t, 1, &px, &py, &pz), 1)
        return (px, py)
    }

    func testMTLCornerLatitudesAndLongitudesAgreeWithPROJ() throws {
        let f = try FixtureFiles.shared()
        for i in 0..<2 {
            let text = try String(contentsOfFile: f.path(f.sceneFile(i, "MTL.txt")), encoding: .utf8)
            var values: [String: Double] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " = ")
                if parts.count == 2, parts[0].hasPrefix("CORNER_"), let v = Double(parts[1]) { values[parts[0]] = v }
            }
            for corner in ["UL", "UR", "LL", "LR"] {
                let x = try XCTUnwrap(values["CORNER_\(corner)_PROJECTION_X_PRODUCT"])
                let y = try XCTUnwrap(values["CORNER_\(corner)_PROJECTION_Y_PRODUCT"])
                let ll = try lonLat(x, y)
                // Written with 5 decimals: within half a unit of the last digit.
                XCTAssertEqual(try XCTUnwrap(values["CORNER_\(corner)_LAT_PRODUCT"]), ll.lat, accuracy: 0.000006, corner)
                XCTAssertEqual(try XCTUnwrap(values["CORNER_\(corner)_LON_PRODUCT"]), ll.lon, accuracy: 0.000006, corner)
            }
        }
    }

    func testGridLiesOnTheKubuqiEdgeInPath128Row32() throws {
        let f = try FixtureFiles.shared()
        let g = f.truth.grid
        XCTAssertEqual(g.originX.truncatingRemainder(dividingBy: 30), 0, "origin on a 30 m lattice")
        XCTAssertEqual(g.originY.truncatingRemainder(dividingBy: 30), 0, "origin on a 30 m lattice")
        let half = Double(g.width) * g.pixelSizeMeters / 2
        let centre = try lonLat(g.originX + half, g.originY - half)
        XCTAssertEqual(g.centreLatitude, centre.lat, accuracy: 0.00006)
        XCTAssertEqual(g.centreLongitude, centre.lon, accuracy: 0.00006)
        let corner = try lonLat(g.originX, g.originY)
        XCTAssertEqual(corner.lat, 40.3, accuracy: 0.01, "upper-left corner near 40.3 N")
        XCTAssertEqual(corner.lon, 108.6, accuracy: 0.01, "upper-left corner near 108.6 E")
        for scene in f.truth.scenes {
            XCTAssertTrue(scene.productID.contains("_L2SP_128032_"), scene.productID)
        }
    }
}
