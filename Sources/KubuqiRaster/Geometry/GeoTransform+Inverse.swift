extension GeoTransform {
    /// The pixel coordinates (column, row; fractional, 0 at the outer corner) of the georeferenced
    /// point (`x`, `y`); nil when the transform is singular or not finite.
    public func pixel(x: Double, y: Double) -> (column: Double, row: Double)? {
        let c = coefficients
        let det = c[1] * c[5] - c[2] * c[4]
        guard det != 0, det.isFinite, c.allSatisfy(\.isFinite) else { return nil }
        let dx = x - c[0], dy = y - c[3]
        return ((c[5] * dx - c[2] * dy) / det, (c[1] * dy - c[4] * dx) / det)
    }
}
