import CGDAL
import Foundation
@testable import KubuqiGDAL
import KubuqiRaster
import XCTest

/// The blobs of ``GeoPackageGeometry`` written from the rings as ``RowPolygonizer`` lends them (every corner of the
/// patch's rings one after another, each ring closed, and the rings' corner counts), read back by GDAL's own WKB
/// parser (`OGR_G_CreateFromWkb`, then `OGR_G_ExportToWkt`) against polygons worked by hand; the header's
/// envelope against the hand-worked extent.
final class GeoPackageGeometryTests: XCTestCase {
    /// A 4 x 4 raster (geotransform 100, 10, 0, 200, 0, -10):
    ///
    ///     1 1 1 0
    ///     1 2 1 0
    ///     1 1 1 3
    ///     0 0 3 3
    ///
    /// Label 1 is a ring with a hole (the pixel of label 2), label 3 an L. Worked by hand in GDAL's way: each ring
    /// starts at its first corner in row order and walks down the left edge first (the outer ring of 1: corner
    /// (0, 0) to (0, 3), (3, 3), (3, 0), back to (0, 0); its hole (1, 1), (1, 2), (2, 2), (2, 1), (1, 1)); x = 100 + 10
    /// column, y = 200 - 10 row. The same WKT as `gdal.Polygonize` of this raster gives (GDAL 3.6, Python, checked
    /// when this test was written).
    func testPolygonizerRingsAsGDALReadsThem() throws {
        GDALEnvironment.initialize()
        let raster: [Int32] = [1, 1, 1, 0,
                               1, 2, 1, 0,
                               1, 1, 1, 3,
                               0, 0, 3, 3]
        let expected: [(label: Int32, wkt: String, envelope: [Double])] = [
            (1, "POLYGON ((100 200,100 170,130 170,130 200,100 200),(110 190,110 180,120 180,120 190,110 190))", [100, 130, 170, 200]),
            (2, "POLYGON ((110 190,110 180,120 180,120 190,110 190))", [110, 120, 180, 190]),
            (3, "POLYGON ((130 180,140 180,140 160,120 160,120 170,130 170,130 180))", [120, 140, 160, 180]),
        ]
        let transform = [100.0, 10, 0, 200, 0, -10]
        var got: [(label: Int32, wkt: String, envelope: [Double], blob: [UInt8])] = []
        let polygonizer = RowPolygonizer(width: 4)
        func take(_ p: RowPolygonizer.Patch) {
            let (blob, envelope) = GeoPackageGeometry.polygon(corners: p.corners, ringSizes: p.ringSizes, transform: transform, srsID: 4326)
            got.append((p.label, Self.wkt(blob), [envelope.minX, envelope.maxX, envelope.minY, envelope.maxY], blob))
        }
        try raster.withUnsafeBufferPointer { all in
            for r in 0..<4 { try polygonizer.add(row: UnsafeBufferPointer(rebasing: all[(r * 4)..<((r + 1) * 4)]), emit: take) }
        }
        try polygonizer.finish(emit: take)
        XCTAssertEqual(got.count, expected.count)
        for (g, e) in zip(got, expected) {
            XCTAssertEqual(g.label, e.label)
            XCTAssertEqual(g.wkt, e.wkt, "label \(e.label)")
            XCTAssertEqual(g.envelope, e.envelope, "label \(e.label): envelope returned")
            // The header: GP, version 0, flags 3 (xy envelope, little-endian), srs_id, then the envelope.
            XCTAssertEqual(Array(g.blob[0..<4]), [0x47, 0x50, 0, 3])
            let header = g.blob.withUnsafeBytes { b in
                (b.loadUnaligned(fromByteOffset: 4, as: Int32.self), (0..<4).map { b.loadUnaligned(fromByteOffset: 8 + 8 * $0, as: Double.self) })
            }
            XCTAssertEqual(header.0, 4326)
            XCTAssertEqual(header.1, e.envelope, "label \(e.label): envelope in the header")
        }
        // The flat form and the nested one ([[PixelCorner]], as the rows' tests use it) give the same bytes.
        let ring = [PixelCorner(x: 0, y: 0), PixelCorner(x: 0, y: 3), PixelCorner(x: 3, y: 3), PixelCorner(x: 3, y: 0), PixelCorner(x: 0, y: 0)]
        let hole = [PixelCorner(x: 1, y: 1), PixelCorner(x: 1, y: 2), PixelCorner(x: 2, y: 2), PixelCorner(x: 2, y: 1), PixelCorner(x: 1, y: 1)]
        XCTAssertEqual(GeoPackageGeometry.polygon([ring, hole], transform: transform, srsID: 4326).blob, got.first?.blob)
    }

    /// GDAL's WKT of the WKB after the 40-byte header of `blob`.
    static func wkt(_ blob: [UInt8]) -> String {
        var wkb = Array(blob[GeoPackageGeometry.headerBytes...])
        var g: OGRGeometryH?
        let err = wkb.withUnsafeMutableBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &g, Int32($0.count)) }
        guard err == OGRERR_NONE, let g else { return "unreadable WKB (OGR error \(err))" }
        defer { OGR_G_DestroyGeometry(g) }
        var text: UnsafeMutablePointer<CChar>?
        guard OGR_G_ExportToWkt(g, &text) == OGRERR_NONE, let text else { return "no WKT" }
        defer { VSIFree(text) }
        return String(cString: text)
    }
}
