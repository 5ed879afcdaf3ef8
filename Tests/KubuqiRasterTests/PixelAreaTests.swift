import Foundation
import KubuqiRaster
import XCTest

/// Ellipsoidal cell areas against a numerical integration of the surface
/// element dA = M(phi) N(phi) cos(phi) dphi dlambda, written here independently.
final class PixelAreaTests: XCTestCase {
    func integrated(lat1: Double, lat2: Double, dLon: Double) -> Double {
        let a = 6_378_137.0, f = 1 / 298.257223563, e2 = f * (2 - f)
        let steps = 20_000
        var sum = 0.0
        let h = (lat2 - lat1) * .pi / 180 / Double(steps)
        for i in 0..<steps {
            let phi = lat1 * .pi / 180 + (Double(i) + 0.5) * h
            let w = 1 - e2 * sin(phi) * sin(phi)
            let m = a * (1 - e2) / pow(w, 1.5), n = a / w.squareRoot()
            sum += m * n * cos(phi) * h
        }
        return sum * dLon * .pi / 180
    }

    func testOneDegreeCellsAtTheEquatorAndAt60North() {
        let equator = PixelArea.quadrangle(lat1: 0, lat2: 1, dLon: 1, ellipsoid: .wgs84)
        let sixty = PixelArea.quadrangle(lat1: 60, lat2: 61, dLon: 1, ellipsoid: .wgs84)
        XCTAssertEqual(equator, integrated(lat1: 0, lat2: 1, dLon: 1), accuracy: 1e-6 * equator)
        XCTAssertEqual(sixty, integrated(lat1: 60, lat2: 61, dLon: 1), accuracy: 1e-6 * sixty)
        // Widely quoted figure: a 1 x 1 degree WGS 84 cell at the equator is about 12,309 km2.
        XCTAssertEqual(equator / 1e6, 12_309, accuracy: 1)
        XCTAssertLessThan(sixty, equator * 0.51)
    }

    func testRowAreasFollowLatitude() {
        let t = GeoTransform([108, 0.01, 0, 41, 0, -0.01])
        let rows = PixelArea.geographicRowAreas(transform: t, rows: 0..<3, ellipsoid: .wgs84)
        XCTAssertEqual(rows[0], PixelArea.quadrangle(lat1: 40.99, lat2: 41, dLon: 0.01, ellipsoid: .wgs84), accuracy: 1e-6)
        XCTAssertLessThan(rows[0], rows[2], "cells grow towards the equator")
    }
}
