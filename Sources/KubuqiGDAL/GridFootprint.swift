import Foundation
import KubuqiRaster

extension Grid {
    /// The window of `source` that `region` of this grid covers: the region's outline and inside sampled
    /// at `samples` x `samples` points, carried into `source`'s CRS (PROJ) and pixels, widened by `margin`
    /// source pixels and clamped to `source`. Nil when a point cannot be carried (no geotransform, no
    /// transformation) or the region falls outside `source`.
    public func footprint(of region: Window, in source: Grid, margin: Int, samples: Int = 20) -> Window? {
        guard let t = geoTransform, let s = source.geoTransform, region.width > 0, region.height > 0 else { return nil }
        var xs: [Double] = [], ys: [Double] = []
        for i in 0...samples {
            for j in 0...samples {
                let p = t.apply(column: Double(region.column) + Double(region.width) * Double(i) / Double(samples),
                                row: Double(region.row) + Double(region.height) * Double(j) / Double(samples))
                xs.append(p.x)
                ys.append(p.y)
            }
        }
        let a = SpatialReference(wkt: crsWKT), b = SpatialReference(wkt: source.crsWKT)
        if let a, let b, !a.isSame(as: b) {
            guard let transform = CoordinateTransform(from: a, to: b), transform.transform(x: &xs, y: &ys).allSatisfy({ $0 }) else { return nil }
        } else if (a == nil) != (b == nil) {
            return nil
        }
        var low = (column: Double.infinity, row: Double.infinity), high = (column: -Double.infinity, row: -Double.infinity)
        for (x, y) in zip(xs, ys) {
            guard let p = s.pixel(x: x, y: y), p.column.isFinite, p.row.isFinite else { return nil }
            low = (Swift.min(low.column, p.column), Swift.min(low.row, p.row))
            high = (Swift.max(high.column, p.column), Swift.max(high.row, p.row))
        }
        guard high.column - low.column < Double(Int32.max), high.row - low.row < Double(Int32.max) else { return nil }
        let c0 = Swift.max(0, Int(low.column.rounded(.down)) - margin), r0 = Swift.max(0, Int(low.row.rounded(.down)) - margin)
        let c1 = Swift.min(source.width, Int(high.column.rounded(.up)) + margin), r1 = Swift.min(source.height, Int(high.row.rounded(.up)) + margin)
        guard c1 > c0, r1 > r0 else { return nil }
        return Window(column: c0, row: r0, width: c1 - c0, height: r1 - r0)
    }
}
