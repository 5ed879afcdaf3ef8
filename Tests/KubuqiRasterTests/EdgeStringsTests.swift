@testable import KubuqiRaster
import XCTest

/// `EdgeStrings` (strings as linked corner nodes in flat arrays) against the nested-array form it replaced, a line by
/// line port of GDAL 3.6's `RPolygon` (`AddSegment`, `Merge`, `Coalesce`, alg/polygonize.cpp) with Swift `Dictionary`
/// maps of the extremities (kept below as the reference): the unit edges of random pixel sets, met in polygonize's
/// order, give the same rings, corner for corner, in the same order; and each ring is closed and walks only edges of
/// the set, every edge once (checked from the pixels, not from either implementation). One `EdgeStrings` serves every
/// set, emptied between them, as in ``RowPolygonizer``. `RowPolygonizerTests` compares the whole polygonizer with GDAL.
final class EdgeStringsTests: XCTestCase {
    /// The unit edges of the pixels `inside` (w x h) in polygonize's order: steps iY = 0...h, padded columns iX = 0...w,
    /// the top edge before the right one; direction 1 when the pixel of the step (row iY, column iX - 1) is inside.
    private func edges(_ inside: (Int, Int) -> Bool, w: Int, h: Int) -> [(PixelCorner, PixelCorner, Int)] {
        func at(_ r: Int, _ c: Int) -> Bool { r >= 0 && r < h && c >= 0 && c < w && inside(r, c) }
        var out: [(PixelCorner, PixelCorner, Int)] = []
        for iY in 0...h {
            for iX in 0...w {
                let this = at(iY, iX - 1), previous = at(iY - 1, iX - 1), right = at(iY, iX)
                let x = Int32(iX - 1), y = Int32(iY)
                if this != previous { out.append((PixelCorner(x: x, y: y), PixelCorner(x: x + 1, y: y), this ? 1 : 0)) }
                if this != right { out.append((PixelCorner(x: x + 1, y: y), PixelCorner(x: x + 1, y: y + 1), this ? 1 : 0)) }
            }
        }
        return out
    }

    func testSameRingsAsGDALsRPolygonOnRandomPixelSets() {
        var rng = SystemRandomNumberGenerator()
        var strings = EdgeStrings()
        var largest = 0
        for trial in 0..<600 {
            let w = Int.random(in: 1...(trial < 300 ? 6 : 40), using: &rng), h = Int.random(in: 1...(trial < 300 ? 6 : 40), using: &rng)
            let density = Double.random(in: 0.2...0.9, using: &rng)
            var mask = [Bool](repeating: false, count: w * h)
            for i in mask.indices { mask[i] = Double.random(in: 0..<1, using: &rng) < density }
            let list = edges({ mask[$0 * w + $1] }, w: w, h: h)
            guard !list.isEmpty else { continue }
            strings.removeAll()
            var reference = ReferenceRPolygon()
            for (a, b, d) in list {
                strings.add(a, b, direction: d)
                reference.add(a, b, direction: d)
            }
            let ours = strings.rings(), theirs = reference.rings()
            XCTAssertEqual(ours, theirs, "trial \(trial), \(w) x \(h)")
            largest = max(largest, list.count)
            // Closed, unit steps merged into straight runs only along pixel edges of the set, every edge once.
            var unit = Set<[Int32]>()
            for (a, b, _) in list { unit.insert([min(a.x, b.x), min(a.y, b.y), a.x == b.x ? 1 : 0]) }
            var walked = Set<[Int32]>(), count = 0
            for ring in ours {
                XCTAssertEqual(ring.first, ring.last, "trial \(trial): a ring not closed")
                for (p, q) in zip(ring, ring.dropFirst()) {
                    XCTAssertTrue(p.x == q.x || p.y == q.y, "trial \(trial): a diagonal step")
                    let steps = Int(max(abs(p.x - q.x), abs(p.y - q.y)))
                    for k in 0..<steps {
                        let dx = (q.x - p.x).signum(), dy = (q.y - p.y).signum()
                        let s = PixelCorner(x: p.x + dx * Int32(k), y: p.y + dy * Int32(k)), e = PixelCorner(x: s.x + dx, y: s.y + dy)
                        walked.insert([min(s.x, e.x), min(s.y, e.y), s.x == e.x ? 1 : 0])
                        count += 1
                    }
                }
            }
            XCTAssertEqual(walked, unit, "trial \(trial): the rings walk other edges")
            XCTAssertEqual(count, unit.count, "trial \(trial): an edge walked twice")
        }
        XCTAssertGreaterThan(largest, 4 * CornerEnds.linearLimit, "some sets reach CornerEnds' Dictionary form")
    }
}

