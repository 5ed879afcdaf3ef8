import Foundation
import TestSupport
import XCTest

/// Issue 19: `tiles merge` writes the same publishable folder as one machine: a valid STAC
/// catalogue of COGs (PublishedFolderCheck: pystac with the STAC schemas, GDAL's COG validator,
/// checksums by hashlib) with the same Items, and patch polygons with the same areas (summed by
/// OGR in Python, ``CLITestCase/patchSums(_:pixelArea:)``).
extension ScaleOutTests {
    /// The merged folder `tiled` against the one-machine folder `single`: the same Items, a valid
    /// catalogue, and for every patch layer the same polygons' areas and pixels per class.
    func assertSamePublication(_ tiled: String, _ single: String, patchLayers: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard let merged = try PublishedFolderCheck.run(tiled), let one = try PublishedFolderCheck.run(single) else { return }
        XCTAssertEqual(merged.errors, [], "the merged folder is a valid STAC catalogue of COGs", file: file, line: line)
        XCTAssertEqual(one.errors, [], file: file, line: line)
        XCTAssertFalse(merged.items.isEmpty, file: file, line: line)
        XCTAssertEqual(merged.items, one.items, "the same Items as one machine's", file: file, line: line)
        XCTAssertEqual(merged.cogs.sorted(), one.cogs.sorted(), "the same COGs", file: file, line: line)
        for layer in patchLayers {
            guard let a = try patchSums(tiled + "/" + layer, pixelArea: 900), let b = try patchSums(single + "/" + layer, pixelArea: 900) else { return }
            XCTAssertFalse(b.isEmpty, "\(layer): the one-machine run found patches", file: file, line: line)
            XCTAssertEqual(Set(a.keys), Set(b.keys), "\(layer): the same classes", file: file, line: line)
            for (code, s) in b {
                // The same pixels in the same units: the same sums, not merely close ones.
                XCTAssertEqual(a[code]?.m2, s.m2, "\(layer) class \(code): area", file: file, line: line)
                XCTAssertEqual(a[code]?.pixels ?? -1, s.pixels, accuracy: 1e-6, "\(layer) class \(code): pixels", file: file, line: line)
                XCTAssertEqual(a[code]?.polygons, s.polygons, "\(layer) class \(code): polygons", file: file, line: line)
            }
        }
    }
}
