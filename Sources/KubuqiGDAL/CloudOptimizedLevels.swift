/// The levels of a Cloud Optimized GeoTIFF as GDAL 3.6's COG driver makes them, for a raster of
/// `width` x `height` pixels in square tiles of `tile` pixels, and which full-resolution pixel each
/// overview pixel takes with `NEAREST` resampling (docs/publishing.md, "COG from the workers' tiles").
///
/// - Levels: overviews at factors 2, 4, 8, ... while the previous level is wider or taller than one tile
///   (the driver halves the size with integer division at each step: `cogdriver.cpp`).
/// - Sizes: `max(1, width / factor)` x `max(1, height / factor)`, integer division (what GDAL 3.6 gives,
///   e.g. 1999 -> 999, 499, 249; checked against GDAL for odd and one-pixel sizes in the tests).
/// - `NEAREST`: each overview is computed from the level before it (GDAL regenerates overview k from
///   overview k-1); destination column `i` of a level `n` wide made from a level `m` wide takes source
///   column `Int(0.5 + Double(i) * (Double(m) / Double(n)))`, rows alike. Composed down to level 0,
///   that gives the full-resolution column and row of every overview pixel.
public struct CloudOptimizedLevels: Sendable, Equatable {
    /// Square tile side in pixels.
    public let tile: Int
    /// Width and height of each level, level 0 the full resolution.
    public let sizes: [Size]
    /// For each level, the full-resolution column of each of its columns (level 0: the identity, not stored).
    public let columns: [[Int32]]
    /// For each level, the full-resolution row of each of its rows (level 0: the identity, not stored).
    public let rows: [[Int32]]

    /// A level's size.
    public struct Size: Sendable, Equatable {
        public let width: Int
        public let height: Int
        /// Tiles across and down.
        public func tiles(_ tile: Int) -> (across: Int, down: Int) { ((width + tile - 1) / tile, (height + tile - 1) / tile) }
    }

    /// The levels of a `width` x `height` raster in tiles of `tile` pixels.
    public init(width: Int, height: Int, tile: Int = 256) {
        precondition(width > 0 && height > 0 && tile > 0, "a raster and its tiles have positive sizes")
        self.tile = tile
        var factors: [Int] = []
        var (x, y, factor) = (width, height, 2)
        while x > tile || y > tile {
            factors.append(factor)
            factor *= 2
            x /= 2
            y /= 2
        }
        var sizes = [Size(width: width, height: height)]
        var columns: [[Int32]] = [[]], rows: [[Int32]] = [[]]
        for f in factors {
            let size = Size(width: max(1, width / f), height: max(1, height / f))
            let previous = sizes[sizes.count - 1]
            let previousColumns = sizes.count == 1 ? nil : columns[columns.count - 1]
            let previousRows = sizes.count == 1 ? nil : rows[rows.count - 1]
            columns.append(Self.nearest(from: previous.width, to: size.width, through: previousColumns))
            rows.append(Self.nearest(from: previous.height, to: size.height, through: previousRows))
            sizes.append(size)
        }
        self.sizes = sizes
        self.columns = columns
        self.rows = rows
    }

    /// Whether every level is narrower and shorter than the one before it: then GDAL 3.6 computes each overview
    /// from the one before it and ``columns`` and ``rows`` are the pixels its `NEAREST` takes (checked against
    /// GDAL on 141 sizes). A raster a few pixels wide or tall, whose overviews stop shrinking in one direction, is
    /// not covered (GDAL then computes some levels from other sources): its COG is left to GDAL.
    public var nearestIsGDALs: Bool {
        zip(sizes, sizes.dropFirst()).allSatisfy { $1.width < $0.width && $1.height < $0.height }
    }

    /// The number of levels, the full resolution included.
    public var count: Int { sizes.count }

    /// For each of `n` destination positions made from `m` source positions, the source position GDAL's
    /// `NEAREST` takes, mapped through `base` (the source level's own full-resolution positions) when given.
    static func nearest(from m: Int, to n: Int, through base: [Int32]?) -> [Int32] {
        let ratio = Double(m) / Double(n)
        return (0..<n).map { i in
            let source = min(m - 1, Int(0.5 + Double(i) * ratio))
            return base.map { $0[source] } ?? Int32(source)
        }
    }
}