/// GDAL's `RPolygon` as EdgeStrings implemented it before (nested arrays, `Dictionary` maps), the reference.
private struct ReferenceRPolygon {
    /// The two strings (at most) starting or ending at a corner (-1: none).
    typealias Ends = (first: Int, second: Int)

    /// The strings by number (nil: merged into another).
    private(set) var strings: [[PixelCorner]?] = []
    private var starts: [PixelCorner: Ends] = [:]
    private var ends: [PixelCorner: Ends] = [:]

    /// A string other than `excluded` with an extremity at `xy` in `map` (-1: none).
    private static func find(_ map: [PixelCorner: Ends], _ xy: PixelCorner, not excluded: Int) -> Int {
        guard let e = map[xy] else { return -1 }
        if e.first != excluded { return e.first }
        if e.second != excluded { return e.second }
        return -1
    }

    private static func remove(_ map: inout [PixelCorner: Ends], _ xy: PixelCorner, _ id: Int) {
        guard var e = map[xy] else { preconditionFailure("edge strings: no extremity at (\(xy.x), \(xy.y))") }
        if e.first == id {
            e.first = e.second
            e.second = -1
            if e.first < 0 { map[xy] = nil } else { map[xy] = e }
        } else if e.second == id {
            e.second = -1
            map[xy] = e
        } else {
            preconditionFailure("edge strings: string \(id) has no extremity at (\(xy.x), \(xy.y))")
        }
    }

    private static func insert(_ map: inout [PixelCorner: Ends], _ xy: PixelCorner, _ id: Int) {
        if var e = map[xy] {
            e.second = id
            map[xy] = e
        } else {
            map[xy] = (id, -1)
        }
    }

    /// Appends string `src` to string `base` (forwards for `direction` 1, backwards for -1), without
    /// their shared corner twice; `src` goes.
    private mutating func merge(_ base: Int, _ src: Int, direction: Int) {
        let string = strings[src]!
        let baseEnd = strings[base]!.last!
        Self.remove(&ends, baseEnd, base)
        if direction == 1 {
            strings[base]!.append(contentsOf: string[1...])
        } else {
            strings[base]!.append(contentsOf: string[..<(string.count - 1)].reversed())
        }
        Self.remove(&starts, string.first!, src)
        Self.remove(&ends, string.last!, src)
        strings[src] = nil
        Self.insert(&ends, strings[base]!.last!, base)
    }

    /// Adds the unit edge from `a` to `b` (GDAL's `AddSegment`; `direction` 1 when the patch lies below
    /// or left of it as polygonize walks, 0 otherwise).
    mutating func add(_ a: PixelCorner, _ b: PixelCorner, direction: Int) {
        var existing = Self.find(ends, a, not: -1)
        if existing >= 0 {
            let other = Self.find(ends, a, not: existing)
            if other >= 0 {
                // Two strings end here: take the one in the same pixel as this edge.
                let s2 = strings[other]!
                let n2 = s2.count
                if a.x == b.x {
                    if s2[n2 - 2].y == s2[n2 - 1].y { existing = other }
                } else {
                    if s2[n2 - 2].x == s2[n2 - 1].x { existing = other }
                }
            }
            let s = strings[existing]!
            let n = s.count
            let lastLength = max(abs(s[n - 2].x - s[n - 1].x), abs(s[n - 2].y - s[n - 1].y))
            Self.remove(&ends, s[n - 1], existing)
            if s[n - 2].x - s[n - 1].x == (s[n - 1].x - b.x) * lastLength, s[n - 2].y - s[n - 1].y == (s[n - 1].y - b.y) * lastLength {
                strings[existing]![n - 1] = b
            } else {
                strings[existing]!.append(b)
            }
            Self.insert(&ends, b, existing)
        } else {
            existing = strings.count
            strings.append([a, b])
            Self.insert(&starts, a, existing)
            Self.insert(&ends, b, existing)
        }
        if direction == 1 {
            let other = Self.find(ends, b, not: existing)
            if other >= 0 { merge(existing, other, direction: -1) }
        }
    }

    /// Joins the strings into closed rings (GDAL's `Coalesce`) and returns them in number order.
    mutating func rings() -> [[PixelCorner]] {
        var id = 0
        while id < strings.count {
            defer { id += 1 }
            guard strings[id] != nil else { continue }
            while true {
                let end = strings[id]!.last!
                var other = Self.find(starts, end, not: id)
                if other != -1 { merge(id, other, direction: 1); continue }
                other = Self.find(ends, end, not: id)
                if other != -1 { merge(id, other, direction: -1); continue }
                break
            }
        }
        return strings.compactMap { $0 }
    }
}

