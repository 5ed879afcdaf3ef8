@testable import KubuqiRaster
import XCTest

/// ``RowPolygonizer``'s patches with their runs and with the outlines of small shapes moved (``SmallPatchShapes``)
/// against references independent of both: each patch's pixels found by a flood fill of the raster (4-connected,
/// one label), its runs the maximal runs of those pixels along each row, and its rings ``EdgeStrings`` fed that
/// patch's unit edges in polygonize's order (the tracing every patch went through before; `EdgeStringsTests` checks
/// it against GDAL's `RPolygon`, `RowPolygonizerTests` the polygonizer against GDAL's `GDALPolygonize`).
final class SmallPatchShapesTests: XCTestCase {
    func testRunsAndMovedOutlinesMatchFloodFilledPatches() throws {
        var rng = SystemRandomNumberGenerator()
        var moved = 0, patches = 0, large = 0
        for trial in 0..<120 {
            let w = Int.random(in: 1...40, using: &rng), h = Int.random(in: 1...40, using: &rng)
            let labels = Int32.random(in: 1...3, using: &rng), zeros = Double.random(in: 0.1...0.7, using: &rng)
            var raster = [Int32](repeating: 0, count: w * h)
            for i in raster.indices where Double.random(in: 0..<1, using: &rng) >= zeros { raster[i] = Int32.random(in: 1...labels, using: &rng) }

            // The reference: the patches by flood fill, keyed by their first pixel in row order.
            var component = [Int](repeating: -1, count: w * h)
            var members: [[Int]] = []
            for start in raster.indices where raster[start] != 0 && component[start] < 0 {
                let id = members.count
                var stack = [start], list: [Int] = []
                component[start] = id
                while let p = stack.popLast() {
                    list.append(p)
                    let r = p / w, c = p % w
                    for (rr, cc) in [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)] where rr >= 0 && rr < h && cc >= 0 && cc < w {
                        let q = rr * w + cc
                        if component[q] < 0 && raster[q] == raster[start] { component[q] = id; stack.append(q) }
                    }
                }
                members.append(list.sorted())
            }

            let polygonizer = RowPolygonizer(width: w)
            // The patches copied out of the buffers they are lent in.
            var got: [(label: Int32, rings: [[PixelCorner]], runs: [RowPolygonizer.PixelRun])] = []
            try raster.withUnsafeBufferPointer { all in
                for r in 0..<h {
                    try polygonizer.add(row: UnsafeBufferPointer(rebasing: all[(r * w)..<((r + 1) * w)])) { got.append(($0.label, $0.rings, Array($0.runs))) }
                }
            }
            try polygonizer.finish { got.append(($0.label, $0.rings, Array($0.runs))) }
            XCTAssertEqual(got.count, members.count, "trial \(trial): patches")
            moved += polygonizer.outlinesMoved
            patches += got.count

            var strings = EdgeStrings()
            for p in got {
                guard let first = p.runs.first else { XCTFail("trial \(trial): a patch without runs"); continue }
                let id = component[first.row * w + first.columns.lowerBound]
                guard id >= 0 else { XCTFail("trial \(trial): a run off the patches"); continue }
                let pixels = members[id]
                if pixels.count > 9 { large += 1 }
                XCTAssertEqual(raster[pixels[0]], p.label, "trial \(trial): label")
                // Runs: maximal runs of the patch's pixels, rows from the top, columns from the left.
                var runs: [[Int]] = []
                for q in pixels {
                    let r = q / w, c = q % w
                    if let last = runs.last, last[0] == r, last[2] == c { runs[runs.count - 1][2] = c + 1 } else { runs.append([r, c, c + 1]) }
                }
                XCTAssertEqual(p.runs.map { [$0.row, $0.columns.lowerBound, $0.columns.upperBound] }, runs, "trial \(trial): runs")
                // Rings: the patch's own unit edges, in polygonize's order, through EdgeStrings.
                let inside = Set(pixels)
                func at(_ r: Int, _ c: Int) -> Bool { r >= 0 && r < h && c >= 0 && c < w && inside.contains(r * w + c) }
                strings.removeAll()
                for iY in 0...h {
                    for iX in 0...w {
                        let this = at(iY, iX - 1), previous = at(iY - 1, iX - 1), right = at(iY, iX)
                        let x = Int32(iX - 1), y = Int32(iY)
                        if this != previous { strings.add(PixelCorner(x: x, y: y), PixelCorner(x: x + 1, y: y), direction: this ? 1 : 0) }
                        if this != right { strings.add(PixelCorner(x: x + 1, y: y), PixelCorner(x: x + 1, y: y + 1), direction: this ? 1 : 0) }
                    }
                }
                XCTAssertEqual(p.rings, strings.rings(), "trial \(trial): rings of the patch at row \(first.row), column \(first.columns.lowerBound)")
            }
        }
        XCTAssertGreaterThan(moved, patches / 4, "most small patches are moved outlines")
        XCTAssertGreaterThan(large, 20, "some patches are traced (beyond a small shape)")
    }

    func testShapeIsNilBeyondTheLimits() {
        // 13 edges: too many; an edge 8 rows below the first: too far.
        XCTAssertNil(SmallPatchShapes.Shape([Int64](repeating: 0, count: 13)))
        XCTAssertNil(SmallPatchShapes.Shape([1 << 2, 8 << 33 | 1 << 2, 8 << 33 | 2 << 2, 8 << 33 | 3 << 2]))
        XCTAssertNotNil(SmallPatchShapes.Shape([1 << 2, 1 << 2 | 2, 1 << 33 | 1 << 2, 1 << 33 | 2 << 2]))
    }
}
