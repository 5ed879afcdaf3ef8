import Foundation

/// Pixel areas of a grid whose areas vary smoothly in both directions (UTM and other
/// projected CRSs), from a few exact areas per block of pixels instead of one geodesic
/// outline per pixel: `GridAreas`'s per-pixel geodesic sums cost about 3 µs a pixel,
/// which made them 90 % of a `change` or `ldn` run on a UTM grid (docs/benchmarks.md).
///
/// The grid is cut into cells of `cell` x `cell` pixels anchored at pixel (0, 0), so a
/// pixel's area never depends on which window asked for it (tiles and whole runs agree
/// to the bit). In each cell the exact areas of 3 x 3 pixels (first, middle and last row
/// and column) define a tensor-product quadratic (Lagrange) surface; four more exact
/// areas, at the cell's quarter points, check it. The cell uses the surface only when
/// every check is within `tolerance` (5e-5 m2 + 1e-12 of the area, 1/20 of the 0.001 m2 unit
/// the area tables count in: the rounding noise of the geodesic sums themselves, whose
/// second differences along a row of 30 m UTM or 1 km LAEA pixels reach 1-2.4e-5 m2 where
/// the true curvature gives 2e-8); otherwise, and in cells narrower or shorter than 16 pixels, every
/// pixel's area is computed exactly. Measured deviation from the exact areas: see
/// GridAreaTests.testSurfaceMatchesExactAreas.
final class PixelAreaSurface: @unchecked Sendable {
    /// Cell side in pixels.
    static let cell = 256
    /// Smallest cell side that is fitted (smaller cells are exact).
    static let minimumSide = 16

    /// Exact area of pixel (row, column), in m2.
    typealias Exact = (_ row: Int, _ column: Int) -> Double

    /// One fitted cell: node positions and the 3 x 3 node areas; nil areas = exact cell.
    struct Fit: Sendable {
        let rows: (Double, Double, Double)
        let columns: (Double, Double, Double)
        let areas: [Double]?   // row-major 3 x 3
    }

    private let width: Int, height: Int
    private let exact: Exact
    private let lock = NSLock()
    private var fits: [Int: Fit] = [:]

    init(width: Int, height: Int, exact: @escaping Exact) {
        self.width = width
        self.height = height
        self.exact = exact
    }

    /// Allowed difference between the surface and an exact area of `a` m2.
    static func tolerance(_ a: Double) -> Double { 5e-5 + 1e-12 * abs(a) }

    /// The fit of the cell holding pixel (row, column), computed once.
    func fit(row: Int, column: Int) -> Fit {
        let (ci, cj) = (row / Self.cell, column / Self.cell)
        let key = ci * ((width + Self.cell - 1) / Self.cell) + cj
        if let f = lock.withLock({ fits[key] }) { return f }
        let f = makeFit(rows: (ci * Self.cell)..<min(height, (ci + 1) * Self.cell), columns: (cj * Self.cell)..<min(width, (cj + 1) * Self.cell))
        lock.withLock { fits[key] = f }
        return f
    }

    private func makeFit(rows: Range<Int>, columns: Range<Int>) -> Fit {
        let r = (rows.lowerBound, rows.lowerBound + (rows.count - 1) / 2, rows.upperBound - 1)
        let c = (columns.lowerBound, columns.lowerBound + (columns.count - 1) / 2, columns.upperBound - 1)
        let rd = (Double(r.0), Double(r.1), Double(r.2)), cd = (Double(c.0), Double(c.1), Double(c.2))
        guard rows.count >= Self.minimumSide, columns.count >= Self.minimumSide else { return Fit(rows: rd, columns: cd, areas: nil) }
        var nodes: [Double] = []
        for i in [r.0, r.1, r.2] { for j in [c.0, c.1, c.2] { nodes.append(exact(i, j)) } }
        let fit = Fit(rows: rd, columns: cd, areas: nodes)
        let q = (rows.lowerBound + (rows.count - 1) / 4, rows.lowerBound + 3 * (rows.count - 1) / 4)
        let p = (columns.lowerBound + (columns.count - 1) / 4, columns.lowerBound + 3 * (columns.count - 1) / 4)
        for (i, j) in [(q.0, p.0), (q.0, p.1), (q.1, p.0), (q.1, p.1)] {
            let e = exact(i, j), s = Self.evaluate(fit, row: Double(i), column: Double(j))
            // NaN (a failed transform) fails the check too.
            guard abs(s - e) <= Self.tolerance(e) else { return Fit(rows: rd, columns: cd, areas: nil) }
        }
        return fit
    }

    /// Lagrange weights of the 3 nodes `n` at `x`.
    @inline(__always)
    static func weights(_ n: (Double, Double, Double), _ x: Double) -> (Double, Double, Double) {
        ((x - n.1) * (x - n.2) / ((n.0 - n.1) * (n.0 - n.2)),
         (x - n.0) * (x - n.2) / ((n.1 - n.0) * (n.1 - n.2)),
         (x - n.0) * (x - n.1) / ((n.2 - n.0) * (n.2 - n.1)))
    }

    /// The fitted surface at (row, column) of a fitted cell.
    static func evaluate(_ f: Fit, row: Double, column: Double) -> Double {
        let a = f.areas!
        let wr = weights(f.rows, row), wc = weights(f.columns, column)
        let v0 = wr.0 * a[0] + wr.1 * a[3] + wr.2 * a[6]
        let v1 = wr.0 * a[1] + wr.1 * a[4] + wr.2 * a[7]
        let v2 = wr.0 * a[2] + wr.1 * a[5] + wr.2 * a[8]
        return wc.0 * v0 + wc.1 * v1 + wc.2 * v2
    }

    /// Areas of pixels `columns` of `row` into `out`; `exactRow` computes a run of columns exactly
    /// (for the cells that are not fitted).
    func areas(row: Int, columns: Range<Int>, into out: UnsafeMutableBufferPointer<Double>,
               exactRow: (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) {
        var c = columns.lowerBound
        while c < columns.upperBound {
            let end = min(columns.upperBound, (c / Self.cell + 1) * Self.cell)
            let f = fit(row: row, column: c)
            let slice = UnsafeMutableBufferPointer(rebasing: out[(c - columns.lowerBound)..<(end - columns.lowerBound)])
            if let a = f.areas {
                let wr = Self.weights(f.rows, Double(row))
                let v0 = wr.0 * a[0] + wr.1 * a[3] + wr.2 * a[6]
                let v1 = wr.0 * a[1] + wr.1 * a[4] + wr.2 * a[7]
                let v2 = wr.0 * a[2] + wr.1 * a[5] + wr.2 * a[8]
                for k in 0..<slice.count {
                    let wc = Self.weights(f.columns, Double(c + k))
                    slice[k] = wc.0 * v0 + wc.1 * v1 + wc.2 * v2
                }
            } else {
                exactRow(c..<end, slice)
            }
            c = end
        }
    }
}
